from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ilag.validators import (
    format_account_number,
    municipality_number_validator,
    validate_account_number,
    validate_organisation_number,
)


class Organisation(models.Model):
    """A funder or partner: the county, a ministry, a state agency, a private body."""

    class Kind(models.TextChoices):
        COUNTY = "county", _("County authority")
        STATE = "state", _("State (ministry or agency)")
        MUNICIPALITY = "municipality", _("Municipality or regional council")
        PRIVATE = "private", _("Private business or organisation")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    organisation_number = models.CharField(
        _("organisation number"),
        max_length=9,
        blank=True,
        validators=[validate_organisation_number],
    )
    is_partner = models.BooleanField(
        _("partner in «laget rundt»"),
        default=False,
        help_text=_("Takes part in the team around the municipalities."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.short_name or self.name


class MunicipalityQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Municipalities are public facts; every signed-in user may see the list.
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self


class Municipality(models.Model):
    number = models.CharField(
        _("municipality number"),
        max_length=4,
        unique=True,
        validators=[municipality_number_validator],
        error_messages={"unique": _("Another municipality already has this municipality number.")},
    )
    name = models.CharField(_("name"), max_length=100)
    sami_name = models.CharField(_("Sami name"), max_length=100, blank=True)
    organisation_number = models.CharField(
        _("organisation number"),
        max_length=9,
        blank=True,
        validators=[validate_organisation_number],
    )
    bank_account_number = models.CharField(
        _("bank account number"),
        max_length=11,
        blank=True,
        validators=[validate_account_number],
        help_text=_("Where the county pays the municipality's grants, e.g. 1503.12.34567."),
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    district_index = models.PositiveSmallIntegerField(
        _("district index"),
        null=True,
        blank=True,
        help_text=_(
            "The national district index, from 0 (greatest district challenges) to 100 (fewest)."
        ),
    )
    region = models.CharField(_("region"), max_length=100, blank=True)
    is_demo = models.BooleanField(
        _("demo data"),
        default=False,
        help_text=_("Population and index are invented for demonstration."),
    )

    history = HistoricalRecords()
    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__regex=r"^[0-9]{4}$"),
                name="municipality_number_four_digits",
                violation_error_message=_("The municipality number must be exactly four digits."),
            ),
            models.CheckConstraint(
                condition=models.Q(district_index__lte=100),
                name="municipality_district_index_max_100",
                violation_error_message=_("The district index runs from 0 to 100."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("municipalities:detail", kwargs={"number": self.number})

    @property
    def bank_account_display(self) -> str:
        return format_account_number(self.bank_account_number)

    @property
    def display_name(self):
        if self.sami_name:
            return f"{self.name} ({self.sami_name})"
        return self.name
