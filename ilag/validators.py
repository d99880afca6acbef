"""Validators for Norwegian identifiers."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

municipality_number_validator = RegexValidator(
    r"^\d{4}$",
    _("The municipality number must be exactly four digits, e.g. 5041."),
    code="invalid_municipality_number",
)

case_number_validator = RegexValidator(
    r"^\d{4}/\d{1,7}(-\d{1,4})?$",
    _("The case number must look like 2023/12345 (year, slash, number)."),
    code="invalid_case_number",
)

MOD11_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def organisation_number_check_digit(first_eight: str) -> int | None:
    """The MOD11 check digit for the first eight digits, or None when none exists."""
    remainder = sum(int(d) * w for d, w in zip(first_eight, MOD11_WEIGHTS, strict=True)) % 11
    check = 11 - remainder
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


# Dates a person means in this portal lie between these years; a date outside them
# (31.12.9999, a mistyped 0202) is refused at the field rather than stored, where it
# would break timelines, calendars and PDFs.
FIRST_YEAR, LAST_YEAR = 1900, 2100


def validate_sensible_date(value) -> None:
    if value is not None:
        validate_sensible_year(value.year)


def validate_sensible_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            _("Give a date between the years %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="date_out_of_range",
        )


def only_digits(text: str) -> bool:
    """Only the digits 0-9: `str.isdigit()` is also true for «²» and other digits that
    `int()` refuses or reads differently, so a query parameter «²» would end in a 500."""
    return text.isascii() and text.isdigit()


def validate_organisation_number(value: str) -> None:
    """A Norwegian organisation number: nine digits whose last is the MOD11 check digit."""
    digits = value.replace(" ", "")
    if len(digits) != 9 or not only_digits(digits):
        raise ValidationError(
            _("The organisation number must be exactly nine digits."),
            code="invalid_organisation_number",
        )
    if organisation_number_check_digit(digits[:8]) != int(digits[8]):
        raise ValidationError(
            _("The organisation number %(value)s has a wrong check digit (MOD11)."),
            code="invalid_organisation_number_check",
            params={"value": value},
        )


ACCOUNT_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def account_number_check_digit(first_ten: str) -> int | None:
    """The MOD11 check digit of a Norwegian bank account number, or None when none exists."""
    remainder = sum(int(d) * w for d, w in zip(first_ten, ACCOUNT_WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 0
    check = 11 - remainder
    return None if check == 10 else check


def normalise_account_number(value: str) -> str:
    """«1503.12.34567» or «1503 12 34567» as the eleven digits it is stored as."""
    return "".join(ch for ch in value if ch not in " .")


def validate_account_number(value: str) -> None:
    """A Norwegian bank account number: eleven digits whose last is the MOD11 check digit."""
    digits = normalise_account_number(value)
    if len(digits) != 11 or not only_digits(digits):
        raise ValidationError(
            _("The account number must be eleven digits, e.g. 1503.12.34567."),
            code="invalid_account_number",
        )
    if account_number_check_digit(digits[:10]) != int(digits[10]):
        raise ValidationError(
            _("The account number %(value)s has a wrong check digit (MOD11)."),
            code="invalid_account_number_check",
            params={"value": value},
        )


def format_account_number(value: str) -> str:
    """«15031234567» as «1503.12.34567»."""
    digits = normalise_account_number(value or "")
    if len(digits) != 11:
        return value or ""
    return f"{digits[:4]}.{digits[4:6]}.{digits[6:]}"
