from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from agreements.models import FocusArea
from ilag.fields import KronerField
from ilag.forms import DateInput, ModelChoiceField, VersionedForm, inner_form_helper
from ilag.uploads import XLSX, UploadFormMixin, megabytes, validate_upload
from municipalities.models import Municipality, Organisation
from projects.models import FundingLine, Indicator, ProgressReport, Project
from projects.services import (
    PROJECT_STATUS_TRANSITIONS,
    BudgetEntry,
    FundingEntry,
    ShareEntry,
)
from projects.shares import equal_shares


class SharesFieldsMixin:
    """Who takes part in a project and with what share: a percent field per candidate
    municipality (empty: not taking part) and the lead municipality. One municipality
    means 100 %; a joint project's shares must sum to exactly 100 %."""

    def add_share_fields(self, candidates, current: dict, lead_id) -> None:
        self.candidates = list(candidates)
        for municipality in self.candidates:
            self.fields[f"share_{municipality.pk}"] = forms.DecimalField(
                label=_("%(municipality)s (%%)") % {"municipality": municipality.name},
                required=False,
                max_digits=5,
                decimal_places=2,
                min_value=Decimal("0.01"),
                max_value=Decimal(100),
                localize=True,
                initial=current.get(municipality.pk),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control"}),
            )
        self.fields["lead_municipality"] = forms.ChoiceField(
            label=_("Lead municipality"),
            choices=[("", "—")] + [(str(m.pk), m.name) for m in self.candidates],
            required=False,
            initial=str(lead_id) if lead_id else "",
            help_text=_("For a joint project: the municipality that owns it."),
        )

    def share_field_names(self) -> list[str]:
        return [f"share_{m.pk}" for m in self.candidates]

    def share_bound_fields(self):
        return [self[name] for name in self.share_field_names()]

    def share_entries(self) -> list[ShareEntry]:
        entries = []
        for municipality in self.candidates:
            value = self.cleaned_data.get(f"share_{municipality.pk}")
            if value is not None:
                entries.append(ShareEntry(municipality_id=municipality.pk, percent=value))
        if len(entries) == 1:
            entries = [ShareEntry(municipality_id=entries[0].municipality_id, percent=Decimal(100))]
        return entries

    def lead_id(self) -> int | None:
        value = self.cleaned_data.get("lead_municipality")
        return int(value) if value else None


def share_candidates(agreement):
    """The agreement's municipalities first, then the other municipalities with an
    agreement in the programme (a joint project may reach across agreements)."""
    own = list(agreement.municipalities.order_by("name"))
    others = (
        Municipality.objects.filter(agreements__programme=agreement.programme_id)
        .exclude(pk__in=[m.pk for m in own])
        .distinct()
        .order_by("name")
    )
    return own + list(others)


def current_shares(project) -> dict:
    members = list(project.municipalities.all())
    recorded = {s.municipality_id: s.percent for s in project.shares.all()}
    if len(members) == 1:
        return {members[0].pk: Decimal(100)}
    if set(recorded) == {m.pk for m in members}:
        return recorded
    return dict(equal_shares([m.pk for m in members]))


class ProjectProposalForm(SharesFieldsMixin, forms.ModelForm):
    """A new project under an agreement: its facts and who takes part with what share."""

    class Meta:
        model = Project
        fields = ["title", "description", "goals", "focus_area", "leader", "start_date", "end_date"]
        field_classes = {"focus_area": ModelChoiceField, "leader": ModelChoiceField}
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
            "goals": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, agreement, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_area"].queryset = FocusArea.objects.filter(
            programme=agreement.programme_id
        )
        members = list(agreement.municipalities.all())
        self.fields["leader"].queryset = User.objects.filter(
            is_active=True, groups__name=Role.PROJECT_LEADER, municipalities__in=members
        ).distinct()
        own = [m for m in members if m.pk in set(user.municipalities.values_list("pk", flat=True))]
        first = (own or members or [None])[0]
        if not self.is_bound:
            self.initial.setdefault("start_date", agreement.start_date)
            self.initial.setdefault("end_date", agreement.end_date)
            if user.has_role(Role.PROJECT_LEADER) and not user.is_adviser:
                self.initial.setdefault("leader", user.pk)
        self.add_share_fields(
            share_candidates(agreement),
            {first.pk: Decimal(100)} if first else {},
            first.pk if first else None,
        )
        self.helper = inner_form_helper()

    def _post_clean(self):
        # The service checks the project against its agreement, with the same messages.
        pass


class ProjectForm(SharesFieldsMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Project
        fields = [
            "title",
            "description",
            "goals",
            "focus_area",
            "leader",
            "start_date",
            "end_date",
            "status",
        ]
        field_classes = {"focus_area": ModelChoiceField, "leader": ModelChoiceField}
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
            "goals": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, may_set_status=False, **kwargs):
        super().__init__(*args, **kwargs)
        project = self.instance
        self.fields["focus_area"].queryset = FocusArea.objects.filter(
            programme=project.agreement.programme_id
        )
        self.add_share_fields(
            share_candidates(project.agreement),
            current_shares(project),
            project.lead_municipality_id,
        )
        self.fields["leader"].queryset = User.objects.filter(
            is_active=True,
            groups__name=Role.PROJECT_LEADER,
            municipalities__in=project.municipalities.all(),
        ).distinct()
        allowed = {project.status, *PROJECT_STATUS_TRANSITIONS[project.status]}
        if may_set_status and len(allowed) > 1:
            self.fields["status"].choices = [c for c in Project.Status.choices if c[0] in allowed]
            self.fields["status"].help_text = _(
                "Cancel a project that will not be carried out, or take a cancelled one up "
                "again as a draft. Approval and close-out have their own buttons on the "
                "project's page."
            )
        else:
            del self.fields["status"]
        if not self.is_bound:
            self.initial["version"] = project.version
        self.helper = inner_form_helper()

    def _post_clean(self):
        # Model validation (period inside the agreement, financing for an active
        # project) runs in the service, under a row lock, with the same messages.
        pass


def source_choices(project) -> list[tuple[str, str]]:
    municipalities = [
        (f"m{m.pk}", _("%(municipality)s municipality (own contribution)") % {"municipality": m})
        for m in project.municipalities.all()
    ]
    organisations = [(f"o{o.pk}", str(o)) for o in Organisation.objects.order_by("name")]
    return [("", "—")] + municipalities + organisations


class FundingLineForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Funding source"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=FundingLine.Kind.choices,
        initial=FundingLine.Kind.CASH,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    amount = KronerField(label=_("Amount (NOK)"))
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )

    def clean_source(self):
        source = self.cleaned_data["source"]
        if not source:
            raise forms.ValidationError(_("Choose who gives the money."))
        return source

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = sources

    def entry(self) -> FundingEntry:
        data = self.cleaned_data
        source = data["source"]
        return FundingEntry(
            amount=data["amount"],
            kind=data["kind"],
            source_id=int(source[1:]) if source.startswith("o") else None,
            source_municipality_id=int(source[1:]) if source.startswith("m") else None,
            note=data["note"],
        )


class BaseFundingFormSet(forms.BaseFormSet):
    def __init__(self, *args, sources, **kwargs):
        self.sources = sources
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"sources": self.sources}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            sources=self.sources,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form


FundingFormSet = forms.formset_factory(
    FundingLineForm, formset=BaseFundingFormSet, extra=2, can_delete=True
)


class BudgetGridForm(VersionedForm):
    """The budget as a grid: one field per eligible cost category and project year."""

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.years = list(range(project.start_date.year, project.end_date.year + 1))
        programme = project.agreement.programme
        amounts = {(li.category_id, li.year): li.amount for li in project.budget_lines.all()}
        used = {category_id for category_id, _year in amounts}
        self.categories = [c for c in programme.cost_categories.all() if c.eligible or c.pk in used]
        self.ineligible = [c for c in programme.cost_categories.all() if not c.eligible]
        for category in self.categories:
            for year in self.years:
                name = self.cell_name(category.pk, year)
                self.fields[name] = KronerField(
                    label=_("%(category)s, %(year)s") % {"category": category, "year": year},
                    required=False,
                    initial=amounts.get((category.pk, year)),
                )
        if not self.is_bound:
            self.initial["version"] = project.version

    @staticmethod
    def cell_name(category_id, year):
        return f"b_{category_id}_{year}"

    def rows(self):
        """For the template: per category its label and the bound fields by year."""
        return [
            {
                "category": category,
                "cells": [self[self.cell_name(category.pk, year)] for year in self.years],
            }
            for category in self.categories
        ]

    def entries(self) -> list[BudgetEntry]:
        return [
            BudgetEntry(year=year, category_id=category.pk, amount=amount)
            for category in self.categories
            for year in self.years
            if (amount := self.cleaned_data.get(self.cell_name(category.pk, year))) is not None
        ]


class ProgressReportCreateForm(forms.ModelForm):
    class Meta:
        model = ProgressReport
        fields = ["period_start", "period_end"]
        widgets = {"period_start": DateInput(), "period_end": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inner_form_helper()

    def _post_clean(self):
        # The service validates the period against the project (same messages).
        pass


class IndicatorFieldsMixin:
    """A value and a comment per project indicator, for the reports that give them (a
    status report's values, a milestone report's results). The fields are named
    `<value_prefix>_<id>` and `<comment_prefix>_<id>`."""

    value_prefix = "value"
    comment_prefix = "comment"

    def add_indicator_fields(self, indicators, current: dict) -> None:
        """Fields for `indicators`, prefilled from `current` ({indicator id: a row with
        `value` and `comment`})."""
        self.indicators = list(indicators)
        for indicator in self.indicators:
            row = current.get(indicator.pk)
            self.fields[f"{self.value_prefix}_{indicator.pk}"] = forms.DecimalField(
                label=_("%(indicator)s (%(unit)s)")
                % {"indicator": indicator.label, "unit": indicator.unit},
                required=False,
                max_digits=14,
                decimal_places=2,
                localize=True,
                initial=row.value if row else None,
            )
            self.fields[f"{self.comment_prefix}_{indicator.pk}"] = forms.CharField(
                label=_("Comment on %(indicator)s") % {"indicator": indicator.label},
                required=False,
                max_length=300,
                initial=row.comment if row else "",
            )

    def indicator_fields(self):
        return [
            (i, self[f"{self.value_prefix}_{i.pk}"], self[f"{self.comment_prefix}_{i.pk}"])
            for i in self.indicators
        ]

    def indicator_entries(self) -> dict[int, tuple]:
        """{indicator id: (value or None, comment)} as the services take them."""
        return {
            i.pk: (
                self.cleaned_data.get(f"{self.value_prefix}_{i.pk}"),
                self.cleaned_data.get(f"{self.comment_prefix}_{i.pk}", ""),
            )
            for i in self.indicators
        }


class ProgressReportForm(IndicatorFieldsMixin, forms.ModelForm):
    """The report's text, its costs incurred per category and its indicator values."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = ProgressReport
        fields = [
            "period_start",
            "period_end",
            "traffic_light",
            "traffic_light_reason",
            "percent_complete",
            "achieved",
            "next_steps",
            "risks",
            "lesson_learned",
            "is_final",
        ]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "traffic_light": forms.RadioSelect,
            "traffic_light_reason": forms.Textarea(attrs={"rows": 2}),
            "achieved": forms.Textarea(attrs={"rows": 5}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
            "risks": forms.Textarea(attrs={"rows": 3}),
            "lesson_learned": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        report = self.instance
        project = report.project
        self.fields["traffic_light"].choices = ProgressReport.TrafficLight.choices
        self.fields["traffic_light"].required = False
        costs = {c.category_id: c.amount for c in report.costs.all()}
        values = {v.indicator_id: v for v in report.indicator_values.all()}
        budget_categories = set(project.budget_lines.values_list("category_id", flat=True))
        self.cost_categories = [
            c
            for c in project.agreement.programme.cost_categories.all()
            if c.eligible or c.pk in budget_categories or c.pk in costs
        ]
        for category in self.cost_categories:
            self.fields[f"cost_{category.pk}"] = KronerField(
                label=str(category), required=False, initial=costs.get(category.pk)
            )
        self.add_indicator_fields(project.indicators.all(), values)
        if not self.is_bound:
            self.initial["version"] = report.version

    def _post_clean(self):
        # Validated by the service under a row lock.
        pass

    def cost_fields(self):
        return [(c, self[f"cost_{c.pk}"]) for c in self.cost_categories]

    def costs(self) -> dict[int, int | None]:
        return {c.pk: self.cleaned_data.get(f"cost_{c.pk}") for c in self.cost_categories}


class BudgetImportForm(UploadFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Budget sheet (.xlsx)"),
        allow_empty_file=True,
        widget=forms.FileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "An Excel workbook with the sheet «%(sheet)s», such as the one you download "
            "from the project; at most %(limit)s MB."
        ) % {"sheet": _("Budget"), "limit": megabytes(settings.DOCUMENT_MAX_BYTES)}
        self.helper = inner_form_helper()

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        validate_upload(uploaded, types=(XLSX,))
        return uploaded


class IndicatorForm(forms.ModelForm):
    """One target figure (måltall): its kind, unit, baseline and target."""

    class Meta:
        model = Indicator
        fields = ["kind", "name", "unit", "baseline", "target"]
        localized_fields = ["baseline", "target"]
        widgets = {
            "kind": forms.Select(attrs={"class": "form-select form-select-sm"}),
            "name": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "unit": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "baseline": forms.TextInput(
                attrs={"class": "form-control form-control-sm text-end", "inputmode": "decimal"}
            ),
            "target": forms.TextInput(
                attrs={"class": "form-control form-control-sm text-end", "inputmode": "decimal"}
            ),
        }
        labels = {"name": _("Name (for «Other»)")}


class BaseIndicatorFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            kind = form.cleaned_data.get("kind")
            if kind and kind != Indicator.Kind.CUSTOM:
                if kind in seen:
                    form.add_error(
                        "kind",
                        _("The project already has a target figure of this kind."),
                    )
                seen.add(kind)


IndicatorFormSet = forms.modelformset_factory(
    Indicator, form=IndicatorForm, formset=BaseIndicatorFormSet, extra=2, can_delete=True
)
