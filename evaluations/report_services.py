"""Ordering PDF status reports, queuing them, storing the finished file, marking it final."""

import datetime
import logging
import os
import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from evaluations.models import ReportOrder, report_file_upload_to, reports_storage
from evaluations.permissions import can_mark_report_final, can_order_report
from ilag.validators import case_number_validator

logger = logging.getLogger(__name__)

# What a broker that cannot be reached raises when a task is sent.
QUEUE_ERRORS = (KombuOperationalError, RedisError, ConnectionError, OSError, TimeoutError)


class FinalReportError(ValidationError):
    """A final report is never changed or deleted."""


def report_order_queue(*, order: ReportOrder) -> bool:
    """Send the order to the queue; on a broker that cannot be reached, mark it
    `queue_delayed` (report_orders_requeue sends it later) and return False."""
    from evaluations.tasks_reports import report_order_render

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


@transaction.atomic
def report_order_create(
    *,
    user,
    kind: str,
    programme,
    municipality=None,
    project=None,
    meeting_date=None,
    meeting_organ: str = "",
    case_number: str = "",
) -> ReportOrder:
    """Store the order and queue it once the order is committed. If the queue cannot be
    reached the order is kept with `queue_delayed=True` (read it on the returned object
    after the outermost transaction has committed)."""
    if not can_order_report(
        user, kind=kind, programme=programme, municipality=municipality, project=project
    ):
        raise PermissionDenied(_("You may not order this report."))
    if kind != ReportOrder.Kind.PROGRAMME and (meeting_date or meeting_organ or case_number):
        raise ValidationError(
            {"meeting_organ": _("Meeting and case number belong to programme reports only.")}
        )
    if case_number.strip():
        try:
            case_number_validator(case_number.strip())
        except ValidationError as error:
            raise ValidationError({"case_number": error.messages}) from error
    order = ReportOrder(
        kind=kind,
        programme=programme,
        municipality=municipality if kind == ReportOrder.Kind.MUNICIPALITY else None,
        project=project if kind == ReportOrder.Kind.PROJECT else None,
        ordered_by=user,
        meeting_date=meeting_date,
        meeting_organ=meeting_organ.strip(),
        case_number=case_number.strip(),
    )
    order.full_clean()
    order.save()
    transaction.on_commit(lambda: report_order_queue(order=order))
    return order


def report_file_store(*, order: ReportOrder, content: bytes) -> str:
    """Store the finished PDF under a new generated name, whole or not at all, and
    return the name. On local disk the bytes go to a temporary file in the same folder
    that is renamed into place, so a half-written file is never visible."""
    storage = reports_storage()
    name = storage.generate_filename(report_file_upload_to(order, "rapport.pdf"))
    if isinstance(storage, FileSystemStorage):
        name = storage.get_available_name(name)
        path = Path(storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            if storage.file_permissions_mode is not None:
                os.chmod(temporary, storage.file_permissions_mode)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return name
    # Object stores write an object in one request: it exists whole or not at all.
    return storage.save(name, ContentFile(content))


@transaction.atomic
def report_order_mark_final(
    *, order: ReportOrder, user, meeting_date=None, case_number: str = ""
) -> ReportOrder:
    """Mark a ready programme report as the one the committee was shown; from then on it
    is never changed or deleted. Meeting date and case number are set if not already."""
    row = ReportOrder.objects.select_for_update().get(pk=order.pk)
    if row.is_final:
        raise FinalReportError(_("The report is already final and cannot be changed."))
    if not can_mark_report_final(user, row):
        raise PermissionDenied(_("You may not mark this report as final."))
    if row.status != ReportOrder.Status.READY:
        raise ValidationError(_("Only a finished report can be marked final."))
    if meeting_date and not row.meeting_date:
        row.meeting_date = meeting_date
    if case_number.strip() and not row.case_number:
        case_number_validator(case_number.strip())
        row.case_number = case_number.strip()
    row.is_final = True
    row.full_clean()
    row._change_reason = _("Marked final by %(user)s") % {"user": user}
    row.save()
    return row


def report_order_guard_unchanged(order: ReportOrder) -> None:
    """Refuse any change to a final report (used by every write on orders)."""
    if order.pk and ReportOrder.objects.filter(pk=order.pk, is_final=True).exists():
        raise FinalReportError(_("The report is final and cannot be changed or deleted."))


@transaction.atomic
def report_order_delete(*, order: ReportOrder) -> None:
    """Delete an order that is not final, with its file."""
    report_order_guard_unchanged(order)
    name = order.file.name
    order.delete()
    if name:
        transaction.on_commit(lambda: reports_storage().delete(name))


def report_orders_due_for_requeue(*, now=None, queued_for=None, rendering_for=None):
    """Orders waiting in vain: still queued after `queued_for` (the queue was down or the
    message lost), or rendering for longer than the task's hard time limit (the worker
    died)."""
    from evaluations.tasks_reports import REQUEUE_AFTER, TIME_LIMIT

    now = now or timezone.now()
    queued_for = queued_for or REQUEUE_AFTER
    rendering_for = rendering_for or datetime.timedelta(seconds=TIME_LIMIT + 30)
    return ReportOrder.objects.filter(
        Q(status=ReportOrder.Status.QUEUED, ordered_at__lte=now - queued_for)
        | Q(status=ReportOrder.Status.RENDERING, started_at__lte=now - rendering_for)
    )
