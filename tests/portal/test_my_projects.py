"""«Mine prosjekter», a project leader's landing page: his municipality's projects 25 a
page, each once (a joint one too) with its latest status report, in the same number of
queries for two projects as for thirty."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from projects.models import ProgressReport, Project
from tests.factories import (
    AgreementFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    leader,
)
from tests.paging import assert_two_pages
from tests.queries import queries_to_show

pytestmark = pytest.mark.django_db

URL = reverse("projects:mine")


@pytest.fixture
def world():
    programme = ProgrammeFactory()
    snasa, lierne = MunicipalityFactory(name="Snåsa"), MunicipalityFactory(name="Lierne")
    return {
        "snasa": snasa,
        "lierne": lierne,
        "agreement": AgreementFactory(programme=programme, municipalities=[snasa, lierne]),
        "leader": leader(snasa),
    }


def add(world, count, *, start=0):
    """`count` projects of Snåsa, every third a joint project with Lierne, each with two
    status reports; and one of Lierne's alone, which is not Snåsa's leader's."""
    snasa, lierne = world["snasa"], world["lierne"]
    for n in range(start, start + count):
        project = ProjectFactory(
            agreement=world["agreement"],
            number=n + 1,
            title=f"Prosjekt {n + 1:02d}",
            municipalities=[snasa, lierne] if n % 3 == 0 else [snasa],
        )
        for month in (3, 9):
            ProgressReport.objects.create(
                project=project,
                period_start=datetime.date(2026, month, 1),
                period_end=datetime.date(2026, month, 28),
                status=ProgressReport.Status.APPROVED,
                traffic_light=ProgressReport.TrafficLight.GREEN,
            )
    ProjectFactory(agreement=world["agreement"], municipalities=[lierne])


def test_the_projects_show_twenty_five_a_page_with_their_latest_report(client, world):
    add(world, 30)
    client.force_login(world["leader"])
    own = list(
        Project.objects.filter(municipalities=world["snasa"]).order_by(
            "status", "agreement__programme__name", "number", "title", "pk"
        )
    )
    assert len(own) == 30

    def get(query):
        response = client.get(URL, query)
        return response.context, response.content.decode()

    second = assert_two_pages(
        get, parameter="prosjekter", anchor="projects-heading", key="projects", rows=own
    )

    assert "Prosjekt 30" in second and "Prosjekt 01" not in second
    # Each project shows its latest status report (September's), not the older one.
    assert second.count("28.09.2026") == 5 and "28.03.2026" not in second


def test_query_count_is_the_same_for_two_projects_and_for_thirty(client, world):
    client.force_login(world["leader"])
    client.get("/konto/")  # the first view after signing in saves the session
    add(world, 2)
    two = queries_to_show(client, URL)
    add(world, 28, start=2)

    assert queries_to_show(client, URL) == queries_to_show(client, URL + "?prosjekter=2") == two


def test_projects_behind_with_their_status_reports_are_named_at_the_top(client, world):
    """What the advisers see under «Frister» (no approved status report within the
    programme's 12 weeks), the leader sees for his own projects, the longest behind
    first; projects reported on recently, and other municipalities' projects, are not
    named."""
    add(world, 2)  # approved status reports up to 28.09.2026
    snasa, agreement = world["snasa"], world["agreement"]
    behind = ProjectFactory(agreement=agreement, title="Lenge siden", municipalities=[snasa])
    ProgressReport.objects.create(
        project=behind,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 6, 30),
        status=ProgressReport.Status.APPROVED,
        traffic_light=ProgressReport.TrafficLight.GREEN,
    )
    never = ProjectFactory(
        agreement=agreement,
        title="Aldri rapportert",
        municipalities=[snasa],
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2027, 12, 31),
    )
    client.force_login(world["leader"])

    with time_machine.travel(datetime.datetime(2026, 12, 1, 12, 0), tick=False):
        response = client.get(URL)

    assert [p.title for p in response.context["behind"]] == [behind.title, never.title]
    html = response.content.decode()
    section = html[
        html.index('id="behind-heading"') : html.index(
            "</section>", html.index('id="behind-heading"')
        )
    ]
    assert "Statusrapporter fylkeskommunen venter på" in section
    assert (
        "Siste godkjente statusrapport gjelder perioden til 30.06.2025, for 74 uker siden. "
        "Programmets frist er 12 uker." in section
    )
    assert (
        "Ingen statusrapport er godkjent siden prosjektet startet 05.01.2026, for 47 uker "
        "siden. Programmets frist er 12 uker." in section
    )
    assert "Prosjekt 01" not in section and "Prosjekt 02" not in section


def test_no_projects_behind_no_warning(client, world):
    add(world, 2)
    client.force_login(world["leader"])
    with time_machine.travel(datetime.datetime(2026, 12, 1, 12, 0), tick=False):
        html = client.get(URL).content.decode()
    assert "behind-heading" not in html
