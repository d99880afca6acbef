"""The agreement page looks each thing up once: its query count is the same for an agreement
with two projects, two documents and one milestone of its own as for one with 27, 30 and 10
(more than a page of each). Its long lists, the projects, the milestones and the documents,
show a page at a time; its totals are over all its projects."""

import pytest
from django.db.models import Q
from django.urls import reverse

from evaluations.models import Milestone
from projects.models import Project
from tests.factories import (
    AgreementFactory,
    BudgetLineFactory,
    DocumentFactory,
    FundingLineFactory,
    MilestoneFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    following,
    leader,
)
from tests.paging import assert_two_pages
from tests.queries import queries_to_show

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    programme = ProgrammeFactory()
    snasa, meraker = MunicipalityFactory(name="Snåsa"), MunicipalityFactory(name="Meråker")
    agreement = AgreementFactory(programme=programme, municipalities=[snasa, meraker])
    return {
        "agreement": agreement,
        "adviser": following(programme),
        "leader": leader(snasa),
    }


def add(agreement, *, projects, documents, milestones, start=0):
    """Projects (every third a joint one) with a budget, a grant and a milestone each;
    documents attached to the agreement; milestones of the agreement, each with someone
    responsible."""
    municipalities = list(agreement.municipalities.all())
    for n in range(start, start + projects):
        project = ProjectFactory(
            agreement=agreement,
            leader=UserFactory(),
            municipalities=municipalities if n % 3 == 0 else municipalities[:1],
        )
        BudgetLineFactory(project=project, amount=200_000 + n)
        FundingLineFactory(project=project, source=agreement.programme.owner, amount=100_000)
        MilestoneFactory(programme=None, project=project, kind=Milestone.Kind.OTHER, title="X")
    for n in range(start, start + documents):
        DocumentFactory(project=None, agreement=agreement, title=f"Vedlegg {n}")
    for _n in range(start, start + milestones):
        MilestoneFactory(
            programme=None,
            agreement=agreement,
            kind=Milestone.Kind.MIDTERM_REPORT,
            responsible=UserFactory(),
        )


def count_queries(client, agreement, query="") -> int:
    return queries_to_show(client, reverse("agreements:detail", args=[agreement.pk]) + query)


# The user's account (the session comes from the cache, and a page that only reads opens
# no transaction); the user's roles and scope (1: with followed programmes or own
# municipalities); the agreement with its programme, and its
# municipalities, other parties, focus areas and addenda (5); the projects with their
# totals, and their municipalities (2); the grants' money (what is left of the frame and
# whether there is a payout plan come with the agreement); the milestones with their projects, responsible and templates;
# the documents; the change history's entries (1, from its index). Every name the history
# shows is among these. Before: 24 when the history read every historical row (6: the
# agreement, its three many-to-many fields, documents, milestones), with two queries for
# the roles, two for the transaction and two for the frame and the plan; 28 for the small agreement and 35 for the large (the agreement again for each of
# its milestones, and the names in the history looked up again), 29 and 36 for a project
# leader (the agreement's municipalities again, to tell whether he may propose).
# The archive's records of the agreement (1) came with archiving. The projects, the
# milestones and the documents are a page of each, counted in the same query (a window
# count), the projects' with the agreement's totals over all of them; a page number past
# the end costs a second query, for the last page.
AGREEMENT_PAGE_QUERIES = 14


@pytest.mark.parametrize("role", ["adviser", "leader"])
def test_query_count_is_the_same_for_a_small_and_a_large_agreement(client, world, role):
    agreement = world["agreement"]
    client.force_login(world[role])
    client.get("/konto/")  # the first view after signing in saves the session
    add(agreement, projects=2, documents=2, milestones=1)

    small = count_queries(client, agreement)
    add(agreement, projects=25, documents=28, milestones=9, start=2)
    large = count_queries(client, agreement)
    other_pages = count_queries(client, agreement, "?prosjekter=2&dokumenter=2")
    # The agreement's own milestones, whose people the history's newest entries name, are
    # on the first page: on the second the history looks those people up itself (one
    # query, however many there are).
    milestones_after = count_queries(client, agreement, "?milepeler=2")
    # A page past the end (an old link) is read again as the last page: one query more.
    past_the_end = count_queries(client, agreement, "?prosjekter=99")

    assert small == large == other_pages == AGREEMENT_PAGE_QUERIES
    assert milestones_after == past_the_end == AGREEMENT_PAGE_QUERIES + 1


def test_the_milestones_name_the_agreement_or_their_project(client, world):
    agreement = world["agreement"]
    add(agreement, projects=1, documents=0, milestones=1)
    client.force_login(world["adviser"])

    response = client.get(reverse("agreements:detail", args=[agreement.pk]))

    owners = {(m.agreement, m.project) for m in response.context["milestones"]}
    project = agreement.projects.get()
    assert owners == {(agreement, None), (None, project)}
    assert response.content.decode().count(f'href="{agreement.get_absolute_url()}"') == 1


def agreement_page(client, agreement, query=None):
    response = client.get(reverse("agreements:detail", args=[agreement.pk]), query or {})
    assert response.status_code == 200
    return response.context, response.content.decode()


def test_the_projects_show_twenty_five_a_page_and_the_totals_count_them_all(client, world):
    agreement = world["agreement"]
    add(agreement, projects=27, documents=0, milestones=0)
    in_order = list(agreement.projects.order_by("number", "title", "pk"))
    # A proposal on the second page: listed, its money not counted.
    proposal = in_order[-1]
    proposal.status = Project.Status.SUBMITTED
    proposal.save()
    approved = in_order[:-1]
    client.force_login(world["adviser"])

    context, html = agreement_page(client, agreement)
    assert list(context["projects"]) == in_order[:25]
    table = section(html, "projects-heading")
    assert in_order[24].get_absolute_url() in table
    assert in_order[25].get_absolute_url() not in table
    assert "Viser 1–25 av 27" in html and "Side 1 av 2" in html
    assert '<a class="page-link" href="?prosjekter=2#projects-heading">Neste</a>' in html
    assert context["total_budget"] == sum(200_000 + n for n in range(27)) - proposal_budget(
        proposal
    )
    assert context["total_county"] == context["total_funding"] == 100_000 * len(approved)
    assert context["has_proposals"]

    second, html = agreement_page(client, agreement, {"prosjekter": 2})
    assert list(second["projects"]) == in_order[25:]
    assert "Viser 26–27 av 27" in html
    assert '<a class="page-link" href="?prosjekter=1#projects-heading">Forrige</a>' in html
    for name in ("total_budget", "total_funding", "total_county", "has_proposals"):
        assert second[name] == context[name]


def section(html, heading) -> str:
    """The part of the page from the heading with the id `heading` to the next heading."""
    return html.split(f'id="{heading}"', 1)[1].split("<h2", 1)[0]


def proposal_budget(project) -> int:
    return sum(line.amount for line in project.budget_lines.all())


def test_the_milestones_show_twenty_five_a_page_by_due_date(client, world):
    agreement = world["agreement"]
    add(agreement, projects=10, documents=0, milestones=20)
    in_order = list(
        Milestone.objects.filter(Q(agreement=agreement) | Q(project__agreement=agreement)).order_by(
            "due_date", "kind", "pk"
        )
    )
    client.force_login(world["adviser"])

    assert len(in_order) == 30
    html = assert_two_pages(
        lambda query: agreement_page(client, agreement, query),
        parameter="milepeler",
        anchor="milestones-heading",
        key="milestones",
        rows=in_order,
    )
    table = section(html, "milestones-heading")
    assert in_order[25].get_absolute_url() in table
    assert in_order[0].get_absolute_url() not in table


def test_paging_one_list_keeps_the_pages_of_the_others(client, world):
    agreement = world["agreement"]
    add(agreement, projects=27, documents=30, milestones=0)
    client.force_login(world["adviser"])

    context, html = agreement_page(client, agreement, {"milepeler": 2, "dokumenter": 2})

    assert (context["projects"].number, context["milestones"].number) == (1, 2)
    assert context["documents"].number == 2
    assert (
        '<a class="page-link" href="?milepeler=2&amp;dokumenter=2&amp;prosjekter=2'
        '#projects-heading">Neste</a>'
    ) in html
    assert (
        '<a class="page-link" href="?milepeler=1&amp;dokumenter=2#milestones-heading">Forrige</a>'
    ) in html
    assert (
        '<a class="page-link" href="?milepeler=2&amp;dokumenter=1#documents-heading">Forrige</a>'
    ) in html


@pytest.mark.parametrize("value, page", [("abc", 1), ("-1", 1), ("0", 1), ("999", 2)])
def test_a_nonsense_page_number_shows_the_first_page_and_one_past_the_end_the_last(
    client, world, value, page
):
    agreement = world["agreement"]
    add(agreement, projects=27, documents=30, milestones=0)
    client.force_login(world["adviser"])

    context, _ = agreement_page(
        client, agreement, {"prosjekter": value, "milepeler": value, "dokumenter": value}
    )

    pages = (context["projects"], context["milestones"], context["documents"])
    assert [p.number for p in pages] == [page] * 3
    assert [len(p) for p in pages] == ([25, 25, 25] if page == 1 else [2, 2, 5])
