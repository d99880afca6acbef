"""E-mail notices: sent after commit through the task queue, to the advisers following
the programme when something is submitted and to its author and the municipality's
project leaders when it is approved or returned; never twice; each kind can be turned
off on the account page."""

import time

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import SentNotice
from accounts.notices import deliver
from accounts.tasks import notices_suppressed, send_notice
from projects.models import BudgetLine, FundingLine, Project
from projects.services import project_review, project_submit
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


@pytest.fixture
def w(db):
    county = CountyFactory()
    programme = ProgrammeFactory(owner=county, max_county_share_percent=None)
    snasa = MunicipalityFactory(name="Snåsa")
    agreement = AgreementFactory(programme=programme, municipalities=[snasa])
    project = ProjectFactory(
        agreement=agreement, draft=True, title="Boliger", description="B.", goals="M."
    )
    category = CostCategoryFactory(programme=programme)
    BudgetLine.objects.create(project=project, year=2024, category=category, amount=100_000)
    FundingLine.objects.create(project=project, source=county, amount=50_000)
    FundingLine.objects.create(project=project, source_municipality=snasa, amount=50_000)
    return {
        "project": project,
        "author": leader(snasa, username="kari", first_name="Kari", last_name="Leder"),
        "colleague": leader(snasa, username="ola"),
        "adviser": following(programme, username="randi", first_name="Randi"),
        "stranger": following(ProgrammeFactory(), username="annen"),
    }


def payloads(callbacks) -> list[dict]:
    """The notices queued by on-commit callbacks, without sending them."""
    queued = []
    original = send_notice.delay
    send_notice.delay = queued.append
    try:
        for callback in callbacks:
            callback()
    finally:
        send_notice.delay = original
    return queued


def test_a_submitted_proposal_is_told_to_the_advisers_following_the_programme(
    w, django_capture_on_commit_callbacks
):
    project = w["project"]
    with django_capture_on_commit_callbacks() as callbacks:
        project_submit(project=project, version=project.version, user=w["author"])
    (payload,) = payloads(callbacks)
    assert deliver(payload) == 1
    (message,) = mail.outbox
    assert message.to == [w["adviser"].email]
    assert message.subject == "Prosjektforslag til godkjenning: Boliger"
    assert "Kari Leder har foreslått prosjektet «Boliger»" in message.body
    assert settings.PORTAL_BASE_URL + reverse("projects:review", args=[project.pk]) in message.body
    assert reverse("accounts:profile") in message.body
    # Never twice: the same event sent again reaches nobody.
    assert deliver(payload) == 0
    assert len(mail.outbox) == 1


def test_a_decision_is_told_to_the_author_and_the_municipalitys_leaders_not_the_adviser(
    w, django_capture_on_commit_callbacks
):
    project = w["project"]
    project_submit(project=project, version=project.version, user=w["author"])
    with django_capture_on_commit_callbacks() as callbacks:
        project_review(project=project, user=w["adviser"], approve=False, comment="Mer om målene.")
    (payload,) = payloads(callbacks)
    deliver(payload)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([w["author"].email, w["colleague"].email])
    assert "Mer om målene." in mail.outbox[0].body
    assert mail.outbox[0].subject == "Prosjektforslag sendt tilbake: Boliger"


def test_nothing_is_queued_when_the_transaction_does_not_commit(
    w, django_capture_on_commit_callbacks
):
    project = w["project"]
    project.description = ""
    project.save()
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(ValidationError):
            project_submit(project=project, version=project.version, user=w["author"])
    assert payloads(callbacks) == []


def test_a_kind_turned_off_on_the_account_page_is_not_sent(w, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(w["adviser"])
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Prosjektforslag sendt inn til godkjenning hos deg" in page
    client.post(
        reverse("accounts:profile"),
        {
            "first_name": "Randi",
            "last_name": "",
            "email": w["adviser"].email,
            "notices": ["progress_report_submitted"],
        },
    )
    w["adviser"].refresh_from_db()
    assert "proposal_submitted" in w["adviser"].muted_notices
    project = w["project"]
    with django_capture_on_commit_callbacks() as callbacks:
        project_submit(project=project, version=project.version, user=w["author"])
    assert deliver(payloads(callbacks)[0]) == 0


@pytest.mark.celery
def test_the_notice_goes_through_the_celery_worker_once(transactional_db, celery_worker_process, w):
    project = w["project"]
    project_submit(project=project, version=project.version, user=w["author"])
    deadline = time.monotonic() + 30
    while not SentNotice.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    notice = SentNotice.objects.first()
    assert notice is not None, celery_worker_process.log()
    assert (notice.recipient, notice.kind) == (w["adviser"], "proposal_submitted")
    # Run again for the same event: still one.
    send_notice.delay(
        {
            "kind": "proposal_submitted",
            "event_key": notice.key,
            "programme_id": project.agreement.programme_id,
            "municipality_ids": [],
            "author_id": None,
            "actor_id": w["author"].pk,
            "title": "x",
            "message": "y",
            "path": "/",
        }
    )
    time.sleep(3)
    assert SentNotice.objects.count() == 1
    assert Project.objects.get(pk=project.pk).status == "submitted"
    assert not SentNotice.objects.filter(recipient=w["stranger"]).exists()


def test_loading_demo_data_tells_nobody(w, django_capture_on_commit_callbacks):
    project = w["project"]
    with django_capture_on_commit_callbacks() as callbacks, notices_suppressed():
        project_submit(project=project, version=project.version, user=w["author"])
    assert payloads(callbacks) == []
