"""Change requests (endringsmeldinger): a project leader's change to an approved
project's budget, funding plan or period that is larger than the programme allows at
once; an adviser approves it (and it is applied) or returns it."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ilag.formats import dato
from ilag.review import ReviewStatus, ReviewTrail
from projects.models.core import Project


class ChangeRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Those of the projects the user may edit or follow: the programme's advisers
        and the project's leaders (the rest see the outcome in the project's history)."""
        return self.filter(project__in=Project.objects.followed_by(user).values("pk"))

    def open(self):
        return self.filter(status=ReviewStatus.SUBMITTED)


class ChangeRequest(ReviewTrail):
    Status = ReviewStatus

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="change_requests",
        verbose_name=_("project"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    reason = models.TextField(_("reason for the change"))
    # What the project would become: {"budget": [[year, category id, amount, note], …],
    # "funding": [[source id, municipality id, kind, amount, note], …]} and/or
    # {"start_date": "2026-01-01", "end_date": "2027-06-30"}.
    proposed = models.JSONField(_("proposed change"))
    summary = models.TextField(_("what changes"))
    base_version = models.PositiveIntegerField(_("project version it was made from"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("Change request %(date)s") % {"date": dato(self.created_at)}

    def get_absolute_url(self):
        return reverse("projects:change-detail", kwargs={"pk": self.pk})

    def breadcrumbs(self) -> list[dict]:
        return [*self.project.breadcrumbs(), {"label": str(self), "url": self.get_absolute_url()}]
