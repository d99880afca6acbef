"""Form fields for Norwegian input: whole kroner typed as «1 250 000» or «kr 125 000»."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

_SPACES = re.compile(r"[\s\u00a0\u202f]+")


class KronerField(forms.Field):
    """Whole kroner. Accepts spaces as thousands separators and a leading «kr»; refuses
    decimals, negative amounts and text with a message that says how to write it."""

    default_error_messages = {
        "invalid": _("«%(value)s» is not an amount. Write whole kroner, e.g. 125 000."),
        "decimals": _("Write the amount in whole kroner without decimals, e.g. 125 000."),
        "negative": _("The amount cannot be negative."),
        "too_large": _("The amount is too large."),
    }

    widget = forms.TextInput

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        return attrs

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{value:,}".replace(",", "\u00a0")
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        text = str(value).strip()
        if not text:
            return None
        if len(text) > 30:
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        cleaned = _SPACES.sub("", text)
        if cleaned.lower().startswith("kr"):
            cleaned = cleaned[2:].lstrip(".:")
        cleaned = cleaned.replace("\u2212", "-")  # a typographic minus
        if re.fullmatch(r"-?\d+[,.]\d*", cleaned) and not re.fullmatch(r"-?\d+[,.]0*", cleaned):
            raise forms.ValidationError(self.error_messages["decimals"], code="decimals")
        cleaned = re.sub(r"[,.]0*$", "", cleaned)
        if not re.fullmatch(r"-?\d+", cleaned):
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": text}
            )
        amount = int(cleaned)
        if amount < 0:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        if amount >= 10**15:
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        return amount
