"""Celery tasks that render the ordered PDF reports, and sending orders to the queue
(report_order_create in reports/services.py queues each new order on commit)."""

import datetime
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from ilag import events
from ilag.events import archivable_event
from ilag.files import report_file_upload_to, reports_storage, store_whole
from reports.models import ReportOrder
from reports.reporting import ReportNotAvailable, ReportSubject, render_report

logger = logging.getLogger(__name__)

SOFT_TIME_LIMIT = 300
TIME_LIMIT = 330
# Renders that stopped (the worker died, or the task was retried) before giving up.
MAX_ATTEMPTS = 3
REQUEUE_AFTER = datetime.timedelta(minutes=2)
# The database went away for a moment: worth another try.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
MAX_RETRIES = 2


@shared_task(
    name="reports.tasks.report_order_render",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=MAX_RETRIES,
    retry_backoff=5,
    retry_jitter=True,
)
def report_order_render(self, order_id: int) -> str:
    """Render the order's PDF once. A ready or failed order is left alone, and so is one
    another worker is rendering; one rendering for longer than the hard time limit (its
    worker died) is taken over. The outcome is recorded on the order."""
    with translation.override("nb"):
        order = _claim(order_id)
        if order is None:
            return "skipped"
        # The failure reasons are read by the one who ordered, in his or her language.
        translation.activate(order.language or "nb")
        try:
            if order.ordered_by_id is None:
                raise ReportNotAvailable(_("The user who ordered the report no longer exists."))
            rendered, cutoff = render_report(
                ReportSubject.of(order), user=order.ordered_by, order=order
            )
        except SoftTimeLimitExceeded:
            return _fail(
                order,
                _(
                    "The report could not be made because it took too long (more than "
                    "%(minutes)s minutes). Try again later, or contact operations."
                )
                % {"minutes": SOFT_TIME_LIMIT // 60},
            )
        except ReportNotAvailable as error:
            return _fail(
                order,
                _("The report could not be made: %(reason)s Try again, or contact operations.")
                % {"reason": error},
            )
        except TRANSIENT_ERRORS:
            if self.request.retries < MAX_RETRIES:
                _back_to_queue(order)
                raise  # autoretry_for sends it again after a pause
            logger.exception("Report order %s: the database did not answer.", order_id)
            return _fail(
                order,
                _(
                    "The report could not be made because the database did not answer. "
                    "Try again, or contact operations."
                ),
            )
        except Exception:
            logger.exception("Report order %s could not be rendered.", order_id)
            return _fail(
                order,
                _(
                    "The report could not be made because of an error while the PDF was "
                    "being laid out. Try again, or contact operations."
                ),
            )
        try:
            name = store_whole(
                reports_storage(), report_file_upload_to(order, "rapport.pdf"), rendered.content
            )
        except Exception:
            logger.exception("Report order %s: the PDF could not be stored.", order_id)
            return _fail(
                order,
                _(
                    "The report could not be made because the file could not be stored. "
                    "Try again, or contact operations."
                ),
            )
        return _finish(
            order, name=name, pages=rendered.pages, size=len(rendered.content), cutoff=cutoff
        )


def _claim(order_id: int) -> ReportOrder | None:
    """Take the order for rendering, or None when there is nothing to do."""
    now = timezone.now()
    with transaction.atomic():
        order = (
            ReportOrder.objects.select_for_update(of=("self",))
            .select_related("programme", "municipality", "project", "ordered_by")
            .filter(pk=order_id)
            .first()
        )
        if order is None or order.status in (ReportOrder.Status.READY, ReportOrder.Status.FAILED):
            return None
        if (
            order.status == ReportOrder.Status.RENDERING
            and order.started_at
            and (order.started_at > now - datetime.timedelta(seconds=TIME_LIMIT))
        ):
            return None  # another worker is on it
        if order.attempts >= MAX_ATTEMPTS:
            _record_failure(
                order,
                _(
                    "The report could not be made because the work stopped %(count)s times "
                    "before it was done. Try again, or contact operations."
                )
                % {"count": order.attempts},
            )
            return None
        order.status = ReportOrder.Status.RENDERING
        order.started_at = now
        order.finished_at = None
        order.data_cutoff = now
        order.attempts += 1
        order.queue_delayed = False
        order.failure_reason = ""
        order.save()
    return order


def _still_ours(order: ReportOrder) -> ReportOrder | None:
    """The row, locked, if it is still the rendering this task claimed."""
    row = ReportOrder.objects.select_for_update().filter(pk=order.pk).first()
    if (
        row is None
        or row.status != ReportOrder.Status.RENDERING
        or row.started_at != order.started_at
    ):
        return None
    return row


def _finish(order: ReportOrder, *, name: str, pages: int, size: int, cutoff) -> str:
    with transaction.atomic():
        row = _still_ours(order)
        if row is None:
            # Taken over meanwhile: this file is nobody's.
            transaction.on_commit(lambda: reports_storage().delete(name))
            return "skipped"
        row.status = ReportOrder.Status.READY
        row.file.name = name
        row.pages = pages
        row.size = size
        row.data_cutoff = cutoff
        row.finished_at = timezone.now()
        row.failure_reason = ""
        row.save()
        if row.kind == ReportOrder.Kind.PAYMENT_ORDER:
            archivable_event(events.PAYMENT_ORDER_MADE, row)
    return "ready"


def _record_failure(row: ReportOrder, reason: str) -> None:
    row.status = ReportOrder.Status.FAILED
    row.failure_reason = reason
    row.finished_at = timezone.now()
    row.save()


def _fail(order: ReportOrder, reason: str) -> str:
    with transaction.atomic():
        row = _still_ours(order)
        if row is not None:
            _record_failure(row, reason)
    return "failed"


def _back_to_queue(order: ReportOrder) -> None:
    try:
        with transaction.atomic():
            row = _still_ours(order)
            if row is not None:
                row.status = ReportOrder.Status.QUEUED
                row.save()
    except TRANSIENT_ERRORS:
        pass  # the requeue task finds it once its time limit has passed


@shared_task(
    name="reports.tasks.report_orders_requeue",
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
)
def report_orders_requeue() -> int:
    """Queue again the orders still waiting after two minutes (the queue was down when
    they were made, or the message was lost) and those whose worker died; returns how
    many were sent. Safe to run twice: rendering checks each order's state first."""
    sent = 0
    for order in report_orders_due_for_requeue().order_by("ordered_at", "pk"):
        if not report_order_queue(order=order):
            break  # the queue is still down; the next run tries again
        sent += 1
    return sent


# Queuing (report_order_create queues on commit; the beat task re-queues) -----------

# What a broker that cannot be reached raises when a task is sent.
QUEUE_ERRORS = (KombuOperationalError, RedisError, ConnectionError, OSError, TimeoutError)


def report_order_queue(*, order: ReportOrder) -> bool:
    """Send the order to the queue; on a broker that cannot be reached, mark it
    `queue_delayed` (report_orders_requeue sends it later) and return False."""
    app = report_order_render.app
    try:
        if app.conf.task_always_eager:
            report_order_render.apply_async(args=[order.pk])
        else:
            # Connect once, without kombu's reconnect loop (which would hold the user's
            # request for seconds), and publish without retrying.
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=0)
                report_order_render.apply_async(args=[order.pk], connection=connection, retry=False)
    except QUEUE_ERRORS:
        logger.warning("Report order %s could not be queued; kept for later.", order.pk)
        _set_queue_delayed(order, True)
        return False
    return True


def _set_queue_delayed(order: ReportOrder, delayed: bool) -> None:
    with transaction.atomic():
        row = ReportOrder.objects.select_for_update().filter(pk=order.pk).first()
        if row is not None and row.status == ReportOrder.Status.QUEUED:
            if row.queue_delayed != delayed:
                row.queue_delayed = delayed
                row.save(update_fields=["queue_delayed"])
    order.queue_delayed = delayed


def report_orders_due_for_requeue(*, now=None, queued_for=None, rendering_for=None):
    """Orders waiting in vain: still queued after `queued_for` (the queue was down or the
    message lost), or rendering for longer than the task's hard time limit (the worker
    died)."""
    now = now or timezone.now()
    queued_for = queued_for or REQUEUE_AFTER
    rendering_for = rendering_for or datetime.timedelta(seconds=TIME_LIMIT + 30)
    return ReportOrder.objects.filter(
        Q(status=ReportOrder.Status.QUEUED, ordered_at__lte=now - queued_for)
        | Q(status=ReportOrder.Status.RENDERING, started_at__lte=now - rendering_for)
    )
