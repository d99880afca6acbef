"""The archive outbox: one row per record (journalpost) the portal must send to the
county's Noark 5 archive, with its state, attempts, failures and the archive's receipt."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.permissions import in_followed_programmes, leader_municipality_ids, user_is_active
from ilag import events

# A record sent without a receipt may be sent again after this long (ArchiveRecord.can_retry).
RESEND_AFTER = datetime.timedelta(days=1)


class ArchiveRecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Advisers see the records of the programmes they follow; a project leader the
        records of his municipalities' agreements and projects, except the county's
        internal payment orders and committee reports; nobody else any."""
        if not user_is_active(user):
            return self.none()
        if user.is_adviser:
            return in_followed_programmes(self, user, "programme")
        own_ids = leader_municipality_ids(user)
        if own_ids:
            return self.filter(
                Q(agreement__municipalities__in=own_ids) | Q(project__municipalities__in=own_ids),
                kind__in=ArchiveRecord.MUNICIPALITY_KINDS,
            ).distinct()
        return self.none()

    def unfinished(self):
        """Not received by the archive nor archived by hand."""
        return self.exclude(status__in=ArchiveRecord.DONE)

    def needing_attention(self):
        """What an adviser acts on: failed, or still waiting."""
        return self.filter(
            status__in=(
                ArchiveRecord.Status.FAILED,
                ArchiveRecord.Status.WAITING,
                ArchiveRecord.Status.SENDING,
            )
        )


class ArchiveRecord(models.Model):
    """A document to be archived as a record in a case folder: queued when its event
    commits, sent once per external key (the archive treats a second send with the same
    key as the same record), and closed by the archive's receipt or by hand."""

    class Kind(models.TextChoices):
        AGREEMENT_SIGNED = events.AGREEMENT_SIGNED, _("Signed cooperation agreement")
        ADDENDUM_SIGNED = events.ADDENDUM_SIGNED, _("Signed addendum")
        PROJECT_APPROVED = events.PROJECT_APPROVED, _("Grant decision")
        CHANGE_APPROVED = events.CHANGE_APPROVED, _("Change decision")
        FINAL_REPORT_APPROVED = events.FINAL_REPORT_APPROVED, _("Approved final report")
        COMMITTEE_REPORT_FINAL = events.COMMITTEE_REPORT_FINAL, _("Final report to the committee")
        PAYMENT_ORDER_MADE = events.PAYMENT_ORDER_MADE, _("Payment order")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        RECEIVED = "received", _("Received")
        FAILED = "failed", pgettext_lazy("archive record", "Failed")
        BY_HAND = "by_hand", _("Archived by hand")

    DONE = (Status.RECEIVED, Status.BY_HAND)
    # What a municipality's project leader may follow: what was sent to or from it.
    MUNICIPALITY_KINDS = (
        Kind.AGREEMENT_SIGNED,
        Kind.ADDENDUM_SIGNED,
        Kind.PROJECT_APPROVED,
        Kind.CHANGE_APPROVED,
        Kind.FINAL_REPORT_APPROVED,
    )

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    external_key = models.CharField(
        _("external key"),
        max_length=100,
        unique=True,
        help_text=_("The record's key in the archive; the same key is the same record."),
    )
    # The case folder (saksmappe): the agreement's, or the programme's for what covers
    # the whole programme (the reports to the committee).
    programme = models.ForeignKey(
        "agreements.Programme",
        on_delete=models.PROTECT,
        related_name="archive_records",
        verbose_name=_("programme"),
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="archive_records",
        verbose_name=_("cooperation agreement"),
    )
    # What the record is of (one of these, by kind); kept nullable so that the record
    # and its receipt outlive a row deleted by operations.
    addendum = models.ForeignKey(
        "agreements.AgreementAddendum",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="archive_records",
        verbose_name=_("addendum"),
    )
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="archive_records",
        verbose_name=_("project"),
    )
    change_request = models.ForeignKey(
        "projects.ChangeRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="archive_records",
        verbose_name=_("change request"),
    )
    progress_report = models.ForeignKey(
        "projects.ProgressReport",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="archive_records",
        verbose_name=_("status report"),
    )
    report_order = models.ForeignKey(
        "reports.ReportOrder",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="archive_records",
        verbose_name=_("PDF report"),
    )
    payout = models.ForeignKey(
        "payouts.Payout",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="archive_records",
        verbose_name=_("payout"),
    )
    case_key = models.CharField(_("case folder key"), max_length=100)
    case_title = models.CharField(_("case folder title"), max_length=300)
    title = models.CharField(_("title"), max_length=300)
    record_type = models.CharField(_("record type"), max_length=1)
    document_date = models.DateField(_("document date"))
    political_case_number = models.CharField(_("political case number"), max_length=20, blank=True)
    # What the record says, in bokmål, taken when the event happened (the decision's
    # grant, the report's text): a resend days later carries the same content.
    content = models.JSONField(_("content"), default=dict, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.WAITING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("reason for the failure"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    received_at = models.DateTimeField(_("received by the archive"), null=True, blank=True)
    # From the archive's receipt.
    case_system_id = models.CharField(
        _("case folder id in the archive"), max_length=100, blank=True
    )
    case_number = models.CharField(_("case number in the archive"), max_length=40, blank=True)
    record_system_id = models.CharField(_("record id in the archive"), max_length=100, blank=True)
    record_number = models.CharField(_("record number in the archive"), max_length=40, blank=True)
    receipt = models.TextField(_("receipt"), blank=True)
    # The files as archived: title, filename, size, sha256, mime type and where the
    # portal keeps the file («storage:name»; empty for a document made for the record).
    files = models.JSONField(_("files as archived"), default=list, blank=True)
    manual_reference = models.CharField(_("the archive's reference"), max_length=100, blank=True)
    manual_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("marked archived by"),
    )
    manual_at = models.DateTimeField(_("marked archived"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ArchiveRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("archive record")
        verbose_name_plural = _("archive records")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="archive_status_next")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="by_hand") | Q(manual_reference__gt=""),
                name="archive_record_by_hand_has_reference",
                violation_error_message=_("A record archived by hand has the archive's reference."),
            ),
            models.CheckConstraint(
                condition=Q(record_type__in=["I", "U", "X", "N"]),
                name="archive_record_type_known",
                violation_error_message=_("The record type is I, U, X or N."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        """The page of what was archived."""
        if self.report_order_id and self.kind == self.Kind.COMMITTEE_REPORT_FINAL:
            return self.report_order.get_absolute_url()
        if self.payout_id:
            return self.payout.get_absolute_url()
        if self.progress_report_id:
            return self.progress_report.get_absolute_url()
        if self.change_request_id:
            return self.change_request.get_absolute_url()
        if self.project_id:
            return self.project.get_absolute_url()
        if self.agreement_id:
            return self.agreement.get_absolute_url()
        return self.programme.get_absolute_url()

    @property
    def is_done(self) -> bool:
        return self.status in self.DONE

    @property
    def can_retry(self) -> bool:
        """Failed or waiting; sent without a receipt only after a day (a receipt takes
        its time: sending again at once only asks the archive the same question)."""
        if self.status == self.Status.SENT:
            return self.sent_at is None or self.sent_at < timezone.now() - RESEND_AFTER
        return self.status in (self.Status.FAILED, self.Status.WAITING)
