"""PDF reports ordered in the portal and rendered in the background: project and
municipality reports, reports to the committee, and payment orders."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Role
from accounts.permissions import in_followed_programmes, leader_municipality_ids, user_is_active
from agreements.models import Programme
from ilag.files import report_file_upload_to, reports_storage


class ReportOrderQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Advisers see the orders of the programmes they follow; a leader those he
        ordered or that cover his municipalities' projects; committee readers the final
        reports to the committee of programmes they may see; partners none."""
        if not user_is_active(user):
            return self.none()
        if user.is_adviser:
            return in_followed_programmes(self, user, "programme")
        own_ids = leader_municipality_ids(user)
        if own_ids:
            # A payment order is the county's internal order; the municipality sees the
            # payout on the request's page.
            return (
                self.exclude(kind=ReportOrder.Kind.PAYMENT_ORDER)
                .filter(
                    Q(ordered_by=user)
                    | Q(project__municipalities__in=own_ids)
                    | Q(municipality__in=own_ids)
                )
                .distinct()
            )
        if user.has_role(Role.COMMITTEE_READER):
            # What the committee was given: final reports to the committee, nothing else
            # (ad-hoc and unfinished orders are the advisers' own work).
            return self.filter(
                kind=ReportOrder.Kind.PROGRAMME,
                status=ReportOrder.Status.READY,
                is_final=True,
                programme__in=Programme.objects.visible_to(user).values("pk"),
            )
        return self.none()


class ReportOrder(models.Model):
    """An ordered PDF status report: what it covers, who ordered it, when the data were
    taken, and the file once rendered. A final committee report never changes."""

    class Kind(models.TextChoices):
        # Not «status report»: that is the project leader's report (projects.ProgressReport).
        PROJECT = "project", _("Project report (PDF)")
        MUNICIPALITY = "municipality", _("Municipality report (PDF)")
        PROGRAMME = "programme", _("Report to the committee")
        PAYMENT_ORDER = "payment_order", _("Payment order")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    programme = models.ForeignKey(
        "agreements.Programme",
        on_delete=models.PROTECT,
        related_name="report_orders",
        verbose_name=_("programme"),
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_orders",
        verbose_name=_("municipality"),
    )
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_orders",
        verbose_name=_("project"),
    )
    payout = models.ForeignKey(
        "payouts.Payout",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment_orders",
        verbose_name=_("payout"),
    )
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="report_orders",
        verbose_name=_("ordered by"),
    )
    ordered_at = models.DateTimeField(_("ordered"), auto_now_add=True)
    data_cutoff = models.DateTimeField(
        _("data taken at"), null=True, blank=True, help_text=_("When the figures were read.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    failure_reason = models.TextField(_("reason for the failure"), blank=True)
    queue_delayed = models.BooleanField(
        _("waiting for the queue"),
        default=False,
        help_text=_("The queue could not be reached when ordered; it is picked up later."),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    file = models.FileField(
        _("file"), upload_to=report_file_upload_to, storage=reports_storage, blank=True
    )
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    meeting_date = models.DateField(_("meeting date"), null=True, blank=True)
    meeting_organ = models.CharField(_("committee"), max_length=200, blank=True)
    case_number = models.CharField(_("case number"), max_length=20, blank=True)
    assessment = models.TextField(
        _("adviser's assessment"),
        blank=True,
        help_text=_(
            "The county's assessment of the programme's state, for the committee; printed on "
            "the report's first page."
        ),
    )
    proposed_decision = models.TextField(
        _("proposed decision"),
        blank=True,
        help_text=_("Optional: the decision the administration proposes to the committee."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The report is written in the language of the one who ordered it."),
    )
    is_final = models.BooleanField(
        _("final"),
        default=False,
        help_text=_("A final report is what the committee was shown; it is never changed."),
    )

    # The table and its history kept their names when the reports left evaluations.
    history = HistoricalRecords(table_name="evaluations_historicalreportorder")
    objects = ReportOrderQuerySet.as_manager()

    class Meta:
        db_table = "evaluations_reportorder"
        verbose_name = _("report order")
        verbose_name_plural = _("report orders")
        ordering = ["-ordered_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="project", project__isnull=False, municipality__isnull=True)
                    | Q(kind="municipality", project__isnull=True, municipality__isnull=False)
                    | Q(kind="programme", project__isnull=True, municipality__isnull=True)
                    | Q(kind="payment_order", project__isnull=False, municipality__isnull=True)
                )
                & (Q(kind="payment_order", payout__isnull=False) | Q(payout__isnull=True)),
                name="report_order_target_matches_kind",
                violation_error_message=_("The report's subject does not match its kind."),
            ),
            models.CheckConstraint(
                condition=Q(is_final=False) | Q(status="ready"),
                name="report_order_final_only_when_ready",
                violation_error_message=_("Only a finished report can be marked final."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject_name}"

    def get_absolute_url(self):
        return reverse("reports:detail", kwargs={"pk": self.pk})

    @property
    def subject_name(self) -> str:
        if self.payout_id:
            return f"{self.project.title_with_municipality} · {self.payout.reference}"
        if self.project_id:
            return self.project.title_with_municipality
        if self.municipality_id:
            return f"{self.municipality} ({self.programme})"
        return str(self.programme)


class ChangeRecord(models.Model):
    """One entry of the change history («Endringslogg»): a historical row of an audited
    model that changed something shown, with what it changed and the pages that show it.

    Written by `reports.history_index` as each historical row is written, so that a page
    reads the entries it shows in one indexed query instead of every historical row of
    every table that feeds it. The scope columns are plain ids, not foreign keys: the
    history outlives the rows it is about.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        CHANGED = "changed", _("changed")
        DELETED = "deleted", _("deleted")

    model = models.CharField(_("model"), max_length=100)  # the audited model's label_lower
    history_id = models.PositiveBigIntegerField(_("historical row"))
    object_id = models.PositiveBigIntegerField(_("object"))
    history_date = models.DateTimeField(_("time"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    history_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    # [[field name, old raw value, new raw value], ...] in the model's field order; the
    # values as stored (many-to-many fields as sorted lists of ids), shown when read.
    changes = models.JSONField(_("changes"), default=list)
    # The raw values the entry's description needs (a budget line's year and category, a
    # document's file name, ...), by attribute name.
    subject = models.JSONField(_("subject"), default=dict)
    # It changed nothing but fields only the county and the municipality see.
    internal_only = models.BooleanField(_("internal only"), default=False)
    # The pages that show the entry.
    project_id = models.PositiveBigIntegerField(_("project"), null=True, blank=True)
    agreement_id = models.PositiveBigIntegerField(_("agreement"), null=True, blank=True)
    progress_report_id = models.PositiveBigIntegerField(_("status report"), null=True, blank=True)
    milestone_id = models.PositiveBigIntegerField(_("milestone"), null=True, blank=True)

    class Meta:
        verbose_name = _("change history entry")
        verbose_name_plural = _("change history entries")
        constraints = [
            models.UniqueConstraint(fields=["model", "history_id"], name="change_record_once"),
        ]
        # One per page, in the order the page reads them (newest first).
        indexes = [
            models.Index(
                fields=["project_id", "-history_date", "-id"], name="change_record_project"
            ),
            models.Index(
                fields=["agreement_id", "-history_date", "-id"], name="change_record_agreement"
            ),
            models.Index(
                fields=["progress_report_id", "-history_date", "-id"], name="change_record_report"
            ),
            models.Index(
                fields=["milestone_id", "-history_date", "-id"], name="change_record_milestone"
            ),
        ]

    def __str__(self):
        return f"{self.model} {self.object_id} ({self.kind}, {self.history_date:%Y-%m-%d %H:%M})"
