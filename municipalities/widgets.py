from django import forms
from django.urls import reverse_lazy


class MunicipalitySearchInput(forms.TextInput):
    """A text field for a municipality's name or number that suggests matching
    municipalities as the user types (static/js/suggest.js fills a native <datalist> from
    municipalities:suggest), so a filter needs no drop-down of every municipality."""

    template_name = "municipalities/widgets/search_input.html"

    def __init__(self, attrs=None):
        super().__init__(
            {"autocomplete": "off", "data-suggest-url": reverse_lazy("municipalities:suggest")}
            | (attrs or {})
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["list"] = f"{widget_attrs.get('id') or name}-forslag"
        return context
