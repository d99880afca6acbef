"""Filter parts that know no domain app."""

import django_filters
from django.forms.models import ModelChoiceIterator
from django_filters import fields


class ChoicesInOneQuery(ModelChoiceIterator):
    """A drop-down's choices read in one ordinary query.

    Django reads them through `QuerySet.iterator()`, which on PostgreSQL is a server-side
    cursor: a DECLARE, two FETCHes and a CLOSE, and outside a transaction (the read-only
    pages, `ilag.views.ReadOnlyPageMixin`) a cursor WITH HOLD, which PostgreSQL copies
    before the first row is read. A filter's choices are a handful of rows (programmes,
    focus areas), which one round trip reads in full."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        # A fresh clone: the field's queryset is not filled (a form lives for one request,
        # but the rows should not outlive a change made while it is shown twice).
        for obj in self.queryset.all():
            yield self.choice(obj)


class FilterChoicesInOneQuery(fields.ModelChoiceIterator, ChoicesInOneQuery):
    """django-filter's iterator (its «null» choice), reading as `ChoicesInOneQuery`."""


class ModelChoiceField(fields.ModelChoiceField):
    iterator = FilterChoicesInOneQuery


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A list filter's choice of a row (a programme, a focus area), its choices read in
    one query."""

    field_class = ModelChoiceField
