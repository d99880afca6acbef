from django import forms

from ilag.forms import inner_form_helper
from ilag.validators import normalise_account_number
from municipalities.models import Municipality


def _label(name):
    return Municipality._meta.get_field(name).verbose_name


class MunicipalityPaymentForm(forms.ModelForm):
    """The facts a payout needs: the organisation number and the bank account number,
    both checked with their MOD11 check digit (by the model, at the field). Carries the
    numbers as the form was opened, so that a change someone else saved meanwhile is
    not silently overwritten."""

    organisation_number = forms.CharField(
        label=_label("organisation_number"), required=False, max_length=11
    )
    bank_account_number = forms.CharField(
        label=_label("bank_account_number"),
        required=False,
        max_length=13,
        help_text=Municipality._meta.get_field("bank_account_number").help_text,
    )
    opened_with = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Municipality
        fields = ["organisation_number", "bank_account_number"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("organisation_number", "bank_account_number"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        if not self.is_bound:
            self.initial["bank_account_number"] = self.instance.bank_account_display
            self.initial["opened_with"] = self.fingerprint(self.instance)
        self.helper = inner_form_helper()

    @staticmethod
    def fingerprint(municipality) -> str:
        return f"{municipality.organisation_number}/{municipality.bank_account_number}"

    def clean_organisation_number(self):
        return self.cleaned_data["organisation_number"].replace(" ", "")

    def clean_bank_account_number(self):
        return normalise_account_number(self.cleaned_data["bank_account_number"])
