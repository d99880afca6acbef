"""A tranche whose condition has been met for the programme's number of days, with
nothing requested, reminds the project's leaders: once per occasion."""

import datetime
import time

import pytest
from django.utils import timezone

from accounts.models import SentNotice
from payouts import services
from payouts.reminders import payout_reminders_send
from payouts.tasks import payout_reminders_send_task

pytestmark = pytest.mark.django_db


def reminders_on(w, day, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        due = payout_reminders_send(today=day)
    return due, callbacks


def test_a_tranche_met_long_enough_ago_reminds_the_leaders(w, django_capture_on_commit_callbacks):
    signed = w["agreement"].signed_date
    days = w["programme"].payout_request_days
    due, callbacks = reminders_on(
        w, signed + datetime.timedelta(days=days), django_capture_on_commit_callbacks
    )
    assert due == 1 and len(callbacks) == 1


def test_not_before_the_programmes_number_of_days(w, django_capture_on_commit_callbacks):
    signed = w["agreement"].signed_date
    days = w["programme"].payout_request_days
    due, callbacks = reminders_on(
        w, signed + datetime.timedelta(days=days - 1), django_capture_on_commit_callbacks
    )
    assert due == 0 and not callbacks


def test_no_reminder_once_the_tranche_is_requested(w, django_capture_on_commit_callbacks):
    services.request_create(
        project=w["project"],
        user=w["leader"],
        tranche=w["tranches"][0],
        amount=100_000,
        comment="",
        costs={w["staff"].pk: 400_000},
    )
    request = w["project"].payment_requests.get()
    services.request_submit(
        request=request, version=request.version, user=w["leader"], confirmed=True, attachments=1
    )
    due, callbacks = reminders_on(w, timezone.localdate(), django_capture_on_commit_callbacks)
    assert due == 0 and not callbacks


@pytest.mark.celery
def test_the_reminder_goes_through_the_worker_once(transactional_db, celery_worker_process, w):
    today = timezone.localdate().isoformat()
    payout_reminders_send_task.delay(today)
    deadline = time.monotonic() + 30
    while not SentNotice.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    notice = SentNotice.objects.first()
    assert notice is not None, celery_worker_process.log()
    assert (notice.recipient, notice.kind) == (w["leader"], "payout_due")
    # A second run for the same day (a retry, or beat firing twice) tells nobody again;
    # the worker has no result backend to wait on, so give it the time the first took.
    payout_reminders_send_task.delay(today)
    time.sleep(3)
    assert SentNotice.objects.filter(kind="payout_due").count() == 1
