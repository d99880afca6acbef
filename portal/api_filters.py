"""The portal lists' FilterSets as the API applies them (portal/api.py).

The API filters by the same FilterSets as the list pages, so a query string that works
on a page works here too, but it holds a client to the values its OpenAPI schema gives
(the pages keep their leniency for people):

- a date is YYYY-MM-DD in the years 1900-2100 (the pages also take 31.12.2025);
- a parameter given must have a value, unless it is free text (`q`, `kommune`): `fra=`
  or `status=` is a 400, where a page's form sends empty fields and means «all»;
- a programme (by slug) or focus area (by id) the user may not see, or that does not
  exist, matches nothing (200 with no rows) where the page's select refuses it. The set
  of programmes differs from user to user and grows over time, so the schema cannot
  list it: a client generated from the schema would need regenerating for each new
  programme, and each token holder would see a different schema. A well-formed value is
  therefore accepted, as an unknown municipality in `kommune` always was, and names
  nothing. Which programmes a user may see is not revealed either way.
"""

import copy

import django_filters
from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField
from drf_spectacular.utils import extend_schema_field

from agreements.filters import AgreementFilter
from evaluations.filters import MilestoneFilter
from portal.api_fields import (
    BLANK_MESSAGE,
    DATE_SCHEMA,
    SLUG_SCHEMA,
    TEXT_SCHEMA,
    WHOLE_NUMBER_SCHEMA,
    IsoDateField,
    SlugValueField,
    WholeNumberField,
)
from projects.filters import ProgressReportFilter, ProjectFilter

# The cleaned value of a choice that names nothing the user may see.
NOTHING = object()


class VisibleOrNothingField(ModelChoiceField):
    """A choice among the FilterSet's queryset (what the user may see) by a value of the
    schema's form; a well-formed value outside the queryset cleans to NOTHING."""

    value_field_class: type[forms.Field]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = self.value_field_class().clean(value)
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code == "invalid_choice":
                return NOTHING
            raise


class SlugOrNothingField(VisibleOrNothingField):
    value_field_class = SlugValueField


class IdOrNothingField(VisibleOrNothingField):
    value_field_class = WholeNumberField


def with_description(schema: dict, label, text) -> dict:
    return {**schema, "description": format_lazy("{label}: {text}", label=label, text=text)}


def strict(filter_: django_filters.Filter) -> django_filters.Filter:
    """The API's twin of one of a list page's filters: the same filter (name, lookup,
    method, the queryset the FilterSet gives it) with the field and schema above."""
    if isinstance(filter_, django_filters.DateFilter):
        field_class = IsoDateField
        schema = with_description(DATE_SCHEMA, filter_.label, _("a date, YYYY-MM-DD, 1900-2100."))
    elif isinstance(filter_, django_filters.ModelChoiceFilter):
        to_field = filter_.extra.get("to_field_name")
        if to_field == "slug":
            field_class = SlugOrNothingField
            schema = with_description(
                SLUG_SCHEMA,
                filter_.label,
                _("the short address (slug); one the user may not see matches nothing."),
            )
        elif to_field is None:
            field_class = IdOrNothingField
            schema = with_description(
                WHOLE_NUMBER_SCHEMA,
                filter_.label,
                _("the id; one the user may not see matches nothing."),
            )
        else:
            raise ImproperlyConfigured(f"No API field for a choice by {to_field!r}")
    elif isinstance(filter_, django_filters.CharFilter):
        field_class = filter_.field_class
        schema = with_description(TEXT_SCHEMA, filter_.label, _("text, without NUL characters."))
    else:
        return filter_
    twin = copy.deepcopy(filter_)
    twin.field_class = field_class
    return extend_schema_field(schema)(twin)


class ApiFilterForm(forms.Form):
    def clean(self):
        # A list page's form sends its empty fields and means «all»; in the API a
        # parameter given without a value is a mistake, unless any text is allowed.
        for name, field in self.fields.items():
            given = self.data.get(name)
            if (
                given is not None
                and not given.strip()
                and not isinstance(field, forms.CharField)
                and name not in self.errors
            ):
                self.add_error(name, forms.ValidationError(BLANK_MESSAGE, code="blank"))
        return super().clean()


class ApiFilterSet(django_filters.FilterSet):
    """Put before a list page's FilterSet: its filters, strict as the schema says."""

    @classmethod
    def get_filters(cls):
        return {name: strict(filter_) for name, filter_ in super().get_filters().items()}

    def filter_queryset(self, queryset):
        if any(value is NOTHING for value in self.form.cleaned_data.values()):
            return queryset.none()
        return super().filter_queryset(queryset)


class ProjectApiFilter(ApiFilterSet, ProjectFilter):
    class Meta(ProjectFilter.Meta):
        form = ApiFilterForm


class AgreementApiFilter(ApiFilterSet, AgreementFilter):
    class Meta(AgreementFilter.Meta):
        form = ApiFilterForm


class ProgressReportApiFilter(ApiFilterSet, ProgressReportFilter):
    class Meta(ProgressReportFilter.Meta):
        form = ApiFilterForm


class MilestoneApiFilter(ApiFilterSet, MilestoneFilter):
    class Meta(MilestoneFilter.Meta):
        form = ApiFilterForm
