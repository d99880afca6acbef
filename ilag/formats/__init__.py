"""Norwegian formatting of money, percentages, numbers and dates: `kr 1 250 000`,
`12,5 %`, `15.11.2023`.

Built on Django's localisation (the active locale's separators), so the same function
gives `kr 1 250 000` in bokmål and in English. Models, services and reports call these;
the template filters in `ilag.templatetags.norsk` are thin wrappers. The sub-packages
`nb/`, `nn/` and `en/` are Django's FORMAT_MODULE_PATH (the locale's date and number formats).
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.formats import date_format, number_format

NBSP = "\xa0"


def rounded(value, decimals) -> Decimal:
    """Round half up to `decimals` places (Django's number formatting truncates)."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP)


def kr(value):
    """Whole kroner as `kr 1 250 000`; empty for None."""
    if value is None or value == "":
        return ""
    amount = int(round(Decimal(value)))
    sign = "−" if amount < 0 else ""
    return f"{sign}kr{NBSP}{number_format(abs(amount), 0, force_grouping=True)}"


def number(value, decimals=None):
    """A number with grouping and the locale's decimal separator; without a count of
    decimals, as many as the value needs (2,5 and 12, not 12,00)."""
    if value is None or value == "":
        return ""
    if decimals is None:
        normalized = Decimal(value).normalize()
        decimals = max(0, -normalized.as_tuple().exponent)
    return number_format(rounded(value, decimals), int(decimals), force_grouping=True)


def percent(value, decimals=1):
    """A percentage as `12,5 %` (a no-break space before the sign, as in Norwegian)."""
    if value is None or value == "":
        return ""
    return f"{number_format(rounded(value, decimals), int(decimals), force_grouping=True)}{NBSP}%"


def dato(value):
    """A date as `15.11.2023` (the locale's short date format). A moment is dated in
    Norwegian time (the current time zone, Europe/Oslo), not in UTC: an approval at 00:50
    on 1 December is «01.12.»."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "SHORT_DATE_FORMAT")


def minutes(value):
    """Whole minutes of a timedelta (rounded up), for messages such as a lockout's."""
    if value is None:
        return 0
    return -(-int(value.total_seconds()) // 60)
