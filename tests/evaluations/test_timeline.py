"""The programme timeline (evaluations/timeline.py): SVG, the facts behind it, and its cost."""

import datetime
import os
import re
import xml.etree.ElementTree as ET
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from agreements.models import Programme
from evaluations.models import Milestone
from evaluations.timeline import programme_timeline
from tests.factories import (
    AgreementFactory,
    MilestoneFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    adviser,
    leader,
)

pytestmark = pytest.mark.django_db

D = datetime.date
SVG = "{http://www.w3.org/2000/svg}"
TODAY = D(2025, 3, 10)
OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
# «Midtveisrapport – Meråker: 01.10.2024, levert»: a marker's tooltip names a date and a state.
MARKER_TITLE = re.compile(r"^(?P<what>.+): (?P<date>\d\d\.\d\d\.\d{4}), (?P<state>[a-zæøå ]+)$")


def following(programme):
    user = adviser()
    user.programmes.add(programme)
    return User.objects.get(pk=user.pk)  # fresh, without cached permission look-ups


def parse(timeline):
    return ET.fromstring(str(timeline.svg))


def marker_titles(root) -> list[str]:
    titles = [g.find(f"{SVG}title") for g in root.iter(f"{SVG}g")]
    return [t.text for t in titles if t is not None and MARKER_TITLE.match(t.text)]


def all_text(root) -> str:
    return " ".join(text.text or "" for text in root.iter(f"{SVG}text"))


@pytest.fixture
def meraker_world():
    programme = ProgrammeFactory(slug="i-lag", name="Distriktssatsinga I LAG", short_name="I LAG")
    meraker = MunicipalityFactory(number="5034", name="Meråker")
    snasa = MunicipalityFactory(number="5041", name="Snåsa")
    agreement = AgreementFactory(
        programme=programme,
        municipalities=[meraker],
        theme="Kampen om kvalifisert arbeidskraft",
        start_date=D(2023, 10, 1),
        end_date=D(2025, 9, 30),
    )
    other = AgreementFactory(
        programme=programme, municipalities=[snasa], start_date=D(2023, 5, 1), theme="Vi ble I LAG"
    )
    project = ProjectFactory(agreement=agreement, title="Rekruttering til helse")
    milestones = {
        "delivered": MilestoneFactory(
            programme=None,
            agreement=agreement,
            kind=Milestone.Kind.MIDTERM_REPORT,
            due_date=D(2024, 10, 1),
            status=Milestone.Status.DELIVERED,
            delivered_on=D(2024, 9, 30),
        ),
        "approved": MilestoneFactory(
            programme=None,
            agreement=agreement,
            kind=Milestone.Kind.STARTUP_NOTE,
            due_date=D(2024, 4, 1),
            status=Milestone.Status.APPROVED,
            delivered_on=D(2024, 3, 20),
        ),
        "overdue": MilestoneFactory(
            programme=None,
            agreement=other,
            kind=Milestone.Kind.MIDTERM_REPORT,
            due_date=D(2024, 5, 1),
        ),
        "due_soon": MilestoneFactory(
            programme=None,
            project=project,
            kind=Milestone.Kind.OTHER,
            title="Rekrutteringsmesse",
            due_date=D(2025, 3, 20),
        ),
        "upcoming": MilestoneFactory(
            programme=programme, kind=Milestone.Kind.FINAL_REPORT, due_date=D(2025, 12, 15)
        ),
    }
    return programme, agreement, milestones


def test_svg_names_all_six_i_lag_municipalities_after_seed_demo():
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    programme = Programme.objects.get(slug="i-lag")
    timeline = programme_timeline(
        programme, user=User.objects.get(username="radgiver"), today=TODAY
    )
    text = all_text(parse(timeline))
    for name in ["Snåsa", "Rennebu", "Meråker", "Høylandet", "Tydal", "Leka"]:
        assert name in text
    assert [row.label for row in timeline.rows] == [
        "Programmet",
        "Rennebu",  # same start as Snåsa (May 2023): by name
        "Snåsa",
        "Meråker",
        "Høylandet",
        "Leka",  # same start as Tydal (September 2024)
        "Tydal",
    ]


def test_each_marker_has_a_bokmal_title_with_date_and_state(meraker_world):
    programme, _, milestones = meraker_world
    timeline = programme_timeline(programme, user=following(programme), today=TODAY)
    titles = marker_titles(parse(timeline))
    assert len(titles) == len(milestones)
    assert set(titles) == {
        "Midtveisrapport – Meråker: 01.10.2024, levert",
        "Oppstartsnotat – Meråker: 01.04.2024, godkjent",
        "Midtveisrapport – Snåsa: 01.05.2024, forfalt",
        "Rekrutteringsmesse – Meråker, prosjektet «Rekruttering til helse»: 20.03.2025, "
        "frist nærmer seg",
        "Sluttrapport – I LAG: 15.12.2025, kommende",
    }


def test_markers_differ_by_shape_not_colour_alone(meraker_world):
    programme, _, _ = meraker_world
    root = parse(programme_timeline(programme, user=following(programme), today=TODAY))
    shapes = {}
    for g in root.iter(f"{SVG}g"):
        title = g.find(f"{SVG}title")
        if title is not None and MARKER_TITLE.match(title.text):
            state = MARKER_TITLE.match(title.text)["state"]
            # The shape: its elements, and which of them are outlined.
            shapes[state] = tuple(
                (child.tag, child.get("stroke") is not None)
                for child in g
                if child.tag not in (f"{SVG}title", f"{SVG}text", f"{SVG}rect")
            )
    assert len(set(shapes.values())) == 5, shapes


def test_text_table_gives_the_same_facts(client, meraker_world):
    programme, agreement, milestones = meraker_world
    client.force_login(following(programme))
    with time_machine.travel(datetime.datetime(2025, 3, 10, 12, tzinfo=OSLO), tick=False):
        html = client.get(reverse("agreements:programme-detail", args=[programme.slug])).text
    timeline = programme_timeline(programme, user=following(programme), today=TODAY)
    table = re.search(rf'<table[^>]*id="{timeline.table_id}".*?</table>', html, re.S).group(0)
    assert "<caption>Tidslinjen som tekst</caption>" in table
    assert f'aria-describedby="{timeline.table_id}"' in html
    rows = {
        re.sub(r"<[^>]+>", "", re.search(r"<th scope=\"row\">(.*?)</th>", row, re.S).group(1))
        .strip()
        .split(" (")[0]: row
        for row in re.findall(r"<tr>.*?</tr>", table, re.S)[1:]
    }
    assert set(rows) == {"Programmet", "Meråker", "Snåsa"}
    meraker = rows["Meråker"]
    assert "01.10.2023–30.09.2025" in meraker
    assert "Kampen om kvalifisert arbeidskraft" in meraker
    assert re.search(r"Midtveisrapport</a>: 01.10.2024, .*Levert", meraker, re.S)
    assert re.search(r"Oppstartsnotat</a>: 01.04.2024, .*Godkjent", meraker, re.S)
    assert "Rekrutteringsmesse</a> (prosjekt Rekruttering til helse): 20.03.2025" in meraker
    assert milestones["delivered"].get_absolute_url() in meraker
    assert re.search(r"Midtveisrapport</a>: 01.05.2024, .*Forfalt", rows["Snåsa"], re.S)
    assert re.search(r"Sluttrapport</a>: 15.12.2025, .*Kommende", rows["Programmet"], re.S)


def test_svg_is_well_formed_accessible_and_free_of_style_attributes(meraker_world):
    programme, _, _ = meraker_world
    timeline = programme_timeline(programme, user=following(programme), today=TODAY)
    root = parse(timeline)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox").startswith("0 0 1100 ")
    assert root.get("aria-labelledby") == f"{timeline.title_id} {timeline.desc_id}"
    assert root.get("aria-describedby") == timeline.table_id
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert (title.get("id"), title.text) == (timeline.title_id, "Tidslinje for I LAG")
    assert desc.get("id") == timeline.desc_id
    assert "2 samarbeidsavtaler og 5 milepæler" in desc.text
    assert "Forfalt: 1." in desc.text
    assert "DejaVu Sans" in root.get("font-family")
    svg = str(timeline.svg)
    assert "style=" not in svg and "<script" not in svg and "class=" not in svg
    assert "I dag" in all_text(root)
    assert "Tegnforklaring:" in all_text(root)


def test_municipality_names_are_escaped():
    programme = ProgrammeFactory()
    evil = MunicipalityFactory(number="5999", name="<script>x</script> & Co")
    AgreementFactory(programme=programme, municipalities=[evil], theme='"Tema" <b>')
    timeline = programme_timeline(programme, user=following(programme), today=TODAY)
    svg = str(timeline.svg)
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;x&lt;/script&gt; &amp; Co" in svg
    text = all_text(parse(timeline))  # parses: the escaping keeps the XML well formed
    assert "<script>x</script> & Co" in text
    assert '"Tema" <b>' in text


def test_long_names_are_cut_with_an_ellipsis_and_kept_whole_in_the_tooltip():
    programme = ProgrammeFactory()
    names = ["Namsskogan", "Røyrvik", "Lierne", "Grong", "Høylandet"]
    municipalities = [MunicipalityFactory(number=f"59{i:02d}", name=n) for i, n in enumerate(names)]
    AgreementFactory(programme=programme, municipalities=municipalities, theme="Bolig")
    root = parse(programme_timeline(programme, user=following(programme), today=TODAY))
    label = next(t.text for t in root.iter(f"{SVG}text") if t.text.startswith("Grong"))
    assert label.endswith("…") and len(label) < len("Grong, Høylandet, Lierne, Namsskogan, Røyrvik")
    tooltips = [t.text for t in root.iter(f"{SVG}title")]
    assert any(
        t.startswith("Grong, Høylandet, Lierne, Namsskogan, Røyrvik – Bolig") for t in tooltips
    )


def test_leader_does_not_see_another_municipalitys_draft_agreement():
    programme = ProgrammeFactory()
    own, other = MunicipalityFactory(name="Snåsa"), MunicipalityFactory(name="Meråker")
    AgreementFactory(programme=programme, municipalities=[own])
    AgreementFactory(programme=programme, municipalities=[other], draft=True)
    timeline = programme_timeline(programme, user=leader(own), today=TODAY)
    assert [row.label for row in timeline.rows] == ["Programmet", "Snåsa"]
    assert "Meråker" not in str(timeline.svg)


def test_today_is_drawn_only_inside_the_period(meraker_world):
    programme, _, _ = meraker_world
    user = following(programme)

    def today_tooltips(today):
        root = parse(programme_timeline(programme, user=user, today=today))
        return [t.text for t in root.iter(f"{SVG}title") if t.text.startswith("I dag")]

    assert today_tooltips(TODAY) == ["I dag, 10.03.2025"]
    assert today_tooltips(D(2030, 1, 1)) == []


def agreements_with_milestones(programme, count):
    for _ in range(count):
        agreement = AgreementFactory(programme=programme)
        project = ProjectFactory(agreement=agreement)
        MilestoneFactory(programme=None, agreement=agreement, kind=Milestone.Kind.MIDTERM_REPORT)
        MilestoneFactory(programme=None, project=project, kind=Milestone.Kind.OTHER, title="X")


@pytest.mark.parametrize("count", [2, 20])
def test_query_count_does_not_grow_with_agreements(django_assert_max_num_queries, count):
    programme = ProgrammeFactory()
    agreements_with_milestones(programme, count)
    user = following(programme)
    # The user's roles and followed programmes (looked up once per request), agreements,
    # their municipalities, milestones.
    with django_assert_max_num_queries(5):
        timeline = programme_timeline(programme, user=user, today=TODAY)
    assert len(timeline.rows) == count + 1
    assert len(marker_titles(parse(timeline))) == 2 * count
