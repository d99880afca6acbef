"""Form parts that know no domain app."""

from crispy_forms.helper import FormHelper
from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _


def inner_form_helper() -> FormHelper:
    """The crispy helper of a form that its template renders inside its own `<form>`,
    which has its CSRF token: no `<form>` tag and no second token."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class ChoicesInOneQuery(ModelChoiceIterator):
    """A drop-down's (or checkbox list's) choices of rows read in one ordinary query.

    Django reads them through `QuerySet.iterator()`, which on PostgreSQL is a server-side
    cursor: a DECLARE, two FETCHes and a CLOSE, and outside a transaction (the read-only
    pages, `ilag.views.ReadOnlyPageMixin`) a cursor WITH HOLD, which PostgreSQL copies
    before the first row is read. A form's choices are a handful of rows (programmes,
    focus areas, a municipality's people), which one round trip reads in full."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        # A fresh clone: the field's queryset is not filled (a form lives for one request,
        # but the rows should not outlive a change made while it is shown twice).
        for obj in self.queryset.all():
            yield self.choice(obj)


class ModelChoiceField(forms.ModelChoiceField):
    """A choice of one row, its choices read in one query (`ChoicesInOneQuery`)."""

    iterator = ChoicesInOneQuery


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of rows, its choices read in one query (`ChoicesInOneQuery`)."""

    iterator = ChoicesInOneQuery


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class VersionedForm(forms.Form):
    """Carries the version of the row the form was made from (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment to the project leader"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return the report."),
    )
