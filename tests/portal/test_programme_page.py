"""The programme page lists its agreements 50 a page, while its totals stay those of every
agreement the user may see, and its query count does not grow with the agreements."""

import datetime

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement
from evaluations.models import Milestone
from projects.models import BudgetLine, FundingLine, Project
from tests.factories import (
    AgreementFactory,
    BudgetLineFactory,
    CostCategoryFactory,
    FundingLineFactory,
    MilestoneFactory,
    MunicipalityFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    following,
    leader,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def add_agreements(programme, count, *, start=0):
    """`count` agreements, each with a municipality, a project with a budget, a grant from
    the programme's owner and other funding, and milestones of the agreement and the
    project. Their start dates repeat, so the order also rests on the title."""
    category = programme.cost_categories.first() or CostCategoryFactory(programme=programme)
    other_source = OrganisationFactory(name="Innovasjon Norge")
    for n in range(start, start + count):
        agreement = AgreementFactory(
            programme=programme,
            title=f"Avtale {n:03d}",
            start_date=D(2023, 1 + n % 6, 1),
            county_frame=1_000_000 + n,
            municipalities=[MunicipalityFactory(number=f"{5000 + n}", name=f"Kommune {n:03d}")],
        )
        project = ProjectFactory(agreement=agreement)
        BudgetLineFactory(project=project, category=category, amount=200_000 + n)
        FundingLineFactory(project=project, source=programme.owner, amount=100_000 + n)
        FundingLineFactory(project=project, source=other_source, amount=50_000)
        MilestoneFactory(programme=None, agreement=agreement, kind=Milestone.Kind.MIDTERM_REPORT)
        MilestoneFactory(programme=None, project=project, kind=Milestone.Kind.OTHER, title="X")


def page(client, programme, number=None):
    url = reverse("agreements:programme-detail", args=[programme.slug])
    response = client.get(url, {"side": number} if number is not None else {})
    assert response.status_code == 200
    return response


def total(queryset, field="amount") -> int:
    return queryset.aggregate(total=Sum(field))["total"]


def test_totals_are_over_every_agreement_and_the_same_on_each_page(client):
    programme = ProgrammeFactory()
    add_agreements(programme, 60)
    client.force_login(following(programme))

    first, second = page(client, programme), page(client, programme, 2)

    projects = Project.objects.filter(agreement__programme=programme)
    expected = {
        "agreement_count": 60,
        "total_frame": total(Agreement.objects.filter(programme=programme), "county_frame"),
        "total_budget": total(BudgetLine.objects.filter(project__in=projects)),
        "total_county": total(
            FundingLine.objects.filter(project__in=projects, source=programme.owner)
        ),
    }
    for response in (first, second):
        assert {key: response.context[key] for key in expected} == expected
    # The rows of both pages are every agreement once, in order, and sum to the totals.
    rows = first.context["agreements"] + second.context["agreements"]
    assert (len(first.context["agreements"]), len(second.context["agreements"])) == (50, 10)
    assert [a.pk for a in rows] == list(
        Agreement.objects.filter(programme=programme)
        .order_by("start_date", "title", "pk")
        .values_list("pk", flat=True)
    )
    assert sum(a.county_frame for a in rows) == expected["total_frame"]
    assert sum(a.budget_sum for a in rows) == expected["total_budget"]
    assert sum(a.county_sum for a in rows) == expected["total_county"]
    html = second.content.decode()
    assert "<dt>Avtaler</dt><dd>60</dd>" in html
    assert "Sum, alle sider" in html


def test_totals_leave_out_the_agreements_the_user_may_not_see(client):
    programme = ProgrammeFactory()
    add_agreements(programme, 3)
    own = Agreement.objects.filter(programme=programme).first().municipalities.get()
    draft = AgreementFactory(programme=programme, draft=True, county_frame=7_000_000)
    BudgetLineFactory(project=ProjectFactory(agreement=draft), amount=9_000_000)
    client.force_login(leader(own))

    response = page(client, programme)

    visible = Agreement.objects.filter(programme=programme).exclude(pk=draft.pk)
    assert response.context["agreement_count"] == 3
    assert response.context["total_frame"] == sum(a.county_frame for a in visible)
    assert response.context["total_budget"] == 3 * 200_000 + 0 + 1 + 2
    assert draft not in response.context["agreements"]


def test_a_small_programme_has_one_page_and_no_page_links(client):
    programme = ProgrammeFactory()
    add_agreements(programme, 3)
    client.force_login(following(programme))

    response = page(client, programme)

    html = response.content.decode()
    assert len(response.context["agreements"]) == 3
    assert 'aria-label="Sider"' not in html
    assert '<th scope="row" colspan="4">Sum</th>' in html
    assert "Tidslinjen viser" not in html
    assert len(response.context["timeline"].rows) == 1 + 3


def test_a_large_programme_pages_its_agreements_and_their_timeline(client):
    programme = ProgrammeFactory()
    add_agreements(programme, 120)
    client.force_login(following(programme))

    last = page(client, programme, 3)

    html = last.content.decode()
    assert len(last.context["agreements"]) == 20
    assert 'aria-label="Sider"' in html and "Side 3 av 3" in html
    assert 'href="?side=2"' in html
    assert "Tidslinjen viser avtalene på denne siden, 101–120 av 120." in html
    timeline = last.context["timeline"]
    assert [row.agreement for row in timeline.rows[1:]] == sorted(
        last.context["agreements"], key=lambda a: (a.start_date, a.municipalities.get().name)
    )
    # Each agreement row has its own and its project's milestone, no other page's.
    assert all(len(row.milestones) == 2 for row in timeline.rows[1:])
    # Past the end: the last page; not a number: the first.
    assert page(client, programme, 9).context["page_obj"].number == 3
    assert page(client, programme, "x").context["page_obj"].number == 1


def count_queries(client, programme, number=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        page(client, programme, number)
    return len(queries)


def test_query_count_does_not_grow_with_agreements_or_milestones(client):
    programme = ProgrammeFactory()
    add_agreements(programme, 3)
    MilestoneFactory(programme=programme, responsible=UserFactory())
    client.force_login(following(programme))
    client.get("/konto/")  # the first view after signing in saves the session

    small = count_queries(client, programme)
    add_agreements(programme, 117, start=3)
    for _ in range(4):
        MilestoneFactory(programme=programme, responsible=UserFactory())
    large = [count_queries(client, programme, number) for number in (1, 3)]

    # Session and user (2); the savepoint of the request's transaction and its release (2:
    # the test runs in a transaction of its own); the user's roles and followed
    # programmes (2); the programme; the totals (1 aggregate, which also counts the
    # agreements); the page's agreements and their municipalities (2); the timeline's
    # milestones; the programme's milestones with whom they fall to; its milestone
    # templates, focus areas and cost categories (3); the programme's archive records
    # counted by status (1). The archive's close-out check has a page of its own
    # (archive:programme): it reads every record of the programme.
    assert large == [small, small] == [12, 12]
