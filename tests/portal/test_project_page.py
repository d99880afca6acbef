"""The project page looks each thing up once: its query count is the same for a project with
one status report and with 25 (more than a page), whatever cost categories their costs are
in. Its long lists, the status reports and the documents, show a page at a time."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Indicator, IndicatorValue, ProgressReport, Project, ReportCost
from reports.history_index import index_history
from reports.models import ChangeRecord
from tests.factories import (
    AgreementFactory,
    BudgetLineFactory,
    CostCategoryFactory,
    DocumentFactory,
    FundingLineFactory,
    IndicatorFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    following,
    leader,
)
from tests.paging import assert_two_pages
from tests.queries import computed, queries_to_show

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


def add_documents(project, count, *, start=0):
    for n in range(start, start + count):
        DocumentFactory(project=project, title=f"Vedlegg {n}")


def count_queries(client, project, query="") -> int:
    return queries_to_show(client, reverse("projects:detail", args=[project.pk]) + query)


# The user's account (the session comes from the cache); the user's roles and scope (1,
# with followed programmes or own municipalities); the project with its money, its
# municipalities, shares and indicators (4); budget lines with their categories; status
# reports with their costs and categories (2); funding lines (the latest approved report's
# indicator values come with the indicators); the change history's entries (1, from its index, for every kind of child);
# change requests; milestones; documents; the archive's records of the project. The status
# reports and the documents are a page of each, counted in the same query (a window count),
# the latest approved report read with the reports' page wherever it stands. Every name
# the history shows is among these. A
# page that only reads opens no transaction (no savepoint and release). Before: 31 when
# the history read every historical row (12 queries), the payouts had a query of their
# own, and the roles two; 40 with one report and 43 with ten for the adviser, 46 and 49
# for the leader before that.
PROJECT_PAGE_QUERIES = 15


@pytest.mark.parametrize("role", ["adviser", "leader"])
def test_query_count_is_the_same_for_one_report_and_for_more_than_a_page(client, world, role):
    project, categories = world["project"], world["categories"]
    client.force_login(world[role])
    client.get("/konto/")  # the first view after signing in saves the session
    add_reports(project, categories, 1)
    add_documents(project, 1)

    one = count_queries(client, project)
    add_reports(project, categories, 24, start=1)
    add_documents(project, 29, start=1)
    many = count_queries(client, project)

    assert one == many == PROJECT_PAGE_QUERIES


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


def test_the_indicators_show_the_latest_approved_reports_values_only(client, world):
    """Read with the indicators (with_latest_values), the values are those of the latest
    approved report: not a newer report awaiting approval, not an older approved one for
    an indicator the latest left empty; and they equal the report's own."""
    project, categories = world["project"], world["categories"]
    add_reports(project, categories, 3)
    first, second = project.indicators.order_by("pk")
    latest = project.progress_reports.order_by("-period_end").first()  # n = 2, approved
    latest.indicator_values.filter(indicator=second).delete()
    latest.indicator_values.filter(indicator=first).update(value=7, comment="Sju nye")
    waiting = ProgressReport.objects.create(
        project=project,
        period_start=D(2026, 1, 1),
        period_end=D(2026, 1, 28),
        status=ProgressReport.Status.SUBMITTED,
        submitted_by=project.leader,
    )
    IndicatorValue.objects.create(report=waiting, indicator=first, value=99)
    client.force_login(world["adviser"])

    rows = client.get(reverse("projects:detail", args=[project.pk])).context["indicators"]

    assert [(r["current"].value, r["current"].comment) for r in rows if r["current"]] == [
        (7, "Sju nye")
    ]
    assert [r["indicator"] for r in rows if r["current"] is None] == [second]
    own = {v.indicator_id: v.value for v in latest.indicator_values.all()}
    assert {r["indicator"].pk: r["current"].value for r in rows if r["current"]} == own


def grow_history(project, count):
    """`count` more changes of the project's title, a minute apart, written in bulk and
    indexed as the bulk writers do."""
    start = timezone.now()
    copies = []
    for n in range(count):
        copy = Project(**{f.attname: getattr(project, f.attname) for f in Project._meta.fields})
        copy.title = f"Tittel {n}"
        copy._history_date = start + datetime.timedelta(minutes=n)
        copies.append(copy)
    index_history(Project, Project.history.bulk_history_create(copies, update=True))


@pytest.mark.parametrize("role", ["adviser", "leader"])
def test_query_count_is_the_same_for_three_history_entries_and_for_two_thousand(
    client, world, role
):
    project = world["project"]
    client.force_login(world[role])
    client.get("/konto/")  # the first view after signing in saves the session
    add_reports(project, world["categories"], 1)
    ChangeRecord.objects.filter(project_id=project.pk).delete()
    grow_history(project, 3)

    three = count_queries(client, project)
    grow_history(project, 1997)
    two_thousand = count_queries(client, project)

    assert three == two_thousand == PROJECT_PAGE_QUERIES


def history_of(client, project, page=None):
    url = reverse("projects:detail", args=[project.pk])
    response = client.get(url, {"endringer": page} if page else {})
    assert response.status_code == 200
    return response.context["history"], response.content.decode()


def test_a_history_page_with_one_entry_says_it_is_the_oldest(client, world):
    project = world["project"]
    ChangeRecord.objects.filter(project_id=project.pk).delete()
    grow_history(project, 31)
    client.force_login(world["adviser"])

    last, html = history_of(client, project, 2)
    assert [entry.changes[0].new for entry in last] == ["Tittel 0"]
    assert "Viser endring 31, den eldste." in html


def test_the_history_shows_thirty_entries_and_pages_through_the_older(client, world):
    project = world["project"]
    ChangeRecord.objects.filter(project_id=project.pk).delete()
    grow_history(project, 65)
    client.force_login(world["adviser"])

    first, html = history_of(client, project)
    assert [entry.changes[0].new for entry in first] == [f"Tittel {n}" for n in range(64, 34, -1)]
    assert first.has_older
    assert '<a href="?endringer=2#history-heading">Vis eldre endringer</a>' in html
    assert "?endringer=0" not in html and "Vis nyere endringer" not in html

    second, html = history_of(client, project, 2)
    assert [entry.changes[0].new for entry in second] == [f"Tittel {n}" for n in range(34, 4, -1)]
    assert "Viser endringene 31–60, nyeste først." in html
    assert '<a href="?endringer=1#history-heading">Vis nyere endringer</a>' in html
    assert '<a href="?endringer=3#history-heading">Vis eldre endringer</a>' in html

    last, html = history_of(client, project, 3)
    assert [entry.changes[0].new for entry in last] == [f"Tittel {n}" for n in range(4, -1, -1)]
    assert not last.has_older and "Vis eldre endringer" not in html
    assert "Viser endringene 61–65, nyeste først." in html

    beyond, html = history_of(client, project, 9)
    assert list(beyond) == [] and "Det er ingen eldre endringer." in html
    nonsense, _ = history_of(client, project, "x")
    assert list(nonsense) == list(first)


def project_page(client, project, query=None):
    response = computed(client, reverse("projects:detail", args=[project.pk]), query)
    assert response.status_code == 200
    return response.context, response.content.decode()


def test_the_status_reports_show_twenty_a_page_newest_first(client, world):
    project = world["project"]
    add_reports(project, world["categories"], 25)
    newest_first = list(project.progress_reports.order_by("-period_end"))
    client.force_login(world["adviser"])

    context, html = project_page(client, project)
    assert list(context["reports"]) == newest_first[:20]
    assert newest_first[19].get_absolute_url() in html
    assert newest_first[20].get_absolute_url() not in html
    assert "Viser 1–20 av 25" in html and "Side 1 av 2" in html
    assert '<a class="page-link" href="?rapporter=2#reports-heading">Neste</a>' in html
    assert "Forrige" not in html

    context, html = project_page(client, project, {"rapporter": 2})
    assert list(context["reports"]) == newest_first[20:]
    # (The newest is the latest approved, linked from the top of the page.)
    assert newest_first[1].get_absolute_url() not in html
    assert newest_first[20].get_absolute_url() in html
    assert "Viser 21–25 av 25" in html and "Side 2 av 2" in html
    assert '<a class="page-link" href="?rapporter=1#reports-heading">Forrige</a>' in html
    assert "?rapporter=3" not in html


def test_a_project_with_a_page_of_reports_or_fewer_shows_no_page_links(client, world):
    project = world["project"]
    add_reports(project, world["categories"], 20)
    add_documents(project, 25)
    client.force_login(world["adviser"])

    context, html = project_page(client, project)

    assert len(context["reports"]) == 20 and len(context["documents"]) == 25
    assert "Viser 1–" not in html and "?rapporter=" not in html and "?dokumenter=" not in html


def test_the_documents_show_twenty_five_a_page_newest_first(client, world):
    project = world["project"]
    add_documents(project, 30)
    newest_first = list(project.documents.order_by("-uploaded_at", "-pk"))
    client.force_login(world["adviser"])

    assert len(newest_first) == 30
    html = assert_two_pages(
        lambda query: project_page(client, project, query),
        parameter="dokumenter",
        anchor="documents-heading",
        key="documents",
        rows=newest_first,
    )
    assert newest_first[0].get_absolute_url() not in html


def test_the_latest_approved_report_counts_wherever_it_stands_in_the_list(client, world):
    """The indicators and the costs incurred come from the latest approved report, also
    when newer reports wait for approval and push it off the page shown."""
    project, categories = world["project"], world["categories"]
    add_reports(project, categories, 1)  # costs in categories 0–3: 0 + 1000 + 2000 + 3000
    approved = project.progress_reports.get()
    add_reports(project, categories, 21, start=1)
    project.progress_reports.exclude(pk=approved.pk).update(status=ProgressReport.Status.SUBMITTED)
    client.force_login(world["adviser"])
    client.get("/konto/")  # the first view after signing in saves the session

    for query in ({}, {"rapporter": 2}):
        context, _ = project_page(client, project, query)
        assert context["latest_report"] == approved
        assert context["spending"]["incurred"] == 6000
        assert [row["current"].value for row in context["indicators"]] == [0, 0]
    context, _ = project_page(client, project)
    assert approved not in context["reports"]
    assert count_queries(client, project) == PROJECT_PAGE_QUERIES
    # The history's newest entries name the reports of the first page: on the second the
    # history looks their names up itself (one query, however many there are).
    assert count_queries(client, project, "?rapporter=2") == PROJECT_PAGE_QUERIES + 1


def test_paging_one_list_keeps_the_pages_of_the_others(client, world):
    project = world["project"]
    add_reports(project, world["categories"], 25)
    add_documents(project, 30)
    client.force_login(world["adviser"])

    context, html = project_page(client, project, {"rapporter": 2, "dokumenter": 2, "endringer": 2})

    assert (context["reports"].number, context["documents"].number) == (2, 2)
    assert context["history"].page == 2
    assert (
        '<a class="page-link" href="?rapporter=1&amp;dokumenter=2&amp;endringer=2'
        '#reports-heading">Forrige</a>'
    ) in html
    assert (
        '<a class="page-link" href="?rapporter=2&amp;dokumenter=1&amp;endringer=2'
        '#documents-heading">Forrige</a>'
    ) in html
    assert (
        '<a href="?rapporter=2&amp;dokumenter=2&amp;endringer=1#history-heading">'
        "Vis nyere endringer</a>"
    ) in html


@pytest.mark.parametrize(
    "value, page",
    [("abc", 1), ("", 1), ("0", 1), ("-1", 1), ("2.5", 1), ("999", 2), ("9" * 40, 2)],
)
def test_a_nonsense_page_number_shows_the_first_page_and_one_past_the_end_the_last(
    client, world, value, page
):
    project = world["project"]
    add_reports(project, world["categories"], 25)
    add_documents(project, 30)
    client.force_login(world["adviser"])

    context, html = project_page(client, project, {"rapporter": value, "dokumenter": value})

    assert (context["reports"].number, context["documents"].number) == (page, page)
    assert (len(context["reports"]), len(context["documents"])) == (
        (20, 25) if page == 1 else (5, 5)
    )
    assert f"Side {page} av 2" in html
