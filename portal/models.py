from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeSummary(models.Model):
    """A programme's dashboard figures, kept up to date as the data they come from
    changes (portal.summary): the programme's totals and a row per participating
    municipality, in one row, so that a page reads them in one query and never mixes two
    versions. Derived data, computed again at any time by `refresh_summaries`."""

    programme = models.OneToOneField(
        "agreements.Programme",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("programme"),
    )
    # When the figures last changed (a computation that finds them as they were does not
    # write them).
    updated_at = models.DateTimeField(null=True, blank=True)
    figures = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("programme summary")
        verbose_name_plural = _("programme summaries")

    def __str__(self):
        return str(self.programme_id)


class ProgrammeChange(models.Model):
    """A change that feeds a programme's figures, not yet in its summary: written in the
    change's own transaction (a row of its own, so that writers never wait for each
    other), removed by the computation that includes it. While a programme has one, its
    summary is not read."""

    # No constraint: deleting a programme notes changes of the programme being deleted
    # (its agreements and projects go with it); the computation removes those notes.
    programme = models.ForeignKey(
        "agreements.Programme",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("programme"),
    )

    class Meta:
        verbose_name = _("change not yet in the summary")
        verbose_name_plural = _("changes not yet in the summary")

    def __str__(self):
        return str(self.programme_id)
