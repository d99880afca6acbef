"""Lists: filters in the URL, bad input answered sensibly, exports of what is shown."""

import csv
import io

import pytest
from django.core.cache import cache
from django.db.models import Count
from django.http import StreamingHttpResponse
from openpyxl import load_workbook

from accounts.models import User
from municipalities.models import Municipality
from portal import summary
from projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def adviser(client, demo_for_module):
    client.force_login(User.objects.get(username="radgiver"))
    return client


def text(response):
    return response.content.decode()


def test_filters_live_in_the_url_and_narrow_the_list(adviser):
    html = text(adviser.get("/prosjekter/?kommune=Leka"))
    assert "Utviklingsplan for Leka" in html and "Boliger i Snåsa sentrum" not in html
    html = text(adviser.get("/prosjekter/?program=hjerteregionen&sorter=-budsjett"))
    assert "Felles plan- og utviklingskontor" in html and "Utviklingsplan for Leka" not in html


def test_unknown_filter_value_is_ignored_with_a_message(adviser):
    response = adviser.get("/prosjekter/?status=banan&program=finnes-ikke")
    assert response.status_code == 200
    html = text(response)
    assert "Filteret «Status» ble ikke brukt" in html
    assert "Utviklingsplan for Leka" in html  # the list is not emptied


def test_page_out_of_range_shows_the_last_page(adviser):
    response = adviser.get("/prosjekter/?side=999")
    assert response.status_code == 200
    assert text(response).count("<tr>") > 1
    assert adviser.get("/prosjekter/?side=abc").status_code == 200


@pytest.mark.parametrize(
    "query", ["'; DROP TABLE projects_project; --", ".*(", "a & b | !c", "<script>"]
)
def test_search_with_sql_or_regex_characters_is_harmless(adviser, query):
    response = adviser.get("/prosjekter/", {"q": query})
    assert response.status_code == 200
    assert "<script>" not in text(response).split("</header>", 1)[1].replace("&lt;script&gt;", "")


def test_norwegian_full_text_search_finds_inflected_words(adviser):
    # «boliger» is found by «bolig» through the Norwegian stemmer.
    html = text(adviser.get("/prosjekter/", {"q": "bolig"}))
    assert "Boliger i Snåsa sentrum" in html
    # Report narratives are searched too.
    html = text(adviser.get("/prosjekter/", {"q": "arbeidsgruppen"}))
    assert "Boliger i Snåsa sentrum" in html


def test_csv_export_streams_the_filtered_rows_with_norwegian_headers(adviser):
    response = adviser.get("/prosjekter/", {"program": "i-lag", "eksport": "csv"})
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"].startswith('attachment; filename="prosjekter-')
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0][:3] == ["Prosjekt", "Nummer", "Kommuner"]
    assert len(rows) - 1 == Project.objects.filter(agreement__programme__slug="i-lag").count()


def test_xlsx_export_opens_with_the_rows_shown(adviser):
    response = adviser.get("/prosjekter/", {"kommune": "5034", "eksport": "xlsx"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    values = list(sheet.values)
    assert values[0][0] == "Prosjekt"
    titles = {row[0] for row in values[1:]}
    assert titles == set(
        Project.objects.filter(municipalities__number="5034").values_list("title", flat=True)
    )
    budget_column = values[0].index("Budsjett (kr)")
    assert all(isinstance(row[budget_column], int) for row in values[1:])
    # Norwegian formats: dates as 15.11.2023, amounts with thousands separators.
    row = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    assert row[budget_column].number_format == "#,##0"
    assert row[values[0].index("Startdato")].number_format == "dd.mm.yyyy"


def test_xlsx_export_says_which_filters_made_the_rows(adviser):
    response = adviser.get(
        "/prosjekter/",
        {"kommune": "5034", "status": "completed", "program": "i-lag", "eksport": "xlsx"},
    )
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Prosjekter", "Utvalg"]
    shown = dict(workbook["Utvalg"].values)
    assert shown["Liste"] == "Prosjekter"
    assert shown["Eksportert av"] == User.objects.get(username="radgiver").get_full_name()
    assert shown["Rader"] == workbook["Prosjekter"].max_row - 1
    assert shown["Program"] == "I LAG"  # as in the drop-down
    assert shown["Status"] == "Avsluttet"
    assert shown["Kommune (navn eller nummer)"] == "5034"
    assert "Søk" not in shown  # filters not in use are not listed

    response = adviser.get("/avtaler/", {"eksport": "xlsx"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert dict(workbook["Utvalg"].values)["Filtre"] == "Ingen: alle rader du har tilgang til"


@pytest.mark.parametrize("url", ["/avtaler/", "/milepeler/", "/prosjekter/statusrapporter/"])
def test_every_list_exports(adviser, url):
    response = adviser.get(url, {"eksport": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(body.splitlines()) > 1
    response = adviser.get(url, {"eksport": "xlsx"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.worksheets[0].max_row == len(body.splitlines())


def test_dashboard_figures_add_up(adviser):
    from projects.models import BudgetLine

    response = adviser.get("/?program=i-lag")
    html = text(response)
    total = sum(
        BudgetLine.objects.filter(project__agreement__programme__slug="i-lag").values_list(
            "amount", flat=True
        )
    )
    assert f"kr\xa0{total:,}".replace(",", "\xa0") in html
    # A municipality without joint projects shows its projects' whole budget (joint
    # projects count with each municipality's share: tests/test_figures_add_up.py).
    joint = Project.objects.annotate(n=Count("municipalities")).filter(n__gt=1)
    alone = (
        Municipality.objects.filter(agreements__programme__slug="i-lag")
        .exclude(projects__in=joint)
        .first()
    )
    own = sum(
        BudgetLine.objects.filter(
            project__municipalities=alone, project__agreement__programme__slug="i-lag"
        ).values_list("amount", flat=True)
    )
    assert f"kr\xa0{own:,}".replace(",", "\xa0") in html
    for name in ["Snåsa", "Rennebu", "Meråker", "Høylandet", "Tydal", "Leka"]:
        assert name in html


def test_leader_and_reader_land_elsewhere(client, demo_for_module):
    client.force_login(User.objects.get(username="leder.snasa"))
    assert client.get("/")["Location"] == "/prosjekter/mine/"


def test_dashboard_counts_every_report_waiting_and_links_to_the_rest(adviser, monkeypatch):
    from evaluations.models import MilestoneReport

    waiting = MilestoneReport.objects.filter(
        status="submitted", milestone__agreement__programme__slug="i-lag"
    )
    assert waiting.count() == 1  # Leka's, in the demo
    html = text(adviser.get("/?program=i-lag"))
    assert '<p class="h2 mb-0">1</p>' in html
    assert "Kommunens sluttrapport: Samarbeidsavtale I LAG – Leka" in html
    assert "venter i alt" not in html  # every waiting report is listed

    monkeypatch.setattr("portal.dashboard.WAITING_SHOWN", 0)
    cache.clear()  # the page above is cached until the data changes
    # And the demo's figures kept (portal.summary) were computed with 10 listed.
    summary.mark_every_programme_changed()
    html = text(adviser.get("/?program=i-lag"))
    assert '<p class="h2 mb-0">1</p>' in html  # counted, though none is listed
    assert "Kommunens sluttrapport: Samarbeidsavtale I LAG – Leka" not in html
    assert "De eldste vises; 1 venter i alt." in html
    assert "/prosjekter/statusrapporter/?program=i-lag&amp;status=submitted" in html


@pytest.mark.parametrize(
    "url", ["/prosjekter/", "/avtaler/", "/milepeler/", "/prosjekter/statusrapporter/"]
)
def test_drop_downs_read_their_choices_in_one_query_without_a_cursor(
    client, url, monkeypatch, demo_for_module
):
    """The filters' choices (programmes, focus areas) are read with an ordinary query, not
    through a server-side cursor (DECLARE, FETCH, CLOSE: four round trips a drop-down),
    and still list just what the user may see."""
    from django.db import connections

    from agreements.models import Programme

    leader = User.objects.get(username="leder.snasa")
    client.force_login(leader)
    cursors = []
    connection = connections["default"]
    monkeypatch.setattr(
        connection,
        "chunked_cursor",
        lambda: cursors.append(1) or pytest.fail("a server-side cursor for a drop-down"),
    )
    html = text(client.get(url))
    assert cursors == []
    select = html.split('name="program"', 1)[1].split("</select>", 1)[0]
    visible = Programme.objects.visible_to(leader)
    assert 0 < visible.count() < Programme.objects.count()
    for programme in Programme.objects.all():
        assert (f'value="{programme.slug}"' in select) == (programme in visible)


def test_a_page_of_a_list_reads_its_rows_and_how_many_match_without_a_count_query(adviser):
    """The page's ids come with the number of matching rows (a window count), so the
    list makes no COUNT query of its own; a page past the end still shows the last page
    («Viser 1–n av n»), with the count it then needs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    shown = Project.objects.filter(agreement__programme__slug="i-lag").count()
    with CaptureQueriesContext(connection) as queries:
        html = text(adviser.get("/prosjekter/?program=i-lag"))
    assert not [q["sql"] for q in queries if "COUNT(*)" in q["sql"]]
    assert f"{shown} treff" in html
    with CaptureQueriesContext(connection) as queries:
        past = text(adviser.get("/prosjekter/?program=i-lag&side=7"))
    assert [q["sql"] for q in queries if "COUNT(*)" in q["sql"]]
    assert f"{shown} treff" in past and past.count("<tr>") == html.count("<tr>")
