"""Advisers make cooperation agreements in the portal: a draft with its municipalities,
frame, period and decision; changed while a draft; registered as signed with the signed
document, which gives it the programme's milestones."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from agreements.models import Agreement
from evaluations.models import MilestoneTemplate
from tests.factories import (
    AgreementFactory,
    MunicipalityFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
    leader,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def programme():
    return ProgrammeFactory(max_grant_per_agreement=2_000_000)


@pytest.fixture
def adviser(client, programme):
    user = UserFactory(role=Role.ADVISER)
    user.programmes.add(programme)
    client.force_login(user)
    return user


def agreement_data(*municipalities, **changes):
    return {
        "title": "Samarbeidsavtale Lierne og Røyrvik",
        "municipalities": [m.pk for m in municipalities],
        "theme": "Felles næringsarbeid",
        "start_date": "2024-01-01",
        "end_date": "2025-12-31",
        "county_frame": "1 800 000",
        "decision_organ": "Hovedutvalg for næring",
        "decision_date": "2023-11-15",
        "decision_case_number": "2023/12345",
        **changes,
    }


def test_adviser_makes_a_draft_agreement_with_two_municipalities(client, adviser, programme):
    lierne, royrvik = MunicipalityFactory(name="Lierne"), MunicipalityFactory(name="Røyrvik")
    response = client.post(
        reverse("agreements:create", args=[programme.slug]), agreement_data(lierne, royrvik)
    )
    agreement = Agreement.objects.get(title="Samarbeidsavtale Lierne og Røyrvik")
    assert response["Location"] == agreement.get_absolute_url()
    assert agreement.programme == programme and agreement.is_draft
    assert agreement.county_frame == 1_800_000
    assert set(agreement.municipalities.all()) == {lierne, royrvik}
    assert not agreement.milestones.exists()
    # Other parties: organisations that sign too, shown on the agreement and in its history.
    state = OrganisationFactory(name="Statsforvalteren i Trøndelag")
    data = agreement_data(lierne, royrvik, other_parties=[state.pk])
    client.post(reverse("agreements:update", args=[agreement.pk]), data)
    assert list(agreement.other_parties.all()) == [state]
    assert (
        "Statsforvalteren i Trøndelag" in client.get(agreement.get_absolute_url()).content.decode()
    )
    assert agreement.history.first().other_parties.count() == 1
    client.force_login(leader(MunicipalityFactory()))
    assert client.get(agreement.get_absolute_url()).status_code == 404


def test_a_frame_above_the_cap_or_a_period_outside_the_programme_is_refused(
    client, adviser, programme
):
    data = agreement_data(MunicipalityFactory(), county_frame="2 500 000", end_date="2027-06-30")
    response = client.post(reverse("agreements:create", args=[programme.slug]), data)
    errors = response.context["form"].errors
    assert "er høyere enn programmets største tilskudd per avtale" in errors["county_frame"][0]
    assert errors["end_date"] == ["Avtalen kan ikke slutte etter programmet (31.12.2026)."]
    assert 'value="Felles næringsarbeid"' in response.content.decode()
    assert not Agreement.objects.exists()


def test_a_draft_is_changed_a_signed_agreement_is_not(client, adviser, programme):
    municipality = MunicipalityFactory()
    draft = AgreementFactory(programme=programme, municipalities=[municipality], draft=True)
    signed = AgreementFactory(programme=programme, municipalities=[municipality])
    data = agreement_data(municipality, county_frame="900 000")
    assert client.post(reverse("agreements:update", args=[draft.pk]), data).status_code == 302
    draft.refresh_from_db()
    assert draft.county_frame == 900_000
    assert client.post(reverse("agreements:update", args=[signed.pk]), data).status_code == 403
    assert client.get(reverse("agreements:sign", args=[signed.pk])).status_code == 403


def test_signing_stores_the_document_and_makes_the_milestones(client, adviser, programme):
    MilestoneTemplate.objects.create(
        programme=programme, kind="midtveisrapport", months_after_start=12
    )
    draft = AgreementFactory(programme=programme, draft=True)  # starts 01.05.2023
    response = client.post(
        reverse("agreements:sign", args=[draft.pk]),
        {
            "signed_date": "2023-04-20",
            "document": SimpleUploadedFile("avtale.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.SIGNED
    assert draft.signed_date == datetime.date(2023, 4, 20)
    assert draft.signed_document.read() == PDF
    assert list(draft.milestones.values_list("kind", "due_date")) == [
        ("midtveisrapport", datetime.date(2024, 5, 1))
    ]
    assert draft.history.first().history_user == adviser


def test_signing_with_a_document_that_is_no_pdf_or_a_future_date_is_refused(
    client, adviser, programme
):
    draft = AgreementFactory(programme=programme, draft=True)
    response = client.post(
        reverse("agreements:sign", args=[draft.pk]),
        {
            "signed_date": (datetime.date.today() + datetime.timedelta(days=3)).isoformat(),
            "document": SimpleUploadedFile("avtale.pdf", b"<html>nei</html>"),
        },
    )
    errors = response.context["form"].errors
    assert errors["signed_date"] == ["Datoen den ble signert kan ikke være fram i tid."]
    assert "er ikke en PDF-fil" in errors["document"][0]
    draft.refresh_from_db()
    assert draft.is_draft and not draft.signed_document


def test_only_advisers_following_the_programme_make_and_sign_agreements(client, programme):
    draft = AgreementFactory(programme=programme, draft=True)
    for user in (UserFactory(role=Role.ADVISER), leader(draft.municipalities.first())):
        client.force_login(user)
        assert client.get(reverse("agreements:create", args=[programme.slug])).status_code in (
            403,
            404,
        )
        assert client.get(reverse("agreements:sign", args=[draft.pk])).status_code in (403, 404)


def pdf(name="tillegg.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_an_addendum_changes_frame_and_end_date_and_is_kept_with_its_reason(
    client, adviser, programme
):
    agreement = AgreementFactory(programme=programme)  # 2 000 000, ends 30.04.2025
    response = client.post(
        reverse("agreements:amend", args=[agreement.pk]),
        {
            "signed_on": "2024-06-01",
            "new_county_frame": "1 900 000",
            "new_end_date": "2025-12-31",
            "reason": "Forsinket oppstart av boligprosjektet.",
            "document": pdf(),
        },
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.county_frame, agreement.end_date) == (1_900_000, datetime.date(2025, 12, 31))
    addendum = agreement.addenda.get()
    assert addendum.reason == "Forsinket oppstart av boligprosjektet."
    assert addendum.document.read() == PDF
    latest = agreement.history.first()
    assert latest.history_user == adviser
    assert latest.history_change_reason.startswith("Tilleggsavtale 01.06.2024: Forsinket")
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert "Tilleggsavtale 01.06.2024" in page
    download = client.get(reverse("agreements:addendum-document", args=[addendum.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_an_addendum_above_the_cap_or_without_a_change_stores_nothing(client, adviser, programme):
    agreement = AgreementFactory(programme=programme)
    url = reverse("agreements:amend", args=[agreement.pk])
    data = {"signed_on": "2024-06-01", "reason": "Mer penger.", "document": pdf()}
    response = client.post(url, {**data, "new_county_frame": "2 600 000"})
    assert (
        "er høyere enn programmets største tilskudd"
        in (response.context["form"].errors["new_county_frame"][0])
    )
    response = client.post(url, {**data, "document": pdf()})
    assert response.context["form"].errors["new_county_frame"] == [
        "Oppgi en ny ramme, en ny sluttdato eller begge."
    ]
    agreement.refresh_from_db()
    assert agreement.county_frame == 2_000_000 and not agreement.addenda.exists()


def test_terminating_needs_a_reason_and_ends_the_changes(client, adviser, programme):
    agreement = AgreementFactory(programme=programme)
    url = reverse("agreements:terminate", args=[agreement.pk])
    response = client.post(url, {"terminated_on": "2024-03-01", "reason": " "})
    assert response.context["form"].errors["reason"]
    response = client.post(url, {"terminated_on": "2024-03-01", "reason": "Kommunen trakk seg."})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.TERMINATED
    assert agreement.termination_reason == "Kommunen trakk seg."
    assert agreement.history.first().history_change_reason == "Sagt opp: Kommunen trakk seg."
    assert client.get(url).status_code == 403
    assert client.get(reverse("agreements:amend", args=[agreement.pk])).status_code == 403


def test_a_template_milestone_after_the_agreements_end_is_refused_at_the_end_date(
    client, adviser, programme
):
    MilestoneTemplate.objects.create(
        programme=programme, kind="sluttrapport", months_after_start=30
    )
    data = agreement_data(MunicipalityFactory())  # 01.01.2024–31.12.2025
    response = client.post(reverse("agreements:create", args=[programme.slug]), data)
    errors = response.context["form"].errors["end_date"]
    assert errors == [
        "Programmets milepæl «Sluttrapport» ville hatt frist 01.07.2026, etter at avtalen "
        "slutter (31.12.2025). La avtalen slutte senere, eller endre malen."
    ]
    assert 'value="Felles næringsarbeid"' in response.content.decode()
    assert not Agreement.objects.exists()
    # A draft made before the template changed cannot be signed either.
    draft = AgreementFactory(programme=programme, draft=True)
    response = client.post(
        reverse("agreements:sign", args=[draft.pk]),
        {
            "signed_date": "2023-04-20",
            "document": SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert "etter at avtalen slutter" in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_draft and not draft.milestones.exists()
