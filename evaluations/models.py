import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ilag.files import milestone_document_upload_to

DUE_SOON_DAYS = 30


class MilestoneQuerySet(models.QuerySet):
    def visible_to(self, user):
        from evaluations import permissions

        return permissions.scope_milestones(self, user)

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
