from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Role
from accounts.permissions import (
    in_followed_programmes,
    is_reader_role,
    leader_municipality_ids,
    user_is_active,
)
from ilag.files import signed_agreement_upload_to
from ilag.formats import dato, kr
from ilag.validators import case_number_validator, only_digits


def validate_reminder_days(value: str) -> None:
    """Comma-separated whole days, each between 1 and 365."""
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if not parts or not all(only_digits(p) and 1 <= int(p) <= 365 for p in parts):
        raise ValidationError(
            _("Write whole days between 1 and 365, separated by commas, e.g. 30,7."),
            code="invalid_reminder_days",
        )


class ProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Advisers see the programmes they follow; leaders those their municipalities
        take part in; committee readers all; partners those shared with partners."""
        if not user_is_active(user):
            return self.none()
        if user.is_adviser:
            return in_followed_programmes(self, user, "pk")
        own_ids = leader_municipality_ids(user)
        if own_ids:
            return self.filter(
                pk__in=Agreement.objects.filter(municipalities__in=own_ids).values("programme")
            )
        if user.has_role(Role.COMMITTEE_READER):
            return self
        if user.has_role(Role.PARTNER):
            return self.filter(shared_with_partners=True)
        return self.none()


class TargetFigureKind(models.TextChoices):
    """The kinds of target figure (måltall) a project sets, with baseline and target."""

    EMPLOYMENT = "employment", _("Employment")
    IN_MOVERS_KEPT = "in_movers_kept", _("In-movers kept")
    APPLICANTS_PER_VACANCY = "applicants_per_vacancy", _("Applicants per vacancy")
    PARTNER_PARTICIPATION = "partner_participation", _("Partner participation")
    EXTERNAL_FUNDING = "external_funding", _("External funding triggered")
    CUSTOM = "custom", _("Other (custom)")


def validate_target_figure_kinds(value) -> None:
    known = set(TargetFigureKind.values) - {TargetFigureKind.CUSTOM}
    if not isinstance(value, list) or not set(value) <= known:
        raise ValidationError(_("Choose among the listed kinds of target figure."))


class PayoutPlanLevel(models.TextChoices):
    AGREEMENT = "agreement", _("Agreement")
    PROJECT = "project", _("Project")


class Programme(models.Model):
    slug = models.SlugField(_("short address"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        "municipalities.Organisation",
        on_delete=models.PROTECT,
        related_name="owned_programmes",
        verbose_name=_("owner"),
        help_text=_("The authority that runs the programme and grants its money."),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    max_grant_per_agreement = models.PositiveBigIntegerField(
        _("maximum grant per agreement (NOK)"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the programme sets no cap."),
    )
    max_county_share_percent = models.PositiveSmallIntegerField(
        _("maximum county share of total cost (percent)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Leave empty when the programme sets no cap."),
    )
    decision_organ = models.CharField(_("decided by"), max_length=200, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_case_number = models.CharField(
        _("case number"), max_length=20, blank=True, validators=[case_number_validator]
    )
    reminder_days = models.CharField(
        _("reminder days before a deadline"),
        max_length=60,
        default="30,7",
        validators=[validate_reminder_days],
        help_text=_(
            "Days before a due date when the responsible person is reminded, separated by "
            "commas, e.g. 30,7. Reminders also go out on the day and weekly while overdue."
        ),
    )
    stale_report_weeks = models.PositiveSmallIntegerField(
        _("weeks without an approved status report before a project is flagged"),
        default=12,
    )
    target_figure_kinds = models.JSONField(
        _("target figures every project sets"),
        default=list,
        blank=True,
        validators=[validate_target_figure_kinds],
        help_text=_(
            "A proposal cannot be submitted without a baseline and a target for each of these."
        ),
    )
    change_threshold_percent = models.PositiveSmallIntegerField(
        _("change request threshold (percent of the budget)"),
        default=10,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "A project leader's change to an approved project's budget or funding plan larger "
            "than this share of the budget, any change to the grant, and any change to the "
            "period become a change request an adviser approves; smaller changes apply at once."
        ),
    )
    payout_plan_level = models.CharField(
        _("payout plan kept per"),
        max_length=20,
        choices=PayoutPlanLevel.choices,
        default=PayoutPlanLevel.AGREEMENT,
        help_text=_(
            "Whether each agreement's projects are paid by the agreement's plan, or each "
            "project has its own. A new plan starts from the programme's default plan."
        ),
    )
    payout_request_days = models.PositiveSmallIntegerField(
        _("days to request a payout"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "When a tranche's condition has been met this many days and no payment has been "
            "requested, the project leaders are reminded."
        ),
    )
    shared_with_partners = models.BooleanField(
        _("shared with partners"),
        default=True,
        help_text=_(
            "Partners in «laget rundt» may read the programme's agreements and projects "
            "(never drafts)."
        ),
    )
    is_demo = models.BooleanField(
        _("demo data"),
        default=False,
        help_text=_("The programme's caps are invented for demonstration."),
    )

    history = HistoricalRecords()
    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="programme_end_not_before_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(max_county_share_percent__lte=100),
                name="programme_county_share_max_100",
                violation_error_message=_("The county share cannot exceed 100 percent."),
            ),
        ]

    def __str__(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("agreements:programme-detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})

    @property
    def reminder_day_list(self) -> list[int]:
        """The reminder days, largest first (e.g. [30, 7])."""
        days = {int(p) for p in self.reminder_days.split(",") if only_digits(p.strip())}
        return sorted(days, reverse=True)


class FocusArea(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="focus_areas", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        ordering = ["programme", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"],
                name="focus_area_unique_per_programme",
                violation_error_message=_("The programme already has a focus area with this name."),
            )
        ]

    def __str__(self):
        return self.name


class CostCategory(models.Model):
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="cost_categories",
        verbose_name=_("programme"),
    )
    name = models.CharField(_("name"), max_length=120)
    eligible = models.BooleanField(
        _("eligible for grant"),
        default=True,
        help_text=_("Ineligible categories are listed so they can be refused by name."),
    )
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cost category")
        verbose_name_plural = _("cost categories")
        ordering = ["programme", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"],
                name="cost_category_unique_per_programme",
                violation_error_message=_(
                    "The programme already has a cost category with this name."
                ),
            )
        ]

    def __str__(self):
        return self.name


class AgreementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Advisers see all agreements of their programmes; leaders their own and the
        others' non-drafts in their programmes; readers and partners the non-drafts of
        the programmes they may see."""
        if not user_is_active(user):
            return self.none()
        if user.is_adviser:
            return in_followed_programmes(self, user, "programme")
        programmes = Programme.objects.visible_to(user).values("pk")
        published = ~Q(status=Agreement.Status.DRAFT)
        own_ids = leader_municipality_ids(user)
        if own_ids:
            own = Agreement.objects.filter(municipalities__in=own_ids).values("pk")
            return self.filter(Q(pk__in=own) | (published & Q(programme__in=programmes)))
        if is_reader_role(user):
            return self.filter(published & Q(programme__in=programmes))
        return self.none()


class Agreement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        TERMINATED = "terminated", _("Terminated")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("programme")
    )
    municipalities = models.ManyToManyField(
        "municipalities.Municipality", related_name="agreements", verbose_name=_("municipalities")
    )
    title = models.CharField(_("title"), max_length=200)
    other_parties = models.ManyToManyField(
        "municipalities.Organisation",
        blank=True,
        related_name="agreements_as_party",
        verbose_name=_("other parties"),
        help_text=_(
            "Organisations that sign the agreement too, such as the state administrator or "
            "a regional council."
        ),
    )
    theme = models.CharField(_("main theme"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    county_frame = models.PositiveBigIntegerField(
        _("county's financial frame (NOK)"),
        help_text=_("The most the county grants under this agreement, in whole kroner."),
    )
    focus_areas = models.ManyToManyField(
        FocusArea, blank=True, related_name="agreements", verbose_name=_("focus areas")
    )
    decision_organ = models.CharField(_("decided by"), max_length=200, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_case_number = models.CharField(
        _("case number"), max_length=20, blank=True, validators=[case_number_validator]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    signed_date = models.DateField(_("signed on"), null=True, blank=True)
    signed_document = models.FileField(
        _("signed agreement"), upload_to=signed_agreement_upload_to, blank=True
    )
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.TextField(_("reason for the termination"), blank=True)
    is_demo = models.BooleanField(
        _("demo data"),
        default=False,
        help_text=_("The financial frame and dates are invented for demonstration."),
    )

    history = HistoricalRecords(m2m_fields=[municipalities, other_parties, focus_areas])
    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        ordering = ["programme", "start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="agreement_end_not_before_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("agreements:detail", kwargs={"pk": self.pk})

    def breadcrumbs(self) -> list[dict]:
        """The trail from the programme down to this agreement, for the pages under it."""
        programme = self.programme
        return [
            {"label": str(programme), "url": programme.get_absolute_url()},
            {"label": self.title, "url": self.get_absolute_url()},
        ]

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        programme = self.programme if self.programme_id else None
        if programme is not None:
            cap = programme.max_grant_per_agreement
            if cap is not None and self.county_frame is not None and self.county_frame > cap:
                errors["county_frame"] = _(
                    "The county's frame of %(frame)s exceeds the programme's maximum grant "
                    "of %(cap)s per agreement."
                ) % {"frame": kr(self.county_frame), "cap": kr(cap)}
            if self.start_date and self.start_date < programme.start_date:
                errors.setdefault(
                    "start_date",
                    _("The agreement cannot start before the programme (%(date)s).")
                    % {"date": dato(programme.start_date)},
                )
            if self.end_date and self.end_date > programme.end_date:
                errors.setdefault(
                    "end_date",
                    _("The agreement cannot end after the programme (%(date)s).")
                    % {"date": dato(programme.end_date)},
                )
        if self.status in (self.Status.SIGNED, self.Status.ACTIVE) and not self.signed_date:
            errors["signed_date"] = _("A signed or active agreement needs the date it was signed.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT


class AgreementAddendum(models.Model):
    """A change to a signed agreement (tilleggsavtale): a new frame or end date, signed
    on a date, for a reason, with the signed document."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="addenda",
        verbose_name=_("cooperation agreement"),
    )
    signed_on = models.DateField(_("signed on"))
    reason = models.TextField(_("reason"))
    new_county_frame = models.PositiveBigIntegerField(
        _("new financial frame (NOK)"), null=True, blank=True
    )
    new_end_date = models.DateField(_("new end date"), null=True, blank=True)
    document = models.FileField(_("signed addendum"), upload_to=signed_agreement_upload_to)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("addendum")
        verbose_name_plural = _("addenda")
        ordering = ["agreement", "signed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_county_frame__isnull=False) | Q(new_end_date__isnull=False),
                name="addendum_changes_frame_or_end_date",
                violation_error_message=_(
                    "An addendum gives a new frame, a new end date, or both."
                ),
            ),
        ]

    def __str__(self):
        return _("Addendum of %(date)s") % {"date": dato(self.signed_on)}
