"""The municipality page looks each thing up once: its query count is the same for a
municipality with two projects as for one with 25 in several agreements, joint projects and
milestones included."""

import pytest
from django.db.models import Q
from django.urls import reverse

from evaluations.models import Milestone
from payouts.figures import money_by_municipality
from projects.models import Project
from projects.shares import municipality_totals
from tests.factories import (
    AgreementFactory,
    BudgetLineFactory,
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
    snasa, lierne = MunicipalityFactory(name="Snåsa"), MunicipalityFactory(name="Lierne")
    return {
        "programme": programme,
        "snasa": snasa,
        "lierne": lierne,
        "adviser": following(programme),
        "leader": leader(snasa),
    }


def add(world, count, *, start=0):
    """`count` projects in agreements of three each, every third a joint project of Snåsa
    and Lierne with Lierne as lead, each with a budget, a grant and a milestone with someone
    responsible; each agreement has a milestone of its own."""
    programme, snasa, lierne = world["programme"], world["snasa"], world["lierne"]
    agreement = None
    for n in range(start, start + count):
        if agreement is None or n % 3 == 0:
            agreement = AgreementFactory(programme=programme, municipalities=[snasa, lierne])
            MilestoneFactory(programme=None, agreement=agreement, responsible=UserFactory())
        joint = n % 3 == 0
        project = ProjectFactory(
            agreement=agreement,
            municipalities=[snasa, lierne] if joint else [snasa],
            lead_municipality=lierne if joint else snasa,
            granted_amount=100_000 + n,
        )
        BudgetLineFactory(project=project, amount=200_000 + n)
        FundingLineFactory(project=project, source=programme.owner, amount=100_000 + n)
        MilestoneFactory(
            programme=None,
            project=project,
            kind=Milestone.Kind.OTHER,
            title="X",
            responsible=UserFactory(),
        )


def count_queries(client, municipality) -> int:
    return queries_to_show(client, reverse("municipalities:detail", args=[municipality.number]))


# The user's session and account (2); the savepoint of the request's transaction and its
# release (2: the test runs in a transaction of its own); the municipality; the user's roles
# and scope (2: followed programmes or own municipalities); the agreements with their
# totals; every project's figures (plain values), the page's projects and their
# municipalities (3); the projects' members and recorded shares (2: their leads are
# loaded); the grants' money; the milestones with what they belong to and who is
# responsible.
# Before: 20 with two projects and 52 with 25: a query for each milestone's responsible
# person, and the shares read twice (five queries: the money's read them again).
MUNICIPALITY_PAGE_QUERIES = 11


@pytest.mark.parametrize("role", ["adviser", "leader"])
def test_query_count_is_the_same_for_two_projects_and_for_30(client, world, role):
    snasa = world["snasa"]
    client.force_login(world[role])
    client.get("/konto/")  # the first view after signing in saves the session
    add(world, 2)

    two = count_queries(client, snasa)
    add(world, 28, start=2)
    many = count_queries(client, snasa)
    second_page = queries_to_show(
        client, reverse("municipalities:detail", args=[snasa.number]) + "?prosjekter=2"
    )

    assert two == many == second_page == MUNICIPALITY_PAGE_QUERIES


def test_the_money_is_the_municipalitys_share(client, world):
    snasa = world["snasa"]
    add(world, 6)
    client.force_login(world["adviser"])

    response = client.get(reverse("municipalities:detail", args=[snasa.number]))

    visible = Project.objects.visible_to(world["adviser"])
    assert response.context["money"] == money_by_municipality(visible, [snasa.pk])[snasa.pk]
    assert response.context["money"].granted < sum(
        p.granted_amount for p in Project.objects.filter(municipalities=snasa)
    )


def milestone_rows(html: str) -> list[str]:
    table = html.split('id="milestones-heading"', 1)[1].split("</table>", 1)[0]
    return [row for row in table.split('<tr role="row">')[2:]]  # after the header row


def test_the_milestones_show_twenty_five_a_page_each_once(client, world):
    """A municipality's milestones (its agreements' and projects', a joint agreement's and
    a joint project's too) are paged 25 at a time, each listed once, in the same number of
    queries on every page; a page past the end shows the last."""
    snasa = world["snasa"]
    client.force_login(world["adviser"])
    client.get("/konto/")
    add(world, 25)
    expected = Milestone.objects.filter(
        Q(agreement__municipalities=snasa) | Q(project__municipalities=snasa)
    ).distinct()
    assert expected.count() == 34  # 25 projects' and 9 agreements'
    url = reverse("municipalities:detail", args=[snasa.number])

    first = client.get(url).content.decode()
    second = client.get(url, {"milepeler": 2}).content.decode()
    past = client.get(url, {"milepeler": 9}).content.decode()

    assert len(milestone_rows(first)) == 25 and len(milestone_rows(second)) == 9
    assert "Viser 1–25 av 34" in first and "Viser 26–34 av 34" in second
    assert milestone_rows(past) == milestone_rows(second)
    shown = [
        row.split('href="', 1)[1].split('"', 1)[0]
        for row in milestone_rows(first) + milestone_rows(second)
    ]
    assert sorted(shown) == sorted(m.get_absolute_url() for m in expected)
    assert queries_to_show(client, url + "?milepeler=2") == MUNICIPALITY_PAGE_QUERIES
    assert queries_to_show(client, url + "?milepeler=9") == MUNICIPALITY_PAGE_QUERIES + 1


def test_the_projects_show_twenty_five_a_page_under_totals_of_them_all(client, world):
    """The municipality's projects are paged 25 at a time; the totals under them are the
    municipality's share of all of them (a joint project with its share, a proposal not at
    all) on every page, and the same as the dashboard's figures for the municipality."""
    snasa = world["snasa"]
    add(world, 30)
    proposal = ProjectFactory(
        agreement=Project.objects.filter(municipalities=snasa).first().agreement,
        municipalities=[snasa],
        status=Project.Status.SUBMITTED,
    )
    BudgetLineFactory(project=proposal, amount=9_000_000)
    client.force_login(world["adviser"])
    url = reverse("municipalities:detail", args=[snasa.number])
    pages = {}

    def get(query):
        response = client.get(url, query)
        pages[query.get("prosjekter", 1)] = response.context
        return response.context, response.content.decode()

    rows = list(
        Project.objects.filter(municipalities=snasa).order_by("agreement", "number", "title", "pk")
    )
    assert len(rows) == 31
    assert_two_pages(
        get, parameter="prosjekter", anchor="projects-heading", key="projects", rows=rows
    )

    expected = municipality_totals(Project.objects.counted(), [snasa.pk])[snasa.pk]
    for context in pages.values():
        assert context["total_budget"] == expected["budget"]
        assert context["total_county"] == expected["grant"]
        assert context["has_proposals"]
    # The parts on the two pages sum to the totals, the proposal left out.
    shown = [p for context in pages.values() for p in context["projects"] if not p.is_proposal]
    assert sum(p.part_budget for p in shown) == expected["budget"]
    assert sum(p.part_grant for p in shown) == expected["grant"]
