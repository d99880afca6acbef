import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.permissions import leader_municipality_ids, user_is_active
from agreements.models import Agreement, Programme
from ilag.files import milestone_document_upload_to
from ilag.formats import dato
from ilag.review import ReviewedReport
from projects.models import Project

DUE_SOON_DAYS = 30


class MilestoneQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A milestone is as visible as the programme, agreement or project it belongs to."""
        if not user_is_active(user):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            Q(programme__in=Programme.objects.visible_to(user).values("pk"))
            | Q(agreement__in=Agreement.objects.visible_to(user).values("pk"))
            | Q(project__in=Project.objects.visible_to(user).values("pk"))
        )

    def open(self):
        return self.filter(status=Milestone.Status.PLANNED)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.open().filter(due_date__lt=today)


class Milestone(models.Model):
    class Kind(models.TextChoices):
        STARTUP_NOTE = "oppstartsnotat", _("Start-up note")
        CONTINUOUS_EVALUATION = "folgeevaluering", _("Continuous evaluation")
        MIDTERM_EVALUATION = "midtveisevaluering", _("Mid-term evaluation")
        MIDTERM_REPORT = "midtveisrapport", _("Mid-term report")
        FINAL_EVALUATION = "sluttevaluering", _("Final evaluation")
        FINAL_REPORT = "sluttrapport", _("Final report")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Not delivered")
        DELIVERED = "delivered", _("Delivered")
        APPROVED = "approved", _("Approved")

    programme = models.ForeignKey(
        "agreements.Programme",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("programme"),
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("cooperation agreement"),
    )
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("project"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="milestones",
        verbose_name=_("responsible"),
    )
    template = models.ForeignKey(
        "evaluations.MilestoneTemplate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="milestones",
        verbose_name=_("made from template"),
    )
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    delivered_document = models.FileField(
        _("delivered document"), upload_to=milestone_document_upload_to, blank=True
    )

    history = HistoricalRecords()
    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_date", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "template"],
                condition=Q(agreement__isnull=False, template__isnull=False),
                name="milestone_one_per_template_and_agreement",
                violation_error_message=_("The agreement already has this standard milestone."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(programme__isnull=False, agreement__isnull=True, project__isnull=True)
                    | Q(programme__isnull=True, agreement__isnull=False, project__isnull=True)
                    | Q(programme__isnull=True, agreement__isnull=True, project__isnull=False)
                ),
                name="milestone_belongs_to_exactly_one",
                violation_error_message=_(
                    "A milestone belongs to exactly one of: a programme, an agreement, a project."
                ),
            ),
        ]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("evaluations:milestone-detail", kwargs={"pk": self.pk})

    def clean(self):
        owners = [x for x in (self.programme_id, self.agreement_id, self.project_id) if x]
        if len(owners) != 1:
            raise ValidationError(
                {
                    "programme": _(
                        "A milestone belongs to exactly one of: a programme, an agreement, "
                        "a project."
                    )
                }
            )
        if self.status != self.Status.PLANNED and not self.delivered_on:
            raise ValidationError(
                {"delivered_on": _("A delivered or approved milestone needs its delivery date.")}
            )
        start = self.period_owner_start()
        if start and self.due_date and self.due_date < start:
            raise ValidationError(
                {
                    "due_date": _("The due date cannot be before the start (%(date)s).")
                    % {"date": dato(start)}
                }
            )
        programme = self.programme_of()
        if (
            programme is not None
            and self.kind
            and self.kind not in programme_milestone_kinds(programme)
        ):
            raise ValidationError(
                {
                    "kind": _("%(programme)s has no milestones of the kind «%(kind)s».")
                    % {"programme": programme, "kind": self.get_kind_display()}
                }
            )

    def period_owner_start(self):
        if self.agreement_id:
            return self.agreement.start_date
        if self.project_id:
            return self.project.start_date
        if self.programme_id:
            return self.programme.start_date
        return None

    def programme_of(self):
        if self.programme_id:
            return None  # programme-level milestones define the programme's kinds
        if self.agreement_id:
            return self.agreement.programme
        if self.project_id:
            return self.project.agreement.programme
        return None

    @property
    def is_report(self) -> bool:
        """A milestone delivered as a written report from the municipality."""
        return self.kind in REPORT_KINDS and not self.programme_id

    @property
    def label(self) -> str:
        return self.title or self.get_kind_display()

    @property
    def owner(self):
        return self.programme or self.agreement or self.project

    def display_state(self, today: datetime.date | None = None) -> str:
        """One of upcoming, due_soon, overdue, delivered, approved (for colour and text)."""
        if self.status == self.Status.APPROVED:
            return "approved"
        if self.status == self.Status.DELIVERED:
            return "delivered"
        today = today or timezone.localdate()
        if self.due_date < today:
            return "overdue"
        if (self.due_date - today).days <= DUE_SOON_DAYS:
            return "due_soon"
        return "upcoming"

    def display_state_label(self, today=None) -> str:
        return DISPLAY_STATE_LABELS[self.display_state(today)]


DISPLAY_STATE_LABELS = {
    "upcoming": _("Upcoming"),
    "due_soon": _("Due soon"),
    "overdue": _("Overdue"),
    "delivered": _("Delivered"),
    "approved": _("Approved"),
}


REPORT_KINDS = {
    Milestone.Kind.STARTUP_NOTE,
    Milestone.Kind.MIDTERM_REPORT,
    Milestone.Kind.FINAL_REPORT,
}


class MilestoneTemplate(models.Model):
    """A programme's standard milestone, made for every agreement: a number of months
    after the agreement starts, or on a fixed date."""

    programme = models.ForeignKey(
        "agreements.Programme",
        on_delete=models.CASCADE,
        related_name="milestone_templates",
        verbose_name=_("programme"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Milestone.Kind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    months_after_start = models.PositiveSmallIntegerField(
        _("months after the agreement starts"), null=True, blank=True
    )
    fixed_date = models.DateField(_("fixed date"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone template")
        verbose_name_plural = _("milestone templates")
        ordering = ["programme", "months_after_start", "fixed_date"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(months_after_start__isnull=False, fixed_date__isnull=True)
                    | Q(months_after_start__isnull=True, fixed_date__isnull=False)
                ),
                name="milestone_template_relative_or_fixed",
                violation_error_message=_(
                    "Give either months after the agreement starts or a fixed date, not both."
                ),
            ),
        ]

    def __str__(self):
        return self.title or self.get_kind_display()

    def due_date_for(self, agreement) -> datetime.date:
        if self.fixed_date:
            return self.fixed_date
        return add_months(agreement.start_date, self.months_after_start)


def programme_milestone_kinds(programme) -> set[str]:
    """The milestone kinds a programme uses: its templates' and its own milestones'
    kinds, and «other»."""
    kinds = set(programme.milestone_templates.values_list("kind", flat=True))
    kinds.update(programme.milestones.values_list("kind", flat=True))
    return kinds | {Milestone.Kind.OTHER}


def add_months(date: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it is shorter
    (31 January + 1 month = 28/29 February)."""
    month_index = date.month - 1 + months
    year, month = date.year + month_index // 12, month_index % 12 + 1
    return date.replace(
        year=year, month=month, day=min(date.day, calendar.monthrange(year, month)[1])
    )


class MilestoneReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Advisers see every report of their programmes; leaders every report of their
        own municipalities; everyone else approved reports of milestones they may see."""
        if not user_is_active(user):
            return self.none()
        visible = Milestone.objects.visible_to(user).values("pk")
        if user.is_adviser:
            return self.filter(milestone__in=visible)
        approved = Q(status=MilestoneReport.Status.APPROVED, milestone__in=visible)
        own_ids = leader_municipality_ids(user)
        if own_ids:
            own = Q(milestone__agreement__municipalities__in=own_ids) | Q(
                milestone__project__municipalities__in=own_ids
            )
            return self.filter(own | approved | Q(milestone__responsible=user)).distinct()
        return self.filter(approved)


class MilestoneReport(ReviewedReport):
    """The municipality's written report for a report milestone (e.g. midtveisrapport);
    the review workflow comes from `ReviewedReport`."""

    milestone = models.OneToOneField(
        Milestone, on_delete=models.CASCADE, related_name="report", verbose_name=_("milestone")
    )
    summary = models.TextField(_("summary"), blank=True)
    knowledge_sharing = models.TextField(
        _("how knowledge was shared"),
        blank=True,
        help_text=_("With the other municipalities, the county and «laget rundt»."),
    )
    continuation = models.TextField(
        _("how the work continues after the project period"), blank=True
    )
    effect_employment = models.IntegerField(_("effect on employment (jobs)"), null=True, blank=True)
    effect_in_movers_kept = models.IntegerField(
        _("effect on in-movers kept (persons)"), null=True, blank=True
    )
    effect_applicants_per_vacancy = models.DecimalField(
        _("effect on applicants per vacancy"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
    )
    effect_partner_participation = models.IntegerField(
        _("effect on partner participation (partners)"), null=True, blank=True
    )
    effect_external_funding = models.BigIntegerField(
        _("external funding triggered (NOK)"), null=True, blank=True
    )
    effect_comment = models.TextField(_("comment on the effects"), blank=True)
    history = HistoricalRecords()
    objects = MilestoneReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone report")
        verbose_name_plural = _("milestone reports")
        ordering = ["milestone__due_date"]

    def __str__(self):
        return str(self.milestone)

    def get_absolute_url(self):
        return reverse("evaluations:report-detail", kwargs={"pk": self.pk})

    def breadcrumbs(self) -> list[dict]:
        milestone = self.milestone
        owner = milestone.agreement or milestone.project
        return [*owner.breadcrumbs(), {"label": milestone.label, "url": self.get_absolute_url()}]


class MilestoneIndicatorResult(models.Model):
    """A result against one project indicator's target, in a milestone report."""

    report = models.ForeignKey(
        MilestoneReport,
        on_delete=models.CASCADE,
        related_name="indicator_results",
        verbose_name=_("report"),
    )
    indicator = models.ForeignKey(
        "projects.Indicator",
        on_delete=models.CASCADE,
        related_name="milestone_results",
        verbose_name=_("indicator"),
    )
    value = models.DecimalField(_("result"), max_digits=14, decimal_places=2)
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator result")
        verbose_name_plural = _("indicator results")
        ordering = ["report", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"],
                name="milestone_result_unique_per_indicator",
                violation_error_message=_("The report already has a result for this indicator."),
            ),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.value}"


class Reminder(models.Model):
    """A deadline reminder that was sent: the record that makes sending idempotent."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("Before the deadline")
        DUE = "due", _("On the day")
        OVERDUE = "overdue", _("Overdue")
        ADVISER_OVERDUE = "adviser_overdue", _("Overdue (to the adviser)")

    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("milestone")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Days before the due date (before), 0 (due), or weeks overdue (overdue): with the
    # due date it names the one occasion this reminder is for.
    step = models.PositiveSmallIntegerField(_("step"))
    due_date = models.DateField(_("due date when sent"))
    email = models.EmailField(_("sent to"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "recipient", "kind", "step", "due_date"],
                name="reminder_sent_once_per_occasion",
            ),
        ]

    def __str__(self):
        return f"{self.milestone} → {self.recipient} ({self.kind} {self.step})"
