"""The agreement page looks each thing up once: its query count is the same for an agreement
with two projects, two documents and one milestone of its own as for one with 25, 30 and 10."""

import pytest
from django.urls import reverse

from evaluations.models import Milestone
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


def count_queries(client, agreement) -> int:
    return queries_to_show(client, reverse("agreements:detail", args=[agreement.pk]))


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
# The archive's records of the agreement (1) came with archiving.
AGREEMENT_PAGE_QUERIES = 14


@pytest.mark.parametrize("role", ["adviser", "leader"])
def test_query_count_is_the_same_for_a_small_and_a_large_agreement(client, world, role):
    agreement = world["agreement"]
    client.force_login(world[role])
    client.get("/konto/")  # the first view after signing in saves the session
    add(agreement, projects=2, documents=2, milestones=1)

    small = count_queries(client, agreement)
    add(agreement, projects=23, documents=28, milestones=9, start=2)
    large = count_queries(client, agreement)

    assert small == large == AGREEMENT_PAGE_QUERIES


def test_the_milestones_name_the_agreement_or_their_project(client, world):
    agreement = world["agreement"]
    add(agreement, projects=1, documents=0, milestones=1)
    client.force_login(world["adviser"])

    response = client.get(reverse("agreements:detail", args=[agreement.pk]))

    owners = {(m.agreement, m.project) for m in response.context["milestones"]}
    project = agreement.projects.get()
    assert owners == {(agreement, None), (None, project)}
    assert response.content.decode().count(f'href="{agreement.get_absolute_url()}"') == 1
