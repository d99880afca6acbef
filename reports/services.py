"""Ordering PDF reports, queuing them, storing the finished file, marking it final."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ilag import events
from ilag.events import archivable_event
from ilag.files import reports_storage
from ilag.validators import case_number_validator
from reports.models import ReportOrder
from reports.permissions import can_mark_report_final, can_order_report
from reports.tasks import report_order_queue

logger = logging.getLogger(__name__)


class FinalReportError(ValidationError):
    """A final report is never changed or deleted."""


def order_language(user) -> str:
    """A report is written in the language its orderer reads the portal in."""
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


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
    assessment: str = "",
    proposed_decision: str = "",
) -> ReportOrder:
    """Store the order and queue it once the order is committed. If the queue cannot be
    reached the order is kept with `queue_delayed=True` (read it on the returned object
    after the outermost transaction has committed). A report to the committee carries the
    adviser's assessment and, optionally, a proposed decision on its first page."""
    if not can_order_report(
        user, kind=kind, programme=programme, municipality=municipality, project=project
    ):
        raise PermissionDenied(_("You may not order this report."))
    if kind != ReportOrder.Kind.PROGRAMME and (meeting_date or meeting_organ or case_number):
        raise ValidationError(
            {
                "meeting_organ": _(
                    "Meeting and case number belong to a report to the committee only."
                )
            }
        )
    if (assessment.strip() or proposed_decision.strip()) and not (
        kind == ReportOrder.Kind.PROGRAMME and user.is_adviser
    ):
        raise ValidationError(
            {"assessment": _("An adviser's assessment belongs to a report to the committee.")}
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
        language=order_language(user),
        meeting_date=meeting_date,
        meeting_organ=meeting_organ.strip(),
        case_number=case_number.strip(),
        assessment=assessment.strip(),
        proposed_decision=proposed_decision.strip(),
    )
    order.full_clean()
    order.save()
    transaction.on_commit(lambda: report_order_queue(order=order))
    return order


@transaction.atomic
def report_order_mark_final(
    *,
    order: ReportOrder,
    user,
    meeting_date=None,
    case_number: str = "",
    meeting_organ: str = "",
) -> ReportOrder:
    """Mark a ready programme report as the one the committee was shown; from then on it
    is never changed or deleted. Committee, meeting date and case number are set if not
    already; a final report has a committee and a meeting date (the committee's list is
    grouped by them) and the adviser's assessment (printed on its first page)."""
    row = ReportOrder.objects.select_for_update().get(pk=order.pk)
    if row.is_final:
        raise FinalReportError(_("The report is already final and cannot be changed."))
    if not can_mark_report_final(user, row):
        raise PermissionDenied(_("You may not mark this report as final."))
    if row.status != ReportOrder.Status.READY:
        raise ValidationError(_("Only a finished report can be marked final."))
    if not row.assessment:
        raise FinalReportError(
            _(
                "The report has no adviser's assessment, so it cannot go to the committee. "
                "Order it again with the assessment written."
            )
        )
    if meeting_organ.strip() and not row.meeting_organ:
        row.meeting_organ = meeting_organ.strip()
    if meeting_date and not row.meeting_date:
        row.meeting_date = meeting_date
    if case_number.strip() and not row.case_number:
        case_number_validator(case_number.strip())
        row.case_number = case_number.strip()
    missing = {}
    if not row.meeting_organ:
        missing["meeting_organ"] = _("Give the committee the report goes to.")
    if not row.meeting_date:
        missing["meeting_date"] = _("Give the date of the meeting.")
    if missing:
        raise ValidationError(missing)
    row.is_final = True
    row.full_clean()
    row._change_reason = _("Marked final by %(user)s") % {"user": user}
    row.save()
    archivable_event(events.COMMITTEE_REPORT_FINAL, row)
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


@transaction.atomic
def payment_order_create(*, payout, user) -> ReportOrder:
    """The payment order (utbetalingsanvisning) for an ordered payout, as a PDF made in
    the background like the other reports. One per payout: asked again, the existing
    one is returned (a failed one is queued again)."""
    existing = ReportOrder.objects.filter(
        kind=ReportOrder.Kind.PAYMENT_ORDER, payout=payout
    ).first()
    if existing is not None:
        if existing.status == ReportOrder.Status.FAILED:
            existing.status = ReportOrder.Status.QUEUED
            existing.failure_reason = ""
            existing.save(update_fields=["status", "failure_reason"])
            transaction.on_commit(lambda: report_order_queue(order=existing))
        return existing
    order = ReportOrder(
        kind=ReportOrder.Kind.PAYMENT_ORDER,
        programme=payout.project.agreement.programme,
        project=payout.project,
        payout=payout,
        ordered_by=user,
        language=order_language(user),
    )
    order.full_clean()
    order.save()
    transaction.on_commit(lambda: report_order_queue(order=order))
    return order
