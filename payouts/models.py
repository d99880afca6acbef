"""The grant's money: the payout plan (tranches and their conditions), the leaders'
payment requests with the costs incurred, the payouts the county orders and pays, and
the final settlement with its claw-back.

Money is whole kroner. A payout is a ledger row: positive when the county pays, negative
when it claims money back (tilbakeføring); a project's payouts sum to what it has had.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ilag.review import ReviewedReport, ReviewStatus
from projects.models import Project


class Tranche(models.Model):
    """One part of a payout plan: how much (a share of the grant or an amount) may be
    requested once its condition is met. The plan belongs to a programme (its default),
    an agreement (every project under it) or a project. Exactly one tranche per plan is
    the final payment, which pays what is left of the grant after the settlement."""

    class Condition(models.TextChoices):
        SIGNED = "signed", _("When the agreement is signed")
        MILESTONE = "milestone", _("When a milestone report is approved")
        FINAL_REPORT = "final_report", _("When the final report is approved")
        DATE = "date", _("From a date")

    programme = models.ForeignKey(
        "agreements.Programme",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tranches",
        verbose_name=_("programme"),
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tranches",
        verbose_name=_("cooperation agreement"),
    )
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tranches",
        verbose_name=_("project"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("name"), max_length=120, blank=True)
    percent = models.DecimalField(
        _("share of the grant (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    amount = models.PositiveBigIntegerField(_("amount (NOK)"), null=True, blank=True)
    is_final = models.BooleanField(
        _("final payment"),
        default=False,
        help_text=_("Pays what is left of the grant once the costs are settled."),
    )
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices)
    milestone_kind = models.CharField(
        _("milestone report"), max_length=30, blank=True
    )  # a Milestone.Kind value; the choices live with the milestones
    from_date = models.DateField(_("from"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(programme__isnull=False, agreement__isnull=True, project__isnull=True)
                    | Q(programme__isnull=True, agreement__isnull=False, project__isnull=True)
                    | Q(programme__isnull=True, agreement__isnull=True, project__isnull=False)
                ),
                name="tranche_belongs_to_one_plan",
                violation_error_message=_(
                    "A tranche belongs to one plan: a programme's, an agreement's or a project's."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(is_final=True, percent__isnull=True, amount__isnull=True)
                    | Q(is_final=False, percent__isnull=False, amount__isnull=True)
                    | Q(is_final=False, percent__isnull=True, amount__isnull=False)
                ),
                name="tranche_share_or_amount",
                violation_error_message=_(
                    "A part payment is given as a share of the grant or as an amount; the final "
                    "payment as neither."
                ),
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__gt=0, percent__lte=100),
                name="tranche_percent_range",
                violation_error_message=_("The share must be above 0 and at most 100 %."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(condition="milestone", milestone_kind__gt="")
                    | (~Q(condition="milestone") & Q(milestone_kind=""))
                ),
                name="tranche_milestone_kind_with_condition",
                violation_error_message=_("Choose the milestone report the tranche waits for."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(condition="date", from_date__isnull=False)
                    | (~Q(condition="date") & Q(from_date__isnull=True))
                ),
                name="tranche_date_with_condition",
                violation_error_message=_("Give the date the tranche may be requested from."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        if self.label:
            return self.label
        if self.is_final:
            return str(_("Final payment"))
        return str(_("Part payment %(number)s") % {"number": self.position + 1})


class PaymentRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The programme's advisers and the project's own leaders; nobody else."""
        return self.filter(project__in=Project.objects.followed_by(user).values("pk"))

    def pending(self):
        return self.filter(status=ReviewStatus.SUBMITTED)


class PaymentRequest(ReviewedReport):
    """Anmodning om utbetaling: a project leader asks for (part of) a tranche, with the
    costs incurred so far by category and the documents that back them. Locked once
    submitted; the county approves it (a payout is ordered) or returns it."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        related_name="payment_requests",
        verbose_name=_("project"),
    )
    tranche = models.ForeignKey(
        Tranche,
        on_delete=models.PROTECT,
        related_name="payment_requests",
        verbose_name=_("tranche"),
    )
    is_final = models.BooleanField(_("final payment"), default=False)
    amount = models.PositiveBigIntegerField(_("amount requested (NOK)"))
    comment = models.TextField(_("comment to the county"), blank=True)
    confirmed = models.BooleanField(
        _("the information is correct"),
        default=False,
        help_text=_("I confirm that the costs are incurred and the information is correct."),
    )

    history = HistoricalRecords()
    objects = PaymentRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        ordering = ["-pk"]
        constraints = [
            # At most one final payment request that is waiting or approved per project.
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(is_final=True, status__in=["submitted", "approved"]),
                name="payment_request_one_final",
                violation_error_message=_("The project already has a final payment request."),
            ),
        ]

    def __str__(self):
        return _("Payment request %(number)s: %(project)s") % {
            "number": self.pk,
            "project": self.project,
        }

    def get_absolute_url(self):
        return reverse("payouts:request-detail", kwargs={"pk": self.pk})

    def breadcrumbs(self) -> list[dict]:
        return [
            *self.project.breadcrumbs(),
            {"label": _("Payouts"), "url": reverse("payouts:project", args=[self.project_id])},
        ]

    @property
    def costs_total(self) -> int:
        return sum(cost.amount for cost in self.costs.all())


class RequestCost(models.Model):
    """Costs incurred by the project so far in one category, as the request documents
    them (accumulated, like a status report's)."""

    request = models.ForeignKey(
        PaymentRequest, on_delete=models.CASCADE, related_name="costs", verbose_name=_("request")
    )
    category = models.ForeignKey(
        "agreements.CostCategory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cost category"),
    )
    amount = models.PositiveBigIntegerField(_("costs incurred so far (NOK)"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("documented cost")
        verbose_name_plural = _("documented costs")
        ordering = ["category__position", "category__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "category"], name="request_cost_one_per_category"
            ),
        ]

    def __str__(self):
        return f"{self.category}: {self.amount}"


class Settlement(models.Model):
    """The final settlement of a project's grant, made when its final payment request
    is approved: what the documented costs allow the county to pay in all, what had been
    paid before, the final payment and the money claimed back."""

    project = models.OneToOneField(
        "projects.Project",
        on_delete=models.PROTECT,
        related_name="settlement",
        verbose_name=_("project"),
    )
    request = models.OneToOneField(
        PaymentRequest,
        on_delete=models.PROTECT,
        related_name="settlement",
        verbose_name=_("final payment request"),
    )
    granted = models.PositiveBigIntegerField(_("grant before the settlement (NOK)"))
    documented = models.PositiveBigIntegerField(_("documented costs (NOK)"))
    cap_percent = models.PositiveSmallIntegerField(
        _("county's share at most (%)"), null=True, blank=True
    )
    allowed = models.PositiveBigIntegerField(_("settled grant (NOK)"))
    paid_before = models.BigIntegerField(_("paid before the final payment (NOK)"))
    final_payment = models.PositiveBigIntegerField(_("final payment (NOK)"))
    clawback = models.PositiveBigIntegerField(_("claimed back (NOK)"))
    settled_at = models.DateTimeField(_("settled"), auto_now_add=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("settled by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        constraints = [
            models.CheckConstraint(
                condition=Q(allowed__lte=models.F("granted")),
                name="settlement_within_grant",
                violation_error_message=_("The settled grant cannot exceed the grant."),
            ),
        ]

    def __str__(self):
        return str(self.project)


class PayoutQuerySet(models.QuerySet):
    def visible_to(self, user):
        """As payment requests: the programme's advisers and the project's own leaders."""
        return self.filter(project__in=Project.objects.followed_by(user).values("pk"))

    def unpaid(self):
        return self.filter(paid_on__isnull=True)

    def paid(self):
        return self.filter(paid_on__isnull=False)


class Payout(models.Model):
    """Money the county has ordered paid to a project's lead municipality (positive), or
    claimed back from it (negative, a claw-back with its reason), and, once the ledger
    has it, the date and voucher number."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payout")
        CLAWBACK = "clawback", _("Claw-back")

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        related_name="payouts",
        verbose_name=_("project"),
    )
    request = models.ForeignKey(
        PaymentRequest,
        on_delete=models.PROTECT,
        related_name="payouts",
        verbose_name=_("payment request"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = models.BigIntegerField(_("amount (NOK)"))
    reason = models.TextField(_("reason"), blank=True)
    due_date = models.DateField(_("due date"))
    ordered_at = models.DateTimeField(_("ordered"), auto_now_add=True)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ordered by"),
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    voucher_number = models.CharField(_("voucher number"), max_length=40, blank=True)
    marked_paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registered paid by"),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords()
    objects = PayoutQuerySet.as_manager()

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["-ordered_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="payment", amount__gt=0)
                    | Q(kind="clawback", amount__lt=0, reason__gt="")
                ),
                name="payout_sign_matches_kind",
                violation_error_message=_(
                    "A payout is positive; a claw-back is negative and gives its reason."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(paid_on__isnull=True, voucher_number="")
                    | Q(paid_on__isnull=False, voucher_number__gt="")
                ),
                name="payout_paid_with_voucher",
                violation_error_message=_("A paid payout has its date and voucher number."),
            ),
            models.UniqueConstraint(
                fields=["request", "kind"], name="payout_one_per_request_and_kind"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}: {self.project}"

    def get_absolute_url(self):
        return self.request.get_absolute_url()

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None

    @property
    def reference(self) -> str:
        """The reference the finance system and the municipality see: «ILAG-P12-U34»."""
        return f"ILAG-P{self.project_id}-U{self.pk}"
