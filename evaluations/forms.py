from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from evaluations.models import Milestone, MilestoneReport, programme_milestone_kinds
from ilag.forms import DateInput
from ilag.uploads import (
    UploadFormMixin,
    document_file_input,
    document_help_text,
    validate_upload,
)
from projects.fields import KronerField
from projects.forms import IndicatorFieldsMixin


class CrispyMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


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
    responsible = forms.ModelChoiceField(label=_("Responsible"), queryset=None, required=False)

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
