from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.permissions import user_is_active
from agreements.models import Agreement
from evaluations.models import MilestoneReport
from ilag.files import document_upload_to
from payouts.models import PaymentRequest
from projects.models import ProgressReport, Project

PARENT_FIELDS = ("project", "agreement", "progress_report", "milestone_report", "payment_request")


def exactly_one_parent() -> Q:
    condition = Q()
    for chosen in PARENT_FIELDS:
        condition |= Q(**{f"{name}__isnull": name != chosen for name in PARENT_FIELDS})
    return condition


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A document is as visible as what it is attached to."""
        if not user_is_active(user):
            return self.none()
        return self.filter(
            Q(project__in=Project.objects.visible_to(user).values("pk"))
            | Q(agreement__in=Agreement.objects.visible_to(user).values("pk"))
            | Q(progress_report__in=ProgressReport.objects.visible_to(user).values("pk"))
            | Q(milestone_report__in=MilestoneReport.objects.visible_to(user).values("pk"))
            | Q(payment_request__in=PaymentRequest.objects.visible_to(user).values("pk"))
        )


class Document(models.Model):
    """A file attached to a project, an agreement, a status or milestone report, or a
    payment request.

    Stored under a generated name outside the web root; served only through a view
    that checks access.
    """

    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("project"),
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("cooperation agreement"),
    )
    progress_report = models.ForeignKey(
        "projects.ProgressReport",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("status report"),
    )
    milestone_report = models.ForeignKey(
        "evaluations.MilestoneReport",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("milestone report"),
    )
    payment_request = models.ForeignKey(
        "payouts.PaymentRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("payment request"),
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_upload_to)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    # The table and its history kept their names when documents left the projects app.
    history = HistoricalRecords(table_name="projects_historicaldocument")
    objects = DocumentQuerySet.as_manager()

    class Meta:
        db_table = "projects_document"
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=exactly_one_parent(),
                name="document_belongs_to_exactly_one",
                violation_error_message=_(
                    "A document belongs to exactly one of: a project, an agreement, a status "
                    "report, a milestone report, a payment request."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("documents:download", kwargs={"pk": self.pk})

    @property
    def parent(self):
        return (
            self.project
            or self.agreement
            or self.progress_report
            or self.milestone_report
            or self.payment_request
        )
