"""The review workflow shared by every report the county approves: draft → submitted →
approved, or returned to the writer with a comment; who did what when; and the version
that keeps two people from silently overwriting each other (optimistic locking).

Knows no domain app: a report model inherits `ReviewedReport`, its services call
`locked`, `submit` and `review` with their own checks and follow-ups.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext


class EditConflict(Exception):
    """Someone saved the row after the form was opened; nothing was stored."""

    def __init__(self, *, changed_by, changed_at):
        self.changed_by = changed_by
        self.changed_at = changed_at
        super().__init__(f"changed by {changed_by} at {changed_at}")


def locked(model, *, pk: int, version: int):
    """The row, locked for this transaction, if it is still at `version`; otherwise
    EditConflict naming who saved it last and when (from the row's history)."""
    row = model.objects.select_for_update().get(pk=pk)
    if row.version != version:
        last = row.history.order_by("-history_date").select_related("history_user").first()
        raise EditConflict(
            changed_by=last.history_user if last else None,
            changed_at=last.history_date if last else None,
        )
    return row


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    SUBMITTED = "submitted", gettext_lazy("Submitted")
    RETURNED = "returned", gettext_lazy("Returned for changes")
    APPROVED = "approved", gettext_lazy("Approved")


class ReviewTrail(models.Model):
    """Who submitted a thing to the county and when, and who approved or returned it,
    when and with what comment."""

    submitted_at = models.DateTimeField(gettext_lazy("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("submitted by"),
    )
    reviewed_at = models.DateTimeField(gettext_lazy("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("reviewed by"),
    )
    review_comment = models.TextField(gettext_lazy("comment from the county"), blank=True)

    class Meta:
        abstract = True


class ReviewedReport(ReviewTrail):
    """A report its writer drafts and submits and the county approves or returns."""

    Status = ReviewStatus

    status = models.CharField(
        gettext_lazy("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("created by"),
    )
    version = models.PositiveIntegerField(gettext_lazy("version"), default=1, editable=False)

    class Meta:
        abstract = True

    @property
    def is_editable_state(self) -> bool:
        """The writer may change it: a draft, or returned for changes."""
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


def transition_error(report, action_label) -> ValidationError:
    return ValidationError(
        _("The report cannot be %(action)s while its status is «%(status)s».")
        % {"action": action_label, "status": report.get_status_display()},
        code="invalid_transition",
    )


def editable(model, *, pk: int, version: int):
    """The locked row at `version` (else EditConflict), if its writer may still change it."""
    row = locked(model, pk=pk, version=version)
    if not row.is_editable_state:
        raise transition_error(row, pgettext("report action", "changed"))
    return row


def save_draft(model, *, pk: int, version: int, fields, data: dict):
    """The writer's changes to a draft or returned report: the `fields` given in `data`,
    checked and saved as a new version (EditConflict if someone saved it since `version`).
    Call inside a transaction; returns the saved row."""
    row = editable(model, pk=pk, version=version)
    for name in fields:
        if name in data:
            setattr(row, name, data[name])
    row.full_clean()
    row.version += 1
    row.save()
    return row


def sync_children(rows, wanted: dict, *, key: str, fields: tuple[str, ...], create) -> None:
    """Make a report's child rows (costs, indicator values) what the writer entered:
    `wanted` maps each key (say a cost category's id) to the values of `fields`, or to
    None to remove the row. Only rows that change are written, so the history shows
    just what changed; `create(key_value, values)` makes a missing row."""
    existing = {getattr(row, key): row for row in rows}
    for key_value, values in wanted.items():
        row = existing.get(key_value)
        if values is None:
            if row is not None:
                row.delete()
        elif row is None:
            create(key_value, values)
        elif tuple(getattr(row, name) for name in fields) != tuple(values):
            for name, value in zip(fields, values, strict=True):
                setattr(row, name, value)
            row.save()


def submit(model, *, pk: int, user, version: int | None = None, errors=None):
    """Draft or returned → submitted, by `user`; refused when already submitted, when
    someone saved it since `version` (if given), or with what `errors(row)` finds
    missing ({field: message}). Call inside a transaction; returns the saved row."""
    row = model.objects.select_for_update().get(pk=pk)
    if row.status == ReviewStatus.SUBMITTED:
        raise ValidationError(_("The report has already been submitted."), code="already")
    if not row.is_editable_state:
        raise transition_error(row, pgettext("report action", "submitted"))
    if version is not None and row.version != version:
        locked(model, pk=pk, version=version)
    missing = errors(row) if errors else {}
    if missing:
        raise ValidationError(missing)
    row.status = ReviewStatus.SUBMITTED
    row.submitted_at, row.submitted_by = timezone.now(), user
    row.version += 1
    row.save()
    return row


def review(model, *, pk: int, user, approve: bool, comment: str):
    """Submitted → approved, or → returned with the comment the writer must act on.
    Call inside a transaction; returns the saved row."""
    row = model.objects.select_for_update().get(pk=pk)
    if row.status != ReviewStatus.SUBMITTED:
        raise transition_error(
            row,
            pgettext("report action", "approved")
            if approve
            else pgettext("report action", "returned"),
        )
    if not approve and not comment.strip():
        raise ValidationError(
            {"comment": _("Write what the project leader must change.")}, code="comment"
        )
    row.status = ReviewStatus.APPROVED if approve else ReviewStatus.RETURNED
    row.review_comment = comment.strip()
    row.reviewed_at, row.reviewed_by = timezone.now(), user
    row.version += 1
    row.save()
    return row
