"""The project page looks each thing up once: its query count is the same for a project with
one status report and with ten, whatever cost categories their costs are in."""

import datetime

import pytest
from django.urls import reverse

from projects.models import Indicator, IndicatorValue, ProgressReport, ReportCost
from tests.factories import (
    AgreementFactory,
    BudgetLineFactory,
    CostCategoryFactory,
    FundingLineFactory,
    IndicatorFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    following,
    leader,
)
from tests.queries import queries_to_show

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def world():
    """A project with a budget in three of the programme's five cost categories, two
    indicators, and a municipality with a project leader."""
    programme = ProgrammeFactory()
    categories = [CostCategoryFactory(programme=programme, position=n) for n in range(5)]
    municipality = MunicipalityFactory(name="Snåsa")
    agreement = AgreementFactory(programme=programme, municipalities=[municipality])
    project = ProjectFactory(agreement=agreement, leader=UserFactory())
    for year in (2023, 2024):
        for category in categories[:3]:
            BudgetLineFactory(project=project, category=category, year=year)
    FundingLineFactory(project=project, source=programme.owner)
    FundingLineFactory(project=project, source=None, source_municipality=municipality)
    IndicatorFactory(project=project, kind=Indicator.Kind.EMPLOYMENT)
    IndicatorFactory(project=project, kind=Indicator.Kind.IN_MOVERS_KEPT)
    return {
        "project": project,
        "categories": categories,
        "adviser": following(programme),
        "leader": leader(municipality),
    }


def add_reports(project, categories, count, *, start=0):
    """Approved monthly reports, each with costs in four categories (a different four each
    time, one of them outside the budget) and a value for each indicator."""
    reviewer = UserFactory()
    for n in range(start, start + count):
        month = D(2023 + (5 + n) // 12, 1 + (5 + n) % 12, 1)
        report = ProgressReport.objects.create(
            project=project,
            period_start=month,
            period_end=month + datetime.timedelta(days=27),
            status=ProgressReport.Status.APPROVED,
            submitted_by=project.leader,
            reviewed_by=reviewer,
            traffic_light=ProgressReport.TrafficLight.GREEN,
        )
        for k in range(4):
            category = categories[(n + k) % len(categories)]
            ReportCost.objects.create(report=report, category=category, amount=1000 * (n + k))
        for indicator in project.indicators.all():
            IndicatorValue.objects.create(report=report, indicator=indicator, value=n)


def count_queries(client, project) -> int:
    return queries_to_show(client, reverse("projects:detail", args=[project.pk]))


# The user's session and account (2); the savepoint of the request's transaction and its
# release (2: the test runs in a transaction of its own); the user's roles and scope (2:
# followed programmes or own municipalities); the project with its municipalities, shares
# and indicators (4); budget lines with their categories; status reports with their costs
# and categories (2); funding lines; the latest report's indicator values; the change
# history's historical rows (12: one per kind of child, and the project's municipalities);
# the grant's payouts; change requests; milestones; documents. Every name the history
# shows is among these. Before: 40 with one report and 43 with ten for the adviser, 46 and
# 49 for the leader. The archive's records of the project (1) came with archiving.
PROJECT_PAGE_QUERIES = 32


@pytest.mark.parametrize("role", ["adviser", "leader"])
def test_query_count_is_the_same_for_one_report_and_for_ten(client, world, role):
    project, categories = world["project"], world["categories"]
    client.force_login(world[role])
    client.get("/konto/")  # the first view after signing in saves the session
    add_reports(project, categories, 1)

    one = count_queries(client, project)
    add_reports(project, categories, 9, start=1)
    ten = count_queries(client, project)

    assert one == ten == PROJECT_PAGE_QUERIES


def test_the_page_shows_the_latest_reports_costs_by_category_and_the_history(client, world):
    project, categories = world["project"], world["categories"]
    add_reports(project, categories, 3)
    client.force_login(world["adviser"])

    response = client.get(reverse("projects:detail", args=[project.pk]))

    # The latest report (n = 2) has costs in categories 2, 3, 4 and 0; 1 is only budgeted.
    spending = response.context["spending"]
    incurred = {row["category"].pk: row["incurred"] for row in spending["rows"]}
    assert incurred == {
        categories[0].pk: 5000,
        categories[1].pk: 0,
        categories[2].pk: 2000,
        categories[3].pk: 3000,
        categories[4].pk: 4000,
    }
    assert spending["incurred"] == 2000 + 3000 + 4000 + 5000
    values = [row["current"].value for row in response.context["indicators"]]
    assert values == [2, 2]
    history = response.context["history"]
    named = {change.new for entry in history for change in entry.changes}
    assert {str(c) for c in categories[2:]} <= named
    assert "(deleted)" not in named and "(slettet)" not in named
