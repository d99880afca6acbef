"""A project's life through the portal: proposed with its shares, submitted, approved
within the agreement's frame or returned, closed after its final report, reopened."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from agreements.models import Agreement
from projects.models import BudgetLine, FundingLine, ProgressReport, Project, ProjectShare
from tests.factories import (
    AgreementFactory,
    CostCategoryFactory,
    CountyFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    following,
    leader,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def w():
    county = CountyFactory()
    programme = ProgrammeFactory(owner=county, max_county_share_percent=50)
    snasa = MunicipalityFactory(number="5041", name="Snåsa")
    lierne = MunicipalityFactory(number="5042", name="Lierne")
    agreement = AgreementFactory(
        programme=programme,
        municipalities=[snasa, lierne],
        county_frame=1_000_000,
        start_date=D(2025, 1, 1),
        end_date=D(2026, 12, 31),
    )
    category = CostCategoryFactory(programme=programme, name="Prosjektledelse")
    return {
        "county": county,
        "programme": programme,
        "agreement": agreement,
        "snasa": snasa,
        "lierne": lierne,
        "category": category,
        "leader": leader(snasa, username="leder"),
        "adviser": following(programme, username="radgiver"),
    }


def page(response) -> str:
    """The page's text with non-breaking spaces (in amounts and percents) as spaces."""
    return response.content.decode().replace("\xa0", " ")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def proposal_data(w, **changes):
    data = {
        "title": "Felles boligsatsing",
        "description": "Utleieboliger i begge kommunene.",
        "goals": "Ti nye boliger.",
        "focus_area": "",
        "leader": "",
        "start_date": "2025-03-01",
        "end_date": "2026-06-30",
        f"share_{w['snasa'].pk}": "60",
        f"share_{w['lierne'].pk}": "40",
        "lead_municipality": str(w["snasa"].pk),
    }
    data.update(changes)
    return data


def finance(project, w, budget=400_000, grant=200_000):
    BudgetLine.objects.create(project=project, year=2025, category=w["category"], amount=budget)
    FundingLine.objects.create(project=project, source=w["county"], amount=grant)
    FundingLine.objects.create(
        project=project, source_municipality=w["snasa"], amount=budget - grant
    )


def test_leader_proposes_a_joint_project_with_shares(w):
    response = client_for(w["leader"]).post(
        reverse("projects:propose", args=[w["agreement"].pk]), proposal_data(w)
    )
    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:financing", args=[project.pk])
    assert project.status == Project.Status.DRAFT
    assert project.lead_municipality == w["snasa"]
    assert {(s.municipality.name, s.percent) for s in ProjectShare.objects.all()} == {
        ("Snåsa", Decimal("60.00")),
        ("Lierne", Decimal("40.00")),
    }
    assert project.history.first().history_change_reason.startswith("Foreslått av")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"share_LIERNE": "30"},
            "Andelene summerer til 90,0 %; til sammen må de være nøyaktig 100 %.",
        ),
        ({"lead_municipality": ""}, "Velg vertskommunen blant de deltakende kommunene."),
        ({"share_SNASA": "", "share_LIERNE": ""}, "Velg minst én kommune."),
        ({"end_date": "2027-06-30"}, "Prosjektet kan ikke slutte etter avtalen (31.12.2026)."),
        ({"share_SNASA": "sekstiseks"}, "Oppgi et tall."),
    ],
)
def test_bad_proposal_gets_a_message_keeps_the_input_and_stores_nothing(w, changes, message):
    names = {"share_SNASA": f"share_{w['snasa'].pk}", "share_LIERNE": f"share_{w['lierne'].pk}"}
    changes = {names.get(k, k): v for k, v in changes.items()}
    response = client_for(w["leader"]).post(
        reverse("projects:propose", args=[w["agreement"].pk]), proposal_data(w, **changes)
    )
    html = page(response)
    assert response.status_code == 200
    assert message in html
    assert 'value="Felles boligsatsing"' in html
    assert not Project.objects.exists()


def test_leader_cannot_propose_under_a_draft_agreement(w):
    draft = AgreementFactory(programme=w["programme"], municipalities=[w["snasa"]], draft=True)
    response = client_for(w["leader"]).post(
        reverse("projects:propose", args=[draft.pk]), proposal_data(w)
    )
    assert response.status_code == 403
    assert not Project.objects.exists()


def test_submit_approve_within_the_frame(w):
    project = ProjectFactory(
        agreement=w["agreement"], draft=True, description="Boliger.", goals="Ti boliger."
    )
    finance(project, w)
    leader_client = client_for(w["leader"])
    leader_client.post(reverse("projects:submit", args=[project.pk]), {"version": project.version})
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED
    # Locked for the leader while the county considers it.
    assert leader_client.get(reverse("projects:update", args=[project.pk])).status_code == 403

    adviser = client_for(w["adviser"])
    review_page = page(adviser.get(reverse("projects:review", args=[project.pk])))
    assert "kr 1 000 000 av kr 1 000 000" in review_page
    response = adviser.post(
        reverse("projects:review", args=[project.pk]),
        {"action": "approve", "grant": "200 000", "comment": ""},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Project.Status.ACTIVE
    assert project.granted_amount == 200_000
    assert project.reviewed_by == w["adviser"]


def test_a_grant_above_what_is_left_of_the_frame_names_the_remaining_amount(w):
    earlier = ProjectFactory(agreement=w["agreement"], granted_amount=900_000)
    assert earlier.status == Project.Status.ACTIVE
    project = ProjectFactory(
        agreement=w["agreement"],
        status=Project.Status.SUBMITTED,
        description="Boliger.",
        goals="Ti boliger.",
    )
    finance(project, w)
    response = client_for(w["adviser"]).post(
        reverse("projects:review", args=[project.pk]),
        {"action": "approve", "grant": "200 000", "comment": ""},
    )
    html = page(response)
    assert response.status_code == 200
    assert (
        "Tilskuddet på kr 200 000 er mer enn det som er igjen av avtalens ramme: "
        "kr 100 000 av kr 1 000 000."
    ) in html
    assert 'value="200 000"' in html
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED and project.granted_amount is None


def test_a_grant_other_than_the_funding_plan_is_refused(w):
    project = ProjectFactory(
        agreement=w["agreement"],
        status=Project.Status.SUBMITTED,
        description="Boliger.",
        goals="Ti boliger.",
    )
    finance(project, w)
    response = client_for(w["adviser"]).post(
        reverse("projects:review", args=[project.pk]),
        {"action": "approve", "grant": "150 000", "comment": ""},
    )
    assert "Finansieringsplanen ber Trøndelag fylkeskommune om kr 200 000." in (page(response))
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED


def test_return_needs_a_comment_and_the_leader_sees_it(w):
    project = ProjectFactory(
        agreement=w["agreement"],
        status=Project.Status.SUBMITTED,
        description="Boliger.",
        goals="Ti boliger.",
    )
    adviser = client_for(w["adviser"])
    url = reverse("projects:review", args=[project.pk])
    response = adviser.post(url, {"action": "return", "comment": " "})
    assert "Skriv hva forslagsstilleren må endre." in page(response)
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED
    adviser.post(url, {"action": "return", "comment": "Legg ved en finansieringsplan."})
    project.refresh_from_db()
    assert project.status == Project.Status.RETURNED
    mine = page(client_for(w["leader"]).get(reverse("projects:mine")))
    assert "Legg ved en finansieringsplan." in mine


def test_adviser_makes_and_approves_a_project_directly(w):
    adviser = client_for(w["adviser"])
    adviser.post(
        reverse("projects:propose", args=[w["agreement"].pk]),
        proposal_data(w, **{f"share_{w['lierne'].pk}": ""}),
    )
    project = Project.objects.get()
    assert list(project.municipalities.all()) == [w["snasa"]]
    finance(project, w)
    adviser.post(
        reverse("projects:review", args=[project.pk]),
        {"action": "approve", "grant": "200 000", "comment": ""},
    )
    project.refresh_from_db()
    assert project.status == Project.Status.ACTIVE


def final_report(project, status=ProgressReport.Status.APPROVED):
    return ProgressReport.objects.create(
        project=project,
        period_start=project.start_date,
        period_end=project.end_date,
        status=status,
        is_final=True,
    )


def test_close_needs_an_approved_final_report_then_freezes_and_completes_the_agreement(w):
    project = ProjectFactory(agreement=w["agreement"], granted_amount=200_000)
    adviser = client_for(w["adviser"])
    url = reverse("projects:close", args=[project.pk])
    response = adviser.post(url)
    assert "Prosjektet kan avsluttes når sluttrapporten er godkjent." in page(response)
    project.refresh_from_db()
    assert project.status == Project.Status.ACTIVE

    final_report(project)
    assert adviser.post(url).status_code == 302
    project.refresh_from_db()
    assert project.status == Project.Status.COMPLETED and project.closed_by == w["adviser"]
    w["agreement"].refresh_from_db()
    assert w["agreement"].status == Agreement.Status.COMPLETED
    # Frozen: neither the leader nor the adviser changes its facts or figures.
    for user in (w["leader"], w["adviser"]):
        client = client_for(user)
        assert client.get(reverse("projects:update", args=[project.pk])).status_code == 403
        assert client.get(reverse("projects:financing", args=[project.pk])).status_code == 403
        assert client.get(reverse("projects:report-create", args=[project.pk])).status_code == 403


def test_reopen_takes_a_reason_kept_in_the_history(w):
    project = ProjectFactory(agreement=w["agreement"], granted_amount=200_000)
    final_report(project)
    adviser = client_for(w["adviser"])
    adviser.post(reverse("projects:close", args=[project.pk]))
    url = reverse("projects:reopen", args=[project.pk])
    response = adviser.post(url, {"reason": ""})
    assert "Skriv hvorfor prosjektet gjenåpnes." in page(response)
    project.refresh_from_db()
    assert project.status == Project.Status.COMPLETED
    adviser.post(url, {"reason": "Sluttrapporten manglet regnskap."})
    project.refresh_from_db()
    assert project.status == Project.Status.ACTIVE
    assert project.history.first().history_change_reason == (
        "Gjenåpnet: Sluttrapporten manglet regnskap."
    )
    w["agreement"].refresh_from_db()
    assert w["agreement"].status == Agreement.Status.ACTIVE
    # The leader may not reopen.
    final_report(project)
    adviser.post(reverse("projects:close", args=[project.pk]))
    assert client_for(w["leader"]).post(url, {"reason": "x"}).status_code == 403


def test_the_programmes_target_figures_are_needed_before_submitting(w):
    w["programme"].target_figure_kinds = ["employment", "in_movers_kept"]
    w["programme"].save()
    project = ProjectFactory(
        agreement=w["agreement"], draft=True, description="Boliger.", goals="Ti boliger."
    )
    finance(project, w)
    leader_client = client_for(w["leader"])
    response = leader_client.post(
        reverse("projects:submit", args=[project.pk]), {"version": project.version}, follow=True
    )
    assert (
        "krever disse måltallene, med utgangsverdi og målverdi: Sysselsetting, Tilflyttere som"
        in page(response)
    )
    url = reverse("projects:targets", args=[project.pk])
    form = page(leader_client.get(url))
    assert form.count("selected>Sysselsetting</option>") == 1
    data = {
        "version": project.version,
        "targets-TOTAL_FORMS": 2,
        "targets-INITIAL_FORMS": 0,
        "targets-MIN_NUM_FORMS": 0,
        "targets-MAX_NUM_FORMS": 1000,
        "targets-0-kind": "employment",
        "targets-0-unit": "arbeidsplasser",
        "targets-0-baseline": "0",
        "targets-0-target": "6,5",
        "targets-1-kind": "employment",
        "targets-1-unit": "årsverk",
        "targets-1-baseline": "1",
        "targets-1-target": "2",
    }
    response = leader_client.post(url, data)
    assert "Prosjektet har allerede et måltall av denne typen." in page(response)
    assert not project.indicators.exists()
    data.update({"targets-1-kind": "in_movers_kept", "targets-1-unit": "personer"})
    assert leader_client.post(url, data).status_code == 302
    assert sorted(project.indicators.values_list("kind", flat=True)) == [
        "employment",
        "in_movers_kept",
    ]
    assert str(project.indicators.get(kind="employment").target) == "6.50"
    project.refresh_from_db()
    leader_client.post(reverse("projects:submit", args=[project.pk]), {"version": project.version})
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED
