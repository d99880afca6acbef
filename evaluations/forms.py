from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.forms import RowFormMixin, RowFormSetMixin
from agreements.models import Programme
from evaluations.models import (
    Milestone,
    MilestoneReport,
    MilestoneTemplate,
    add_months,
    programme_milestone_kinds,
)
from ilag.fields import KronerField
from ilag.formats import dato
from ilag.forms import DateInput, ModelChoiceField, inner_form_helper
from ilag.uploads import (
    UploadFormMixin,
    document_file_input,
    document_help_text,
    validate_upload,
)
from projects.forms import IndicatorFieldsMixin


class CrispyMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inner_form_helper()


class MilestoneMoveForm(CrispyMixin, forms.Form):
    due_date = forms.DateField(label=_("New due date"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the change history, e.g. «Agreed at the meeting on 3 May»."),
    )


class MilestoneDeliverForm(UploadFormMixin, CrispyMixin, forms.Form):
    upload_field = "document"

    delivered_on = forms.DateField(label=_("Delivered on"), widget=DateInput())
    document = forms.FileField(
        label=_("Delivered document"),
        required=False,
        allow_empty_file=True,  # validate_upload's message names the empty file
        widget=document_file_input(),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the change history, e.g. «Final evaluation received from NIBR»."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].help_text = f"{_('Optional.')} {document_help_text()}"

    def clean_document(self):
        uploaded = self.cleaned_data.get("document")
        if uploaded:
            validate_upload(uploaded)
        return uploaded


class MilestoneUndeliverForm(CrispyMixin, forms.Form):
    # Shown on the milestone's page next to the move form, which has a «reason» too.
    prefix = "angre"
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the change history."),
    )


class MilestoneAddForm(CrispyMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    responsible = ModelChoiceField(label=_("Responsible"), queryset=None, required=False)

    def __init__(self, *args, agreement, responsible_choices, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = programme_milestone_kinds(agreement.programme)
        self.fields["kind"].choices = [c for c in Milestone.Kind.choices if c[0] in kinds]
        self.fields["responsible"].queryset = responsible_choices


class MilestoneReportForm(IndicatorFieldsMixin, CrispyMixin, forms.ModelForm):
    value_prefix, comment_prefix = "result", "result_comment"
    version = forms.IntegerField(widget=forms.HiddenInput)
    effect_external_funding = KronerField(
        label=_("External funding triggered (NOK)"), required=False
    )

    class Meta:
        model = MilestoneReport
        fields = [
            "summary",
            "effect_employment",
            "effect_in_movers_kept",
            "effect_applicants_per_vacancy",
            "effect_partner_participation",
            "effect_external_funding",
            "effect_comment",
            "knowledge_sharing",
            "continuation",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "effect_comment": forms.Textarea(attrs={"rows": 3}),
            "knowledge_sharing": forms.Textarea(attrs={"rows": 3}),
            "continuation": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effect_applicants_per_vacancy"].localize = True
        self.fields["effect_applicants_per_vacancy"].widget.is_localized = True
        results = {r.indicator_id: r for r in self.instance.indicator_results.all()}
        self.add_indicator_fields(indicators, results)
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def _post_clean(self):
        # Validated by the service, under a row lock.
        pass


class MilestoneTemplateForm(RowFormMixin, forms.ModelForm):
    """A standard milestone of a programme: months after each agreement starts, or a
    fixed date within the programme's period."""

    class Meta:
        model = MilestoneTemplate
        fields = ["kind", "title", "months_after_start", "fixed_date"]
        widgets = {"fixed_date": DateInput()}
        help_texts = {
            "title": _("Leave empty to use the kind as the title."),
            "months_after_start": _("E.g. 12 for a mid-term report after one year."),
            "fixed_date": _("Instead of months: the same date for every agreement."),
        }

    row = (("kind", "3"), ("title", "3"), ("months_after_start", "2"), ("fixed_date", "2"))

    def clean(self):
        cleaned = super().clean()
        months, fixed = cleaned.get("months_after_start"), cleaned.get("fixed_date")
        if months is None and fixed is None and cleaned.get("kind"):
            self.add_error(
                "months_after_start",
                _("Give the months after the agreement starts, or a fixed date."),
            )
        elif months is not None and fixed is not None:
            self.add_error(
                "fixed_date",
                _("Give either months after the agreement starts or a fixed date, not both."),
            )
        return cleaned


class MilestoneTemplateFormSet(RowFormSetMixin, forms.BaseInlineFormSet):
    """A programme's standard milestones: each must fall within the programme's period
    (`start`, `end`: the dates the programme form is about to save)."""

    def __init__(self, *args, start=None, end=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.start, self.end = start, end

    def clean(self):
        super().clean()
        if not (self.start and self.end):
            return
        for form in self.forms:
            if form in self.deleted_forms or not getattr(form, "cleaned_data", None):
                continue
            fixed = form.cleaned_data.get("fixed_date")
            months = form.cleaned_data.get("months_after_start")
            if fixed and not self.start <= fixed <= self.end:
                form.add_error(
                    "fixed_date",
                    _("The date must lie within the programme's period (%(start)s–%(end)s).")
                    % {"start": dato(self.start), "end": dato(self.end)},
                )
            elif months is not None and add_months(self.start, months) > self.end:
                form.add_error(
                    "months_after_start",
                    _(
                        "%(months)s months after the programme starts is after it ends "
                        "(%(end)s): no agreement could reach this milestone."
                    )
                    % {"months": months, "end": dato(self.end)},
                )


def milestone_template_formset(*args, **kwargs):
    return forms.inlineformset_factory(
        Programme,
        MilestoneTemplate,
        form=MilestoneTemplateForm,
        formset=MilestoneTemplateFormSet,
        extra=1,
        can_delete=True,
        can_delete_extra=False,
    )(*args, prefix="template", **kwargs)
