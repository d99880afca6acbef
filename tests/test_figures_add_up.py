"""Every per-municipality figure counts a joint project with the municipality's share, so
the municipality rows sum to the programme's total wherever they are shown: the
dashboard, the municipality pages, the project export, the API and the committee PDFs.

Over the demo data (joint projects in I LAG and in Hjerteregionen, whose four
municipalities share every project) and a synthetic programme whose joint projects
have odd shares, reach across agreements and include a municipality with no agreement.
"""

import csv
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agreements.models import Programme
from municipalities.models import Municipality
from payouts.figures import money_total
from payouts.models import PaymentRequest, Payout, Settlement, Tranche
from portal import dashboard, summary
from projects.models import BudgetLine, FundingLine, Project, ProjectShare
from reports.reporting import municipality_context, programme_context
from tests.factories import (
    AgreementFactory,
    BudgetLineFactory,
    CostCategoryFactory,
    CountyFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    api_key,
    following,
)

pytestmark = pytest.mark.django_db


def synthetic_programme():
    """Three municipalities with agreements and one without; joint projects with shares
    that do not divide the kroner evenly."""
    county = CountyFactory()
    programme = ProgrammeFactory(slug="felles", max_county_share_percent=None)
    a, b, c, outside = (MunicipalityFactory(name=n) for n in ("Aa", "Bø", "Cé", "Utenfor"))
    category = CostCategoryFactory(programme=programme)
    first = AgreementFactory(programme=programme, municipalities=[a, b])
    second = AgreementFactory(programme=programme, municipalities=[c])

    def project(agreement, members, shares, lead, budget, grant):
        p = ProjectFactory(
            agreement=agreement,
            municipalities=members,
            lead_municipality=lead,
            granted_amount=grant,
        )
        for municipality, percent in shares:
            ProjectShare.objects.create(
                project=p, municipality=municipality, percent=Decimal(percent)
            )
        BudgetLineFactory(project=p, category=category, amount=budget)
        FundingLine.objects.create(project=p, source=county, amount=grant)
        FundingLine.objects.create(project=p, source_municipality=lead, amount=budget - grant)
        return p

    joint = project(first, [a, b], [(a, "33.33"), (b, "66.67")], a, 1_000_001, 333_333)
    single = project(first, [a], [], a, 250_000, 125_000)
    project(second, [c, a, outside], [(c, "50"), (a, "30"), (outside, "20")], c, 777_777, 1)
    # Shares that no longer match the participants: split equally.
    odd = project(second, [c, b], [(c, "100")], c, 100_000, 10_000)
    assert odd.shares.count() == 1
    # A proposal is not counted anywhere.
    ProjectFactory(agreement=first, municipalities=[a], draft=True)
    # Payouts in odd kroner: paid, ordered, waiting, and a settlement with a claw-back.
    tranche = Tranche.objects.create(agreement=first, condition="signed", percent=50)
    final = Tranche.objects.create(agreement=first, condition="final_report", is_final=True)

    def paid(p, amount, *, kind="payment", status="approved", is_paid=True):
        request = PaymentRequest.objects.create(
            project=p,
            tranche=tranche if kind == "payment" else final,
            amount=max(amount, 0),
            status=status,
            is_final=kind != "payment",
        )
        if status == "approved":
            Payout.objects.create(
                project=p,
                request=request,
                kind=kind,
                amount=amount,
                reason="Sluttoppgjør",
                due_date=timezone.localdate(),
                paid_on=timezone.localdate() if is_paid else None,
                voucher_number=f"V{request.pk}" if is_paid else "",
            )
        return request

    paid(joint, 100_001)
    paid(joint, 33_333, is_paid=False)
    paid(joint, 7, status="submitted")
    paid(single, 62_500)
    final_request = paid(single, -12_501, kind="clawback", is_paid=False)
    Settlement.objects.create(
        project=single,
        request=final_request,
        granted=125_000,
        documented=99_998,
        cap_percent=None,
        allowed=49_999,
        paid_before=62_500,
        final_payment=0,
        clawback=12_501,
    )
    return programme


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=io.StringIO())
        synthetic_programme()
        adviser = following(*Programme.objects.all(), username="alt")
        yield adviser
        call_command("flush", interactive=False, verbosity=0)


def programmes():
    return ["i-lag", "hjerteregionen", "felles"]


def approved_projects(programme):
    return Project.objects.filter(agreement__programme=programme).exclude(
        status__in=Project.PROPOSAL_STATES
    )


def members(programme):
    return Municipality.objects.filter(projects__in=approved_projects(programme)).distinct()


@pytest.mark.parametrize("slug", programmes())
def test_dashboard_municipality_rows_sum_to_the_programme_total(world, slug):
    programme = Programme.objects.get(slug=slug)
    figures = summary.compute(programme)
    rows = figures["rows"]
    assert {m.pk for m in members(programme)} <= {row["id"] for row in rows}
    assert sum(row["budget"] for row in rows) == figures["budget"] > 0
    assert sum(row["incurred"] for row in rows) == figures["incurred"]
    assert figures["budget"] == sum(
        BudgetLine.objects.filter(project__in=approved_projects(programme)).values_list(
            "amount", flat=True
        )
    )
    money = [sum(row["money"][i] for row in rows) for i in range(4)]
    assert money == figures["money"]
    # And the page itself shows the same rows.
    client = Client()
    client.force_login(world)
    response = client.get("/", {"program": slug})
    html = response.content.decode()
    for row in [row for row in rows if row["budget"]][:3]:
        assert f"{row['name']}</a>" in html


@pytest.mark.parametrize("slug", programmes())
def test_dashboard_lights_count_each_project_once_as_the_committee_report_does(world, slug):
    """The dashboard's count of projects by latest status light agrees with a
    project-by-project reading and with the committee report's line «Grønn: 8», and the
    four counts sum to the programme's approved projects."""
    programme = Programme.objects.get(slug=slug)
    figures = summary.compute(programme)
    shown = {light: count for light, _label, count in dashboard.lights_of(figures)}
    expected = defaultdict(int)
    for project in approved_projects(programme):
        latest = (
            project.progress_reports.filter(status="approved")
            .order_by("-period_end", "-pk")
            .first()
        )
        light = latest.traffic_light if latest else ""
        expected[light if light in ("green", "yellow", "red") else ""] += 1
    assert shown == {light: expected[light] for light in ("green", "yellow", "red", "")}
    assert figures["projects"] == approved_projects(programme).count() == sum(shown.values())
    report = programme_context(programme, user=world, today=timezone.localdate())
    assert {row["light"]: row["count"] for row in report["light_counts"]} == shown


def municipality_page_totals(adviser) -> dict[str, int]:
    client = Client()
    client.force_login(adviser)
    totals = {}
    for municipality in Municipality.objects.filter(projects__isnull=False).distinct():
        response = client.get(reverse("municipalities:detail", args=[municipality.number]))
        assert response.status_code == 200
        totals[municipality.number] = (
            response.context["total_budget"],
            response.context["total_county"],
        )
    return totals


def test_municipality_pages_sum_to_every_programme_total(world):
    pages = municipality_page_totals(world)
    approved = Project.objects.exclude(status__in=Project.PROPOSAL_STATES).with_totals()
    assert sum(budget for budget, _ in pages.values()) == sum(p.budget_sum for p in approved)
    assert sum(grant for _, grant in pages.values()) == sum(p.county_sum for p in approved)


def export(client, **params) -> list[dict]:
    response = client.get(reverse("projects:list"), {"eksport": "csv", **params})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_the_export_per_municipality_sums_to_the_export_of_all(world):
    client = Client()
    client.force_login(world)
    everything = export(client)
    total = sum(int(row["Budsjett (kr)"]) for row in everything)
    parts = 0
    for municipality in Municipality.objects.filter(projects__isnull=False).distinct():
        rows = export(client, kommune=municipality.number)
        column = f"Budsjettandel for {municipality.name} (kr)"
        parts += sum(int(row[column]) for row in rows)
    assert parts == total > 0
    # Cé leads two joint projects (in no fixed order): one with recorded shares, one whose
    # shares no longer match its participants and is split equally.
    led_by_ce = {
        row["Andeler i fellesprosjekt"]
        for row in everything
        if row["Andeler i fellesprosjekt"].startswith("Cé")
    }
    assert led_by_ce == {
        "Cé 50,0\xa0%, Aa 30,0\xa0%, Utenfor 20,0\xa0%",
        "Cé 50,0\xa0%, Bø 50,0\xa0%",
    }


def test_the_api_shares_sum_to_each_project_and_match_the_municipality_pages(world):
    client = Client()
    token = api_key(world)
    url = reverse("api:project-list") + "?page_size=500"
    per_municipality = defaultdict(int)
    while url:
        body = client.get(url, headers={"Authorization": f"Token {token}"}).json()
        for project in body["results"]:
            assert sum(s["budget"] for s in project["shares"]) == project["budget_total"]
            assert (
                sum(s["grant_from_owner"] for s in project["shares"])
                == (project["grant_from_owner"])
            )
            assert sum(Decimal(s["percent"]) for s in project["shares"]) == 100
            if project["status"] not in Project.PROPOSAL_STATES:
                for share in project["shares"]:
                    per_municipality[share["municipality"]] += share["budget"]
        url = body["next"]
    pages = municipality_page_totals(world)
    assert dict(per_municipality) == {n: budget for n, (budget, _) in pages.items() if budget}


@pytest.mark.parametrize("slug", programmes())
def test_the_municipality_reports_sum_to_the_programme_report(world, slug):
    programme = Programme.objects.get(slug=slug)
    today = timezone.localdate()
    whole = programme_context(programme, user=world, today=today)["totals"]
    budget = grant = incurred = 0
    for municipality in members(programme):
        totals = municipality_context(municipality, programme, user=world, today=today)["totals"]
        budget += totals["budget"]
        grant += totals["grant"]
        incurred += totals["incurred"]
    assert (budget, grant, incurred) == (whole["budget"], whole["grant"], whole["incurred"])
    assert budget > 0


MONEY = ("granted", "requested", "ordered", "paid", "remaining")


def as_tuple(money) -> tuple:
    return tuple(getattr(money, name) for name in MONEY)


def summed(moneys) -> tuple:
    moneys = list(moneys)
    return tuple(sum(getattr(m, name) for m in moneys) for name in MONEY)


@pytest.mark.parametrize("slug", programmes())
def test_the_grants_money_agrees_on_the_dashboard_and_in_the_committee_reports(world, slug):
    """Granted, requested, ordered, paid and remaining: the dashboard's municipality rows
    sum to its total, which is the committee report's, whose rows sum to it too, and the
    municipality reports sum to it."""
    programme = Programme.objects.get(slug=slug)
    client = Client()
    client.force_login(world)
    context = client.get("/", {"program": slug}).context
    total = as_tuple(context["money"])
    assert total == as_tuple(money_total(Project.objects.filter(agreement__programme=programme)))
    assert context["paginator"].num_pages == 1
    assert summed(row.money for row in context["rows"]) == total
    today = timezone.localdate()
    report = programme_context(programme, user=world, today=today)
    assert as_tuple(report["money"]) == total
    assert summed(money for _name, money in report["money_rows"]) == total
    parts = [
        municipality_context(m, programme, user=world, today=today)["money"]
        for m in members(programme)
    ]
    assert summed(parts) == total
    if slug != "hjerteregionen":
        assert total[3] > 0  # something is paid (the demo's I LAG, the synthetic payouts)


def test_the_grants_money_agrees_on_the_municipality_pages_the_export_and_the_api(world):
    client = Client()
    client.force_login(world)
    total = as_tuple(money_total(Project.objects.all()))
    pages = []
    for municipality in Municipality.objects.filter(projects__isnull=False).distinct():
        response = client.get(reverse("municipalities:detail", args=[municipality.number]))
        pages.append(response.context["money"])
    assert summed(pages) == total
    # The export: every project's columns, and each municipality's parts.
    # (Proposals have no grant yet: their money is all zero.)
    everything = export(client)
    assert sum(int(row["Utbetalt (kr)"]) for row in everything) == total[3]
    assert sum(int(row["Gjenstår av tilskuddet (kr)"]) for row in everything) == total[4]
    paid_parts = remaining_parts = 0
    for municipality in Municipality.objects.filter(projects__isnull=False).distinct():
        for row in export(client, kommune=municipality.number):
            paid_parts += int(row[f"Utbetalt, andel for {municipality.name} (kr)"])
            remaining_parts += int(
                row[f"Gjenstår av tilskuddet, andel for {municipality.name} (kr)"]
            )
    assert (paid_parts, remaining_parts) == (total[3], total[4])
    # The API: each project's figures, its shares' parts summing to them.
    token = api_key(world)
    url = reverse("api:project-list") + "?page_size=500"
    api_paid = api_remaining = 0
    while url:
        body = client.get(url, headers={"Authorization": f"Token {token}"}).json()
        for project in body["results"]:
            money = project["payouts"]
            for name in ("granted", "ordered", "paid", "remaining"):
                assert sum(s[name] for s in project["shares"]) == money[name], name
            if project["status"] not in Project.PROPOSAL_STATES:
                api_paid += money["paid"]
                api_remaining += money["remaining"]
        url = body["next"]
    assert (api_paid, api_remaining) == (total[3], total[4])
