"""The status report page looks each thing up once: its query count is the same for a report
with two cost rows and indicator values as for one with twenty."""

import datetime

import pytest
from django.urls import reverse

from projects.models import IndicatorValue, ProgressReport, ReportCost
from tests.factories import (
    AgreementFactory,
    BudgetLineFactory,
    CostCategoryFactory,
    DocumentFactory,
    IndicatorFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    following,
    leader,
)
from tests.paging import assert_documents_paged
from tests.queries import queries_to_show

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def world():
    """A joint project's approved report, with a document."""
    programme = ProgrammeFactory()
    snasa, lierne = MunicipalityFactory(name="Snåsa"), MunicipalityFactory(name="Lierne")
    agreement = AgreementFactory(programme=programme, municipalities=[snasa, lierne])
    project = ProjectFactory(agreement=agreement, municipalities=[snasa, lierne])
    report = ProgressReport.objects.create(
        project=project,
        period_start=D(2024, 1, 1),
        period_end=D(2024, 6, 30),
        status=ProgressReport.Status.APPROVED,
        submitted_by=UserFactory(),
        reviewed_by=UserFactory(),
        review_comment="Fint.",
        traffic_light=ProgressReport.TrafficLight.GREEN,
    )
    DocumentFactory(project=None, progress_report=report)
    return {
        "report": report,
        "adviser": following(programme),
        "leader": leader(snasa),
    }


def add_rows(report, count, *, start=0):
    """A cost in a category of its own (budgeted) and a value of an indicator of its own."""
    project = report.project
    for n in range(start, start + count):
        category = CostCategoryFactory(programme=project.agreement.programme, position=n)
        BudgetLineFactory(project=project, category=category, amount=10_000 * (n + 1))
        ReportCost.objects.create(report=report, category=category, amount=1000 * (n + 1))
        indicator = IndicatorFactory(project=project, name=f"Indikator {n}")
        IndicatorValue.objects.create(report=report, indicator=indicator, value=n)


def count_queries(client, report) -> int:
    return queries_to_show(client, reverse("projects:report-detail", args=[report.pk]))


# The user's account (the session comes from the cache, and a page that only reads opens
# no transaction); the user's roles and scope (1: with followed programmes or own
# municipalities); the report with its project, agreement,
# programme, owner and people, and the project's municipalities (2); the budget lines; the
# costs with their categories; the indicator values with their indicators; the documents;
# the change history's entries (1, from its index). Every name the history shows is among
# these.
# Before: 16 when the history read every historical row (4: the report, costs, values,
# documents); 19 with two rows and 18 with twenty for the adviser, 22 and 21 for the leader: the
# report's people, categories and indicators looked up again for the history (a query per
# kind named among its newest 30 entries), the report's people on their own, and for a
# leader the project's municipalities once for each permission asked.
REPORT_PAGE_QUERIES = 9


@pytest.mark.parametrize("role", ["adviser", "leader"])
def test_query_count_is_the_same_for_two_rows_and_for_twenty(client, world, role):
    report = world["report"]
    client.force_login(world[role])
    client.get("/konto/")  # the first view after signing in saves the session
    add_rows(report, 2)

    two = count_queries(client, report)
    add_rows(report, 18, start=2)
    twenty = count_queries(client, report)

    assert two == twenty == REPORT_PAGE_QUERIES


def test_the_page_shows_each_cost_against_its_budget_and_names_them_in_the_history(client, world):
    report = world["report"]
    add_rows(report, 3)
    client.force_login(world["adviser"])

    response = client.get(reverse("projects:report-detail", args=[report.pk]))

    rows = [(row["cost"].amount, row["budget"]) for row in response.context["costs"]]
    assert sorted(rows) == [(1000, 10_000), (2000, 20_000), (3000, 30_000)]
    history = response.context["history"]
    named = {change.new for entry in history for change in entry.changes}
    named |= {entry.what for entry in history}
    indicator = report.indicator_values.first().indicator
    assert {str(report.submitted_by), str(report.costs.first().category)} <= named
    assert any(str(indicator) in what for what in named)
    assert not any("(deleted)" in name or "(slettet)" in name for name in named)


def test_the_documents_page_25_at_a_time_in_as_many_queries_for_2_as_for_30(client, world):
    report = world["report"]
    client.force_login(world["leader"])
    client.get("/konto/")  # the first view after signing in saves the session

    assert_documents_paged(
        client, reverse("projects:report-detail", args=[report.pk]), progress_report=report
    )
