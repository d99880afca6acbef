"""The «Kommune (navn eller nummer)» filter shared by the lists."""

import django_filters
from django.utils.translation import gettext_lazy as _

from ilag.validators import only_digits
from municipalities.widgets import MunicipalitySearchInput


class MunicipalityFilter(django_filters.CharFilter):
    """A municipality by its number or part of its name, suggested as the user types.
    `method` names the FilterSet's method that applies `municipality_lookup`."""

    def __init__(self, *, method: str, **kwargs):
        super().__init__(
            label=_("Municipality (name or number)"),
            method=method,
            widget=MunicipalitySearchInput,
            **kwargs,
        )


def municipality_lookup(value: str, prefix: str = "") -> dict:
    """Lookup arguments for a municipality typed as a number (exact) or a name (part)."""
    value = value.strip()
    if only_digits(value):
        return {f"{prefix}number": value}
    return {f"{prefix}name__icontains": value}
