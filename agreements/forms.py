"""Setting up a programme in the portal: its facts, caps and rules, its focus areas and
its cost categories."""

from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.conf import settings
from django.db import router
from django.db.models import Max, Min, ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, CostCategory, FocusArea, Programme, TargetFigureKind
from ilag.fields import KronerField
from ilag.formats import dato, kr
from ilag.forms import DateInput, ModelChoiceField, ModelMultipleChoiceField, inner_form_helper
from ilag.uploads import PDF, UploadFormMixin, megabytes, validate_upload

# Addresses under /program/ that are pages, not programmes.
RESERVED_SLUGS = {"ny"}


class SetupFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inner_form_helper()


class ProgrammeForm(SetupFormMixin, forms.ModelForm):
    max_grant_per_agreement = KronerField(
        label=_("Maximum grant per agreement (NOK)"),
        required=False,
        help_text=_("Leave empty when the programme sets no cap."),
    )
    target_figure_kinds = forms.MultipleChoiceField(
        label=_("Target figures every project sets"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[c for c in TargetFigureKind.choices if c[0] != TargetFigureKind.CUSTOM],
        help_text=_(
            "A proposal cannot be submitted without a baseline and a target for each of these; "
            "projects may add others."
        ),
    )

    class Meta:
        model = Programme
        fields = [
            "name",
            "short_name",
            "slug",
            "description",
            "owner",
            "start_date",
            "end_date",
            "max_grant_per_agreement",
            "max_county_share_percent",
            "decision_organ",
            "decision_date",
            "decision_case_number",
            "reminder_days",
            "stale_report_weeks",
            "change_threshold_percent",
            "target_figure_kinds",
            "shared_with_partners",
        ]
        field_classes = {"owner": ModelChoiceField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "start_date": DateInput(),
            "end_date": DateInput(),
            "decision_date": DateInput(),
        }
        help_texts = {
            "slug": _(
                "The programme's part of its web address (/program/…/): small letters, "
                "digits and hyphens, e.g. «i-lag-2027»."
            ),
            "decision_case_number": _("As in the case system, e.g. 2023/12345."),
        }
        error_messages = {
            "slug": {
                "unique": _("Another programme already has this short address."),
                "invalid": _(
                    "Use only small letters, digits and hyphens in the short address, e.g. "
                    "«i-lag-2027»."
                ),
            },
        }

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(
                _("«%(slug)s» is taken by a page of the portal. Choose another short address.")
                % {"slug": slug}
            )
        return slug

    def clean(self):
        """A programme already in use keeps its agreements inside its period and caps."""
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        agreements = Agreement.objects.filter(programme=self.instance)
        bounds = agreements.aggregate(first=Min("start_date"), last=Max("end_date"))
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and bounds["first"] and start > bounds["first"]:
            self.add_error(
                "start_date",
                _(
                    "An agreement of the programme starts %(date)s; the programme cannot start later."
                )
                % {"date": dato(bounds["first"])},
            )
        if end and bounds["last"] and end < bounds["last"]:
            self.add_error(
                "end_date",
                _("An agreement of the programme ends %(date)s; the programme cannot end earlier.")
                % {"date": dato(bounds["last"])},
            )
        cap = cleaned.get("max_grant_per_agreement")
        largest = agreements.aggregate(largest=Max("county_frame"))["largest"]
        if cap is not None and largest is not None and largest > cap:
            self.add_error(
                "max_grant_per_agreement",
                _("An agreement of the programme has a frame of %(frame)s, above this cap.")
                % {"frame": kr(largest)},
            )
        return cleaned


class RowFormMixin(SetupFormMixin):
    """A formset's form on one row on wide screens: `row` names the fields and their
    widths (Bootstrap columns). The section above the rows explains them, so the rows
    carry no help texts."""

    row: tuple[tuple[str, str], ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.help_text = ""
        columns = [Column(name, css_class=f"col-md-{width}") for name, width in self.row]
        self.helper.layout = Layout(Row(*columns))
        self.helper.render_hidden_fields = True


class RowFormSetMixin:
    """«Delete» at the end of each row (the formset adds the field after the form is made)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.helper.layout[0].append(Column("DELETE", css_class="col-md-auto pt-md-4"))


class FocusAreaForm(RowFormMixin, forms.ModelForm):
    row = (("name", "4"), ("description", "6"))

    class Meta:
        model = FocusArea
        fields = ["name", "description"]
        widgets = {"description": forms.TextInput}


class CostCategoryForm(RowFormMixin, forms.ModelForm):
    row = (("name", "4"), ("description", "3"), ("position", "2"), ("eligible", "auto pt-md-4"))

    class Meta:
        model = CostCategory
        fields = ["name", "eligible", "description", "position"]
        widgets = {"description": forms.TextInput}
        help_texts = {"position": _("Where the category stands in budgets: lowest first.")}


class KeepInUseFormSet(RowFormSetMixin, forms.BaseInlineFormSet):
    """Rows that something else holds on to (a project's focus area, a budget's cost
    category) cannot be removed: the message names the row, and nothing is deleted."""

    in_use_message = ""

    def clean(self):
        super().clean()
        refused = []
        for form in self.deleted_forms:
            if form.instance.pk is None:
                continue
            try:
                Collector(using=router.db_for_write(self.model)).collect([form.instance])
            except (ProtectedError, RestrictedError):
                refused.append(self.in_use_message % {"name": form.instance})
        if refused:
            # On the formset: a form marked for deletion has its own errors ignored.
            raise forms.ValidationError(refused)


class FocusAreaFormSet(KeepInUseFormSet):
    in_use_message = _("The focus area «%(name)s» is used by projects and cannot be removed.")


class CostCategoryFormSet(KeepInUseFormSet):
    in_use_message = _(
        "The cost category «%(name)s» is used in budgets or reported costs and cannot be "
        "removed. Mark it as not eligible instead."
    )


def focus_area_formset(*args, **kwargs):
    return forms.inlineformset_factory(
        Programme,
        FocusArea,
        form=FocusAreaForm,
        formset=FocusAreaFormSet,
        extra=1,
        can_delete=True,
        can_delete_extra=False,
    )(*args, prefix="focus", **kwargs)


def cost_category_formset(*args, **kwargs):
    return forms.inlineformset_factory(
        Programme,
        CostCategory,
        form=CostCategoryForm,
        formset=CostCategoryFormSet,
        extra=1,
        can_delete=True,
        can_delete_extra=False,
    )(*args, prefix="cost", **kwargs)


class ProgrammeCopyForm(SetupFormMixin, forms.ModelForm):
    """What the copy of a programme gets new: its name, address and period."""

    class Meta:
        model = Programme
        fields = ["name", "short_name", "slug", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        help_texts = ProgrammeForm.Meta.help_texts
        error_messages = ProgrammeForm.Meta.error_messages

    clean_slug = ProgrammeForm.clean_slug


class AgreementForm(SetupFormMixin, forms.ModelForm):
    """A cooperation agreement's terms, while it is a draft."""

    county_frame = KronerField(
        label=_("County's financial frame (NOK)"),
        help_text=_("The most the county grants under this agreement, in whole kroner."),
    )

    class Meta:
        model = Agreement
        fields = [
            "title",
            "municipalities",
            "other_parties",
            "theme",
            "focus_areas",
            "start_date",
            "end_date",
            "county_frame",
            "decision_organ",
            "decision_date",
            "decision_case_number",
        ]
        field_classes = {
            "municipalities": ModelMultipleChoiceField,
            "other_parties": ModelMultipleChoiceField,
            "focus_areas": ModelMultipleChoiceField,
        }
        widgets = {
            "municipalities": forms.CheckboxSelectMultiple,
            "other_parties": forms.CheckboxSelectMultiple,
            "focus_areas": forms.CheckboxSelectMultiple,
            "start_date": DateInput(),
            "end_date": DateInput(),
            "decision_date": DateInput(),
        }
        help_texts = {
            "municipalities": _("One, or several for an agreement with a group of municipalities."),
            "decision_case_number": ProgrammeForm.Meta.help_texts["decision_case_number"],
        }
        error_messages = {
            "municipalities": {"required": _("Choose at least one municipality.")},
        }

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        self.fields["municipalities"].queryset = self.fields["municipalities"].queryset.order_by(
            "name"
        )
        self.fields["other_parties"].queryset = (
            self.fields["other_parties"].queryset.exclude(pk=programme.owner_id).order_by("name")
        )
        self.fields["focus_areas"].queryset = programme.focus_areas.all()
        if not programme.focus_areas.exists():
            del self.fields["focus_areas"]


class AgreementSignForm(UploadFormMixin, SetupFormMixin, forms.Form):
    """The agreement as signed: the date and the signed document (PDF)."""

    upload_field = "document"
    signed_date = forms.DateField(label=_("Date signed"), widget=DateInput())
    document = forms.FileField(
        label=_("The signed agreement (PDF)"),
        allow_empty_file=True,
        widget=forms.FileInput(attrs={"accept": ".pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].help_text = _(
            "The agreement with every party's signature, scanned or signed electronically; "
            "at most %(limit)s MB."
        ) % {"limit": megabytes(settings.DOCUMENT_MAX_BYTES)}

    def clean_signed_date(self):
        signed = self.cleaned_data["signed_date"]
        if signed > timezone.localdate():
            raise forms.ValidationError(_("The date it was signed cannot be in the future."))
        return signed

    def clean_document(self):
        document = self.cleaned_data["document"]
        validate_upload(document, types=(PDF,))
        return document


class AgreementAmendForm(UploadFormMixin, SetupFormMixin, forms.Form):
    """An addendum (tilleggsavtale): a new frame or end date, when, why, and the signed
    document."""

    upload_field = "document"
    signed_on = forms.DateField(label=_("Date signed"), widget=DateInput())
    new_county_frame = KronerField(label=_("New financial frame (NOK)"), required=False)
    new_end_date = forms.DateField(label=_("New end date"), widget=DateInput(), required=False)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    document = forms.FileField(
        label=_("The signed addendum (PDF)"),
        allow_empty_file=True,
        widget=forms.FileInput(attrs={"accept": ".pdf"}),
    )

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_county_frame"].help_text = _("Now %(frame)s. Leave empty to keep it.") % {
            "frame": kr(agreement.county_frame)
        }
        self.fields["new_end_date"].help_text = _("Now %(date)s. Leave empty to keep it.") % {
            "date": dato(agreement.end_date)
        }

    clean_document = AgreementSignForm.clean_document

    def clean_signed_on(self):
        signed = self.cleaned_data["signed_on"]
        if signed > timezone.localdate():
            raise forms.ValidationError(_("The date it was signed cannot be in the future."))
        return signed


class AgreementTerminateForm(SetupFormMixin, forms.Form):
    terminated_on = forms.DateField(
        label=_("Date of termination"),
        widget=DateInput(),
        help_text=_("Within the agreement's period."),
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
