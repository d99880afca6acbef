"""Celery tasks that send records to the archive and collect its receipts, and queuing
them (archive.services queues each new record when its event commits)."""

import datetime
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from archive.models import ArchiveRecord
from archive.packages import (
    ArchiveNotPossible,
    archive_package,
    archive_receipt_record,
    due_time,
    retry_delay,
)
from archive.transports import TransportError, get_transport
from reports.tasks import QUEUE_ERRORS

logger = logging.getLogger(__name__)

Status = ArchiveRecord.Status
SOFT_TIME_LIMIT = 120
TIME_LIMIT = 150
# Sends that stopped (the worker died) before the record is given up.
MAX_ATTEMPTS = 10
# A record waiting longer than this past its time was not queued (the broker was down,
# the message lost): the requeue task sends it.
REQUEUE_AFTER = datetime.timedelta(minutes=2)


@shared_task(
    name="archive.tasks.archive_record_send",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
    max_retries=None,  # counted on the row (settings.ARCHIVE_MAX_RETRIES)
)
def archive_record_send(self, record_id: int) -> str:
    """Send the record once: a received, failed or hand-archived record is left alone,
    and so is one another worker is sending; one sending for longer than the hard time
    limit (its worker died) is taken over and sent again with the same external key.
    A transport that is down is tried again with growing pauses; the outcome is on the
    record."""
    with translation.override("nb"):
        transport = get_transport()
        if transport.name == "none":
            return "off"
        record = _claim(record_id)
        if record is None:
            return "skipped"
        try:
            package = archive_package(record)
        except ArchiveNotPossible as error:
            return _fail(record, _("The record could not be made: %(reason)s") % {"reason": error})
        except SoftTimeLimitExceeded:
            return _fail(record, _("The record could not be made in time. Try again."))
        except Exception:
            logger.exception("Archive record %s: the message could not be made.", record_id)
            return _fail(
                record,
                _(
                    "The record could not be made because of an error in the portal. Try "
                    "again, or contact operations."
                ),
            )
        try:
            receipt = transport.send(package.message, package.files, key=record.external_key)
        except (TransportError, SoftTimeLimitExceeded) as error:
            retries = self.request.retries
            if retries < settings.ARCHIVE_MAX_RETRIES:
                delay = retry_delay(
                    retries + 1,
                    base=settings.ARCHIVE_RETRY_BACKOFF,
                    cap=settings.ARCHIVE_RETRY_BACKOFF_MAX,
                )
                _back_to_waiting(record, reason=_reason_down(error, retries + 1), delay=delay)
                raise self.retry(exc=error, countdown=delay) from error
            logger.warning("Archive record %s: the transport failed: %s", record_id, error)
            return _fail(
                record,
                _(
                    "The archive could not be reached after %(count)s tries (%(reason)s). Try "
                    "again later, or archive it by hand."
                )
                % {"count": retries + 1, "reason": error},
            )
        return _delivered(record, listing=package.listing, receipt=receipt)


def _reason_down(error, attempt: int) -> str:
    return _("Try %(count)s did not reach the archive (%(reason)s); it is tried again.") % {
        "count": attempt,
        "reason": error,
    }


def _claim(record_id: int) -> ArchiveRecord | None:
    """Take the record for sending, or None when there is nothing to do. Locked rows are
    skipped: another worker is claiming it."""
    now = timezone.now()
    with transaction.atomic():
        record = (
            ArchiveRecord.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("programme", "agreement", "addendum", "report_order", "progress_report")
            .filter(pk=record_id)
            .first()
        )
        if record is None or record.status not in (Status.WAITING, Status.SENDING):
            return None
        if (
            record.status == Status.SENDING
            and record.started_at
            and record.started_at > now - datetime.timedelta(seconds=TIME_LIMIT)
        ):
            return None  # another worker is on it
        if record.attempts >= MAX_ATTEMPTS:
            record.status = Status.FAILED
            record.last_error = _(
                "The sending stopped %(count)s times before it was done. Try again, or "
                "contact operations."
            ) % {"count": record.attempts}
            record.started_at = None
            record.save()
            return None
        record.status = Status.SENDING
        record.started_at = now
        record.attempts += 1
        record.save()
    return record


def _still_ours(record: ArchiveRecord) -> ArchiveRecord | None:
    row = ArchiveRecord.objects.select_for_update().filter(pk=record.pk).first()
    if row is None or row.status != Status.SENDING or row.started_at != record.started_at:
        return None
    return row


def _delivered(record: ArchiveRecord, *, listing: list[dict], receipt: bytes | None) -> str:
    with transaction.atomic():
        row = _still_ours(record)
        if row is None:
            return "skipped"
        row.status = Status.SENT
        row.sent_at = timezone.now()
        row.files = listing
        row.last_error = ""
        row.next_attempt_at = None
        row.started_at = None
        row.save()
    if receipt is None:
        return "sent"
    row = archive_receipt_record(record_id=record.pk, xml=receipt)
    return row.status


def _fail(record: ArchiveRecord, reason: str) -> str:
    with transaction.atomic():
        row = _still_ours(record)
        if row is not None:
            row.status = Status.FAILED
            row.last_error = reason
            row.started_at = None
            row.next_attempt_at = None
            row.save()
    return "failed"


def _back_to_waiting(record: ArchiveRecord, *, reason: str, delay: int) -> None:
    with transaction.atomic():
        row = _still_ours(record)
        if row is not None:
            row.status = Status.WAITING
            row.last_error = reason
            row.started_at = None
            row.next_attempt_at = due_time(delay)
            row.save()


@shared_task(
    name="archive.tasks.archive_records_requeue",
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
)
def archive_records_requeue() -> int:
    """Queue again the records still waiting two minutes past their time (the queue
    was down when they were made, or the message was lost) and those whose worker died
    while sending; returns how many were sent. Safe to run twice: sending claims the
    record first."""
    sent = 0
    for record_id in (
        archive_records_due().order_by("created_at", "pk").values_list("pk", flat=True)
    ):
        if not archive_record_queue(record_id=record_id):
            break
        sent += 1
    return sent


def archive_records_due(*, now=None):
    now = now or timezone.now()
    return ArchiveRecord.objects.filter(
        Q(status=Status.WAITING)
        & (
            Q(next_attempt_at__lte=now - REQUEUE_AFTER)
            | Q(next_attempt_at__isnull=True, created_at__lte=now - REQUEUE_AFTER)
        )
        | Q(
            status=Status.SENDING,
            started_at__lte=now - datetime.timedelta(seconds=TIME_LIMIT + 30),
        )
    )


@shared_task(
    name="archive.tasks.archive_receipts_collect",
    acks_late=True,
    soft_time_limit=120,
    time_limit=150,
)
def archive_receipts_collect() -> int:
    """Read the receipts the archive has dropped for the transport (storage: the
    `kvitteringer/` folder) and store them on their records; returns how many."""
    transport = get_transport()
    stored = 0
    for key, xml in transport.receipts():
        record_id = (
            ArchiveRecord.objects.filter(external_key=key).values_list("pk", flat=True).first()
        )
        if record_id is None:
            logger.warning("A receipt for the unknown archive key %s was left in place.", key)
            continue
        with translation.override("nb"):
            archive_receipt_record(record_id=record_id, xml=xml)
        transport.receipt_done(key)
        stored += 1
    return stored


def archive_record_queue(*, record_id: int) -> bool:
    """Send the record to the queue; on a broker that cannot be reached leave it
    waiting (archive_records_requeue sends it later) and return False."""
    app = archive_record_send.app
    try:
        if app.conf.task_always_eager:
            # In-process (development): an error must not break the page that made
            # the record; it stays waiting for the requeue task.
            try:
                archive_record_send.apply_async(args=[record_id])
            except Exception:
                logger.exception("Archive record %s could not be sent in-process.", record_id)
                return False
        else:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=0)
                archive_record_send.apply_async(
                    args=[record_id], connection=connection, retry=False
                )
    except QUEUE_ERRORS:
        logger.warning("Archive record %s could not be queued; kept for later.", record_id)
        return False
    return True
