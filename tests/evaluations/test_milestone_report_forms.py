"""A milestone report's form: a save from a form opened before someone else's save is
refused with the input kept; a submission that fails after the save says the draft is
saved, one that fails before says nothing is."""

import pytest
from django.test import Client
from django.urls import reverse

from evaluations.models import Milestone, MilestoneReport
from tests.factories import AgreementFactory, MilestoneFactory, MunicipalityFactory, leader

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    """A start-up note begun by the municipality's project leader."""
    snasa = MunicipalityFactory(name="Snåsa", number="5041")
    agreement = AgreementFactory(municipalities=[snasa])
    sigrid = leader(snasa)
    milestone = MilestoneFactory(
        programme=None,
        agreement=agreement,
        kind=Milestone.Kind.STARTUP_NOTE,
        due_date=agreement.start_date,
        responsible=sigrid,
    )
    client = Client()
    client.force_login(sigrid)
    response = client.post(reverse("evaluations:report-start", args=[milestone.pk]))
    assert response.status_code == 302
    report = MilestoneReport.objects.get(milestone=milestone)
    return client, report


def form_data(report, **changes):
    return {
        "version": report.version,
        "summary": "Arbeidsgruppen er etablert.",
        "knowledge_sharing": "",
        "continuation": "",
        **changes,
    }


def test_a_stale_form_is_refused_and_its_input_kept(draft):
    client, report = draft
    url = reverse("evaluations:report-update", args=[report.pk])
    opened = form_data(report, summary="Første versjon")
    assert client.post(url, opened).status_code == 302
    response = client.post(url, {**opened, "summary": "Fra et gammelt skjema"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "IKKE lagret" in html and "Fra et gammelt skjema" in html
    report.refresh_from_db()
    assert report.summary == "Første versjon"


def test_submission_errors_say_truthfully_what_was_saved(draft):
    client, report = draft
    url = reverse("evaluations:report-update", args=[report.pk])
    # The form itself refuses a value: nothing is saved, and the page says so.
    response = client.post(
        url, {**form_data(report, effect_external_funding="mange penger"), "submit": "1"}
    )
    html = response.content.decode()
    assert "Ingenting er lagret ennå" in html and "Utkastet er lagret" not in html
    report.refresh_from_db()
    assert report.summary == ""
    # The form is fine but the report is not complete enough to submit: the draft is
    # saved, and the page says that instead.
    response = client.post(
        url, {**form_data(report, summary="", knowledge_sharing="Delt"), "submit": "1"}
    )
    html = response.content.decode()
    report.refresh_from_db()
    assert report.knowledge_sharing == "Delt"
    assert "Utkastet er lagret, men kan ikke sendes inn ennå" in html
    assert "Ingenting er lagret ennå" not in html
    assert report.status == MilestoneReport.Status.DRAFT
