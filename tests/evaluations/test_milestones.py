"""Milestone templates, moved due dates, one-off milestones, registered deliveries and
milestone reports."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role
from evaluations.models import Milestone, MilestoneReport, MilestoneTemplate, add_months
from evaluations.services import agreement_milestones_create, milestone_move
from tests.factories import (
    AgreementFactory,
    IndicatorFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def world():
    programme = ProgrammeFactory(slug="i-lag")
    for kind, months in [("oppstartsnotat", 6), ("midtveisrapport", 12), ("sluttrapport", 24)]:
        MilestoneTemplate.objects.create(programme=programme, kind=kind, months_after_start=months)
    meraker = MunicipalityFactory(number="5034", name="Meråker")
    snasa = MunicipalityFactory(number="5041", name="Snåsa")
    leader = UserFactory(
        username="leder.meraker",
        first_name="Magnus",
        last_name="Meråker",
        role=Role.PROJECT_LEADER,
        municipalities=[meraker],
    )
    other = UserFactory(username="leder.snasa", role=Role.PROJECT_LEADER, municipalities=[snasa])
    AgreementFactory(programme=programme, municipalities=[snasa])
    agreement = AgreementFactory(
        programme=programme,
        municipalities=[meraker],
        start_date=D(2023, 10, 1),
        end_date=D(2025, 9, 30),
    )
    project = ProjectFactory(agreement=agreement, title="Rekruttering av helsepersonell")
    indicator = IndicatorFactory(
        project=project,
        unit="søkere per stilling",
        baseline=1,
        target=4,
        kind="applicants_per_vacancy",
    )
    adviser = UserFactory(
        username="radgiver", first_name="Randi", last_name="Rådgiver", role=Role.ADVISER
    )
    adviser.programmes.add(programme)
    return {
        "programme": programme,
        "agreement": agreement,
        "leader": leader,
        "other": other,
        "adviser": adviser,
        "indicator": indicator,
    }


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_add_months_keeps_the_day_or_takes_the_last_of_a_short_month():
    assert add_months(D(2023, 10, 1), 12) == D(2024, 10, 1)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2023, 8, 31), 6) == D(2024, 2, 29)


def test_agreement_gets_the_programmes_milestones_once(world):
    agreement = world["agreement"]
    created = agreement_milestones_create(agreement=agreement)
    assert sorted((m.kind, m.due_date) for m in created) == [
        ("midtveisrapport", D(2024, 10, 1)),
        ("oppstartsnotat", D(2024, 4, 1)),
        ("sluttrapport", D(2025, 10, 1)),
    ]
    assert all(m.responsible == world["leader"] for m in created)
    milestone_move(milestone=created[0], due_date=D(2024, 5, 1), reason="Avtalt på møte")
    assert agreement_milestones_create(agreement=agreement) == []
    assert agreement.milestones.get(kind="oppstartsnotat").due_date == D(2024, 5, 1)


def test_moving_a_due_date_needs_a_reason_which_the_history_keeps(world):
    agreement_milestones_create(agreement=world["agreement"])
    milestone = world["agreement"].milestones.get(kind="midtveisrapport")
    client = client_for(world["adviser"])
    url = reverse("evaluations:milestone-move", args=[milestone.pk])
    response = client.post(url, {"due_date": "2024-12-01", "reason": ""})
    assert "Feltet er påkrevet." in response.content.decode()
    response = client.post(
        url, {"due_date": "2024-12-01", "reason": "Utsatt etter ønske fra kommunen"}
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.due_date == D(2024, 12, 1)
    assert milestone.history.first().history_change_reason == "Utsatt etter ønske fra kommunen"
    page = client.get(milestone.get_absolute_url()).content.decode()
    assert "Utsatt etter ønske fra kommunen" in page and "01.12.2024" in page


def test_due_date_before_the_agreement_starts_is_refused(world):
    agreement_milestones_create(agreement=world["agreement"])
    milestone = world["agreement"].milestones.get(kind="midtveisrapport")
    response = client_for(world["adviser"]).post(
        reverse("evaluations:milestone-move", args=[milestone.pk]),
        {"due_date": "2023-09-01", "reason": "Feil"},
    )
    html = response.content.decode()
    assert "Fristen kan ikke være før starten (01.10.2023)." in html
    assert 'value="2023-09-01"' in html
    milestone.refresh_from_db()
    assert milestone.due_date == D(2024, 10, 1)


def test_milestone_kind_the_programme_does_not_have_is_refused(world):
    other_programme = ProgrammeFactory()
    agreement = AgreementFactory(programme=other_programme)
    milestone = Milestone(agreement=agreement, kind="midtveisevaluering", due_date=D(2024, 1, 1))
    with translation.override("nb"), pytest.raises(ValidationError) as error:
        milestone.full_clean()
    assert error.value.message_dict["kind"] == [
        f"{other_programme} har ingen milepæler av typen «Midtveisevaluering»."
    ]


def test_adviser_adds_a_one_off_milestone(world):
    client = client_for(world["adviser"])
    response = client.post(
        reverse("evaluations:milestone-add", args=[world["agreement"].pk]),
        {
            "kind": "other",
            "title": "Samling i Meråker",
            "due_date": "2024-05-03",
            "responsible": world["leader"].pk,
        },
    )
    assert response.status_code == 302
    milestone = world["agreement"].milestones.get(title="Samling i Meråker")
    assert milestone.responsible == world["leader"]


def report_data(world, report, **changes):
    indicator = world["indicator"]
    return {
        "version": report.version,
        "summary": "Rekrutteringen er i gang.",
        "effect_employment": "3",
        "effect_in_movers_kept": "5",
        "effect_applicants_per_vacancy": "2,5",
        "effect_partner_participation": "4",
        "effect_external_funding": "250 000",
        "effect_comment": "",
        "knowledge_sharing": "Presentert på samlingen i Rennebu.",
        "continuation": "Tiltakene videreføres i ordinær drift.",
        f"result_{indicator.pk}": "2,5",
        f"result_comment_{indicator.pk}": "Fra 1 til 2,5 søkere",
        **changes,
    }


def test_midtveisrapport_is_written_submitted_returned_and_approved(world):
    agreement_milestones_create(agreement=world["agreement"])
    milestone = world["agreement"].milestones.get(kind="midtveisrapport")
    leader = client_for(world["leader"])
    response = leader.post(reverse("evaluations:report-start", args=[milestone.pk]))
    report = MilestoneReport.objects.get(milestone=milestone)
    assert response["Location"] == reverse("evaluations:report-update", args=[report.pk])
    # Another municipality's leader never sees the draft.
    assert client_for(world["other"]).get(report.get_absolute_url()).status_code == 404

    response = leader.post(
        reverse("evaluations:report-update", args=[report.pk]),
        {**report_data(world, report), "submit": "1"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    milestone.refresh_from_db()
    assert report.status == MilestoneReport.Status.SUBMITTED
    assert report.effect_external_funding == 250_000
    assert str(report.indicator_results.get().value) == "2.50"
    assert milestone.status == Milestone.Status.DELIVERED

    response = leader.post(reverse("evaluations:report-start", args=[milestone.pk]))
    assert response.status_code == 302  # opens the submitted report, changes nothing

    adviser = client_for(world["adviser"])
    adviser.post(
        reverse("evaluations:report-review", args=[report.pk]),
        {"action": "return", "comment": "Legg ved referat fra samlingen."},
    )
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.PLANNED
    report.refresh_from_db()
    leader.post(
        reverse("evaluations:report-update", args=[report.pk]),
        {**report_data(world, report), "submit": "1"},
    )
    adviser.post(reverse("evaluations:report-review", args=[report.pk]), {"action": "approve"})
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.APPROVED
    assert client_for(world["other"]).get(report.get_absolute_url()).status_code == 200


def test_submitting_a_milestone_report_twice_says_so(world):
    agreement_milestones_create(agreement=world["agreement"])
    milestone = world["agreement"].milestones.get(kind="midtveisrapport")
    leader = client_for(world["leader"])
    leader.post(reverse("evaluations:report-start", args=[milestone.pk]))
    report = MilestoneReport.objects.get(milestone=milestone)
    leader.post(
        reverse("evaluations:report-update", args=[report.pk]),
        {**report_data(world, report), "submit": "1"},
    )
    from evaluations.services import milestone_report_submit

    with translation.override("nb"), pytest.raises(ValidationError) as error:
        milestone_report_submit(report=report, user=world["leader"])
    assert error.value.messages == ["Rapporten er allerede sendt inn."]


def test_report_cannot_be_submitted_without_summary(world):
    agreement_milestones_create(agreement=world["agreement"])
    milestone = world["agreement"].milestones.get(kind="midtveisrapport")
    leader = client_for(world["leader"])
    leader.post(reverse("evaluations:report-start", args=[milestone.pk]))
    report = MilestoneReport.objects.get(milestone=milestone)
    response = leader.post(
        reverse("evaluations:report-update", args=[report.pk]),
        {**report_data(world, report, summary=""), "submit": "1"},
    )
    html = response.content.decode()
    assert "Skriv en oppsummering før du sender inn." in html
    assert "Presentert på samlingen i Rennebu." in html
    report.refresh_from_db()
    assert report.status == MilestoneReport.Status.DRAFT


# Milestones without a municipal report are registered as delivered by the adviser.


@pytest.fixture
def workshop(world):
    return Milestone.objects.create(
        agreement=world["agreement"],
        kind=Milestone.Kind.OTHER,
        title="Samling i Meråker",
        due_date=D(2024, 5, 3),
        responsible=world["leader"],
    )


def test_adviser_registers_a_delivery_which_the_history_and_the_lists_show(world, workshop):
    client = client_for(world["adviser"])
    overdue = client.get(reverse("evaluations:overdue")).content.decode()
    assert "Samling i Meråker" in overdue
    page = client.get(workshop.get_absolute_url()).content.decode()
    assert "Registrer som levert" in page
    response = client.post(
        reverse("evaluations:milestone-deliver", args=[workshop.pk]),
        {"delivered_on": "2024-05-03", "note": "Samlingen ble holdt med 40 deltakere."},
    )
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert (workshop.status, workshop.delivered_on) == (Milestone.Status.DELIVERED, D(2024, 5, 3))
    assert workshop.history.first().history_change_reason == "Samlingen ble holdt med 40 deltakere."
    page = client.get(workshop.get_absolute_url()).content.decode()
    assert "Milepælen er registrert som levert." in page
    assert "Registrert som levert 03.05.2024." in page
    overdue = client.get(reverse("evaluations:overdue")).content.decode()
    assert "Samling i Meråker" not in overdue


def test_a_delivery_date_in_the_future_is_refused_at_the_field(world, workshop):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for(world["adviser"]).post(
        reverse("evaluations:milestone-deliver", args=[workshop.pk]),
        {"delivered_on": tomorrow.isoformat(), "note": "For tidlig"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Leveringsdatoen kan ikke være fram i tid." in html
    assert f'value="{tomorrow.isoformat()}"' in html and "For tidlig" in html
    workshop.refresh_from_db()
    assert workshop.status == Milestone.Status.PLANNED and workshop.delivered_on is None


def test_a_report_milestone_is_delivered_by_its_report_not_by_the_adviser(world):
    agreement_milestones_create(agreement=world["agreement"])
    milestone = world["agreement"].milestones.get(kind="midtveisrapport")
    client = client_for(world["adviser"])
    assert "Registrer som levert" not in client.get(milestone.get_absolute_url()).content.decode()
    response = client.post(
        reverse("evaluations:milestone-deliver", args=[milestone.pk]),
        {"delivered_on": "2024-10-01"},
    )
    assert "Denne milepælen leveres med rapporten sin: kommunen sender den inn." in (
        response.content.decode()
    )
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.PLANNED


def test_registering_twice_says_so(world, workshop):
    client = client_for(world["adviser"])
    url = reverse("evaluations:milestone-deliver", args=[workshop.pk])
    client.post(url, {"delivered_on": "2024-05-03"})
    response = client.post(url, {"delivered_on": "2024-05-04"})
    assert "Milepælen er allerede registrert som levert." in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.delivered_on == D(2024, 5, 3)


def test_a_delivery_is_undone_with_a_reason(world, workshop):
    client = client_for(world["adviser"])
    client.post(
        reverse("evaluations:milestone-deliver", args=[workshop.pk]), {"delivered_on": "2024-05-03"}
    )
    url = reverse("evaluations:milestone-undeliver", args=[workshop.pk])
    response = client.post(url, {"angre-reason": ""})
    assert "Feltet er påkrevet." in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.status == Milestone.Status.DELIVERED
    response = client.post(url, {"angre-reason": "Registrert på feil milepæl"})
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert (workshop.status, workshop.delivered_on) == (Milestone.Status.PLANNED, None)
    assert workshop.history.first().history_change_reason == "Registrert på feil milepæl"


PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def test_a_delivery_keeps_its_document_for_everyone_who_sees_the_milestone(
    world, workshop, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = client_for(world["adviser"])
    url = reverse("evaluations:milestone-deliver", args=[workshop.pk])
    disguised = SimpleUploadedFile(
        "rapport.pdf", b"<!DOCTYPE html><html></html>", "application/pdf"
    )
    response = client.post(url, {"delivered_on": "2024-05-03", "document": disguised})
    html = response.content.decode()
    assert "er ikke en PDF-fil: innholdet ser ut som en nettside (HTML)" in html
    assert "Velg filen på nytt" in html
    workshop.refresh_from_db()
    assert workshop.status == Milestone.Status.PLANNED and not workshop.delivered_document

    pdf = SimpleUploadedFile("Referat fra samlingen.pdf", PDF, "application/pdf")
    response = client.post(url, {"delivered_on": "2024-05-03", "document": pdf})
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.delivered_document.name.startswith("milestones/")

    leader = client_for(world["leader"])  # may see the milestone, not manage it
    page = leader.get(workshop.get_absolute_url()).content.decode()
    download = reverse("evaluations:milestone-document", args=[workshop.pk])
    assert download in page
    response = leader.get(download)
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="samling-i-meraker.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF
    history = client.get(workshop.get_absolute_url()).content.decode()
    assert "Levert dokument" in history and "PDF-dokument" in history
