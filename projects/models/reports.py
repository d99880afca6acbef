from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.permissions import leader_municipality_ids, user_is_active
from ilag.formats import dato
from ilag.review import ReviewedReport
from projects.models.core import Project


class ProgressReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Advisers see every report of their programmes; a leader every report of his
        municipalities' projects; everyone else only approved reports of projects they
        may see (never a draft, a submitted or a returned one)."""
        if not user_is_active(user):
            return self.none()
        visible_projects = Project.objects.visible_to(user).values("pk")
        if user.is_adviser:
            return self.filter(project__in=visible_projects)
        approved = Q(status=ProgressReport.Status.APPROVED, project__in=visible_projects)
        own_ids = leader_municipality_ids(user)
        if own_ids:
            own = Project.objects.filter(municipalities__in=own_ids).values("pk")
            return self.filter(Q(project__in=own) | approved)
        return self.filter(approved)

    def approved(self):
        return self.filter(status=ProgressReport.Status.APPROVED)


class ProgressReport(ReviewedReport):
    """A status report (statusrapport) on a project for a period; the review workflow
    (status, who submitted and reviewed when, version) comes from `ReviewedReport`."""

    class TrafficLight(models.TextChoices):
        GREEN = "green", _("Green – on track")
        YELLOW = "yellow", _("Yellow – at risk")
        RED = "red", _("Red – off track")

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="progress_reports",
        verbose_name=_("project"),
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    traffic_light = models.CharField(
        _("status light"), max_length=10, choices=TrafficLight.choices, blank=True
    )
    traffic_light_reason = models.TextField(_("reason for the status light"), blank=True)
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    achieved = models.TextField(_("achieved in the period"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    risks = models.TextField(_("risks"), blank=True)
    is_final = models.BooleanField(
        _("final report"),
        default=False,
        help_text=_(
            "The project's last report, on the whole period: when the county approves it, "
            "the project can be closed."
        ),
    )
    lesson_learned = models.TextField(
        _("lesson worth sharing"),
        blank=True,
        help_text=_("Something the other municipalities in the network can learn from."),
    )
    history = HistoricalRecords()
    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        ordering = ["-period_end", "-pk"]
        indexes = [
            # Each project's latest approved report (the figures, the status light).
            models.Index(
                "project",
                F("period_end").desc(),
                F("id").desc(),
                condition=Q(status="approved"),
                name="report_latest_approved",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="progress_report_period_end_not_before_start",
                violation_error_message=_("The end of the period cannot be before its start."),
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__lte=100),
                name="progress_report_percent_max_100",
                violation_error_message=_("Percent complete runs from 0 to 100."),
            ),
        ]

    def __str__(self):
        return _("Status report %(start)s–%(end)s") % {
            "start": dato(self.period_start),
            "end": dato(self.period_end),
        }

    def get_absolute_url(self):
        return reverse("projects:report-detail", kwargs={"pk": self.pk})

    def breadcrumbs(self) -> list[dict]:
        return [*self.project.breadcrumbs(), {"label": str(self), "url": self.get_absolute_url()}]

    def clean(self):
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The end of the period cannot be before its start.")
        if self.project_id and self.period_start and self.period_end:
            project = self.project
            if self.period_start < project.start_date or self.period_end > project.end_date:
                errors.setdefault(
                    "period_start",
                    _("The period must lie within the project period (%(start)s–%(end)s).")
                    % {"start": dato(project.start_date), "end": dato(project.end_date)},
                )
        if errors:
            raise ValidationError(errors)

    def costs_total(self) -> int:
        return sum(cost.amount for cost in self.costs.all())


class ReportCost(models.Model):
    """Costs incurred on the project so far, per cost category, as of the report."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="costs", verbose_name=_("report")
    )
    category = models.ForeignKey(
        "agreements.CostCategory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cost category"),
    )
    amount = models.BigIntegerField(_("costs incurred so far (NOK)"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cost incurred")
        verbose_name_plural = _("costs incurred")
        ordering = ["report", "category__position", "category__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="report_cost_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
            models.UniqueConstraint(
                fields=["report", "category"],
                name="report_cost_unique_category",
                violation_error_message=_("The report already has costs for this category."),
            ),
        ]

    def __str__(self):
        return f"{self.category}: {self.amount}"


class IndicatorValue(models.Model):
    """The value of one of the project's indicators at the time of a report."""

    report = models.ForeignKey(
        ProgressReport,
        on_delete=models.CASCADE,
        related_name="indicator_values",
        verbose_name=_("report"),
    )
    indicator = models.ForeignKey(
        "projects.Indicator",
        on_delete=models.CASCADE,
        related_name="values",
        verbose_name=_("indicator"),
    )
    value = models.DecimalField(_("current value"), max_digits=14, decimal_places=2)
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["report", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"],
                name="indicator_value_unique_per_report",
                violation_error_message=_("The report already has a value for this indicator."),
            ),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.value}"
