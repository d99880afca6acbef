"""Changes to an approved project: small ones apply at once, larger ones (any change to
the grant or the period, or moving more than the programme's threshold) become a change
request an adviser approves (and it applies) or returns."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import BudgetLine, ChangeRequest, FundingLine, Project
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
    programme = ProgrammeFactory(owner=county, max_county_share_percent=None)
    snasa = MunicipalityFactory(name="Snåsa")
    agreement = AgreementFactory(
        programme=programme,
        municipalities=[snasa],
        county_frame=600_000,
        start_date=D(2025, 1, 1),
        end_date=D(2026, 12, 31),
    )
    category = CostCategoryFactory(programme=programme, name="Prosjektledelse")
    project = ProjectFactory(agreement=agreement, granted_amount=200_000, title="Boliger")
    BudgetLine.objects.create(project=project, year=2025, category=category, amount=400_000)
    FundingLine.objects.create(project=project, source=county, amount=200_000)
    FundingLine.objects.create(project=project, source_municipality=snasa, amount=200_000)
    return {
        "county": county,
        "snasa": snasa,
        "category": category,
        "project": project,
        "leader": leader(snasa),
        "adviser": following(programme),
    }


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def financing(w, budget, grant, **extra):
    project = w["project"]
    project.refresh_from_db()
    return {
        "version": project.version,
        f"b_{w['category'].pk}_2025": str(budget),
        "funding-TOTAL_FORMS": 2,
        "funding-INITIAL_FORMS": 0,
        "funding-MIN_NUM_FORMS": 0,
        "funding-MAX_NUM_FORMS": 1000,
        "funding-0-source": f"o{w['county'].pk}",
        "funding-0-kind": "cash",
        "funding-0-amount": str(grant),
        "funding-1-source": f"m{w['snasa'].pk}",
        "funding-1-kind": "cash",
        "funding-1-amount": str(budget - grant),
        **extra,
    }


def page(response):
    return response.content.decode().replace("\xa0", " ")


def test_a_small_change_applies_at_once(w):
    url = reverse("projects:financing", args=[w["project"].pk])
    response = client_for(w["leader"]).post(url, financing(w, 420_000, 200_000))
    assert response.status_code == 302
    assert w["project"].budget_total() == 420_000
    assert not ChangeRequest.objects.exists()


def test_a_grant_change_needs_a_change_request_with_a_reason(w):
    leader_client = client_for(w["leader"])
    url = reverse("projects:financing", args=[w["project"].pk])
    response = leader_client.post(url, financing(w, 400_000, 250_000))
    html = page(response)
    assert "Denne endringen må godkjennes av fylkeskommunen" in html
    assert "Tilskuddet fra Trøndelag fylkeskommune endres fra kr 200 000 til kr 250 000." in html
    response = leader_client.post(
        url, financing(w, 400_000, 250_000, send_change_request="1", change_reason="")
    )
    assert "Forklar hvorfor prosjektet trenger endringen." in page(response)
    assert not ChangeRequest.objects.exists()
    response = leader_client.post(
        url,
        financing(
            w, 400_000, 250_000, send_change_request="1", change_reason="Høyere byggekostnader."
        ),
    )
    assert response.status_code == 302
    change = ChangeRequest.objects.get()
    assert change.status == ChangeRequest.Status.SUBMITTED
    # Nothing applied yet.
    assert w["project"].county_total() == 200_000

    adviser = client_for(w["adviser"])
    assert "Høyere byggekostnader." in page(adviser.get(change.get_absolute_url()))
    adviser.post(reverse("projects:change-review", args=[change.pk]), {"action": "approve"})
    change.refresh_from_db()
    project = Project.objects.get(pk=w["project"].pk)
    assert change.status == ChangeRequest.Status.APPROVED
    assert project.county_total() == 250_000 and project.granted_amount == 250_000
    assert project.history.first().history_change_reason == (
        "Endringsmelding godkjent: Høyere byggekostnader."
    )


def test_moving_more_than_the_threshold_needs_a_change_request(w):
    response = client_for(w["leader"]).post(
        reverse("projects:financing", args=[w["project"].pk]), financing(w, 500_000, 200_000)
    )
    assert "mer enn 10 % av budsjettet på kr 400 000" in page(response)
    assert w["project"].budget_total() == 400_000


def test_a_new_period_needs_a_change_request(w):
    project = w["project"]
    data = {
        "version": project.version,
        "title": project.title,
        "description": "",
        "goals": "",
        "focus_area": "",
        "leader": "",
        "start_date": "2025-01-01",
        "end_date": "2026-06-30",
        f"share_{w['snasa'].pk}": "100",
        "send_change_request": "1",
        "change_reason": "Forsinket oppstart.",
    }
    client_for(w["leader"]).post(reverse("projects:update", args=[project.pk]), data)
    change = ChangeRequest.objects.get()
    assert change.proposed == {"start_date": "2025-01-01", "end_date": "2026-06-30"}
    project.refresh_from_db()
    assert project.end_date == D(2026, 12, 31)


def test_a_grant_beyond_the_frame_is_refused_on_approval(w):
    ProjectFactory(agreement=w["project"].agreement, granted_amount=350_000)
    client_for(w["leader"]).post(
        reverse("projects:financing", args=[w["project"].pk]),
        financing(w, 400_000, 300_000, send_change_request="1", change_reason="Mer penger."),
    )
    change = ChangeRequest.objects.get()
    response = client_for(w["adviser"]).post(
        reverse("projects:change-review", args=[change.pk]), {"action": "approve"}, follow=True
    )
    assert (
        "Tilskuddet på kr 300 000 er mer enn det som er igjen av avtalens ramme: "
        "kr 250 000 av kr 600 000."
    ) in page(response)
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.SUBMITTED
    assert w["project"].county_total() == 200_000


def test_a_change_request_made_from_an_older_version_cannot_be_approved(w):
    client_for(w["leader"]).post(
        reverse("projects:financing", args=[w["project"].pk]),
        financing(w, 400_000, 250_000, send_change_request="1", change_reason="Mer."),
    )
    change = ChangeRequest.objects.get()
    # The adviser changes the project directly meanwhile.
    client_for(w["adviser"]).post(
        reverse("projects:financing", args=[w["project"].pk]), financing(w, 410_000, 200_000)
    )
    response = client_for(w["adviser"]).post(
        reverse("projects:change-review", args=[change.pk]), {"action": "approve"}, follow=True
    )
    assert "Prosjektet er endret siden endringsmeldingen ble laget" in page(response)
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.SUBMITTED


def test_return_needs_a_comment(w):
    client_for(w["leader"]).post(
        reverse("projects:financing", args=[w["project"].pk]),
        financing(w, 400_000, 250_000, send_change_request="1", change_reason="Mer."),
    )
    change = ChangeRequest.objects.get()
    adviser = client_for(w["adviser"])
    url = reverse("projects:change-review", args=[change.pk])
    response = adviser.post(url, {"action": "return", "comment": ""}, follow=True)
    assert "Skriv hva prosjektlederen må endre." in page(response)
    adviser.post(url, {"action": "return", "comment": "Bruk egne midler."})
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.RETURNED
    detail = page(client_for(w["leader"]).get(w["project"].get_absolute_url()))
    assert "Bruk egne midler." in detail


def test_the_change_request_is_in_the_history_for_insiders_only(w):
    client_for(w["leader"]).post(
        reverse("projects:financing", args=[w["project"].pk]),
        financing(w, 400_000, 250_000, send_change_request="1", change_reason="Mer."),
    )
    url = w["project"].get_absolute_url()
    assert "Endringsmelding" in page(client_for(w["adviser"]).get(url))
    outsider = leader(MunicipalityFactory(name="Lierne"))
    AgreementFactory(
        programme=w["project"].agreement.programme, municipalities=outsider.municipalities.all()
    )
    seen = page(client_for(outsider).get(url))
    assert "Boliger" in seen and "Endringsmelding" not in seen
