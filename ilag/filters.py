"""Filter parts that know no domain app."""

import django_filters
from django_filters import fields

from ilag.forms import ChoicesInOneQuery


class FilterChoicesInOneQuery(fields.ModelChoiceIterator, ChoicesInOneQuery):
    """django-filter's iterator (its «null» choice), reading as `ChoicesInOneQuery`."""


class ModelChoiceField(fields.ModelChoiceField):
    iterator = FilterChoicesInOneQuery


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A list filter's choice of a row (a programme, a focus area), its choices read in
    one query."""

    field_class = ModelChoiceField
