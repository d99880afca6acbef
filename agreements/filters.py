import django_filters
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, FocusArea, Programme
from ilag.filters import ModelChoiceFilter
from municipalities.filters import MunicipalityFilter, municipality_lookup


class AgreementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    program = ModelChoiceFilter(
        label=_("Programme"),
        field_name="programme",
        to_field_name="slug",
        queryset=Programme.objects.none(),
        empty_label=_("All"),
    )
    kommune = MunicipalityFilter(method="municipality")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Agreement.Status.choices, empty_label=_("All")
    )
    innsatsomrade = ModelChoiceFilter(
        label=_("Focus area"),
        field_name="focus_areas",
        queryset=FocusArea.objects.none(),
        empty_label=_("All"),
    )
    fra = django_filters.DateFilter(
        label=_("Active from"), field_name="end_date", lookup_expr="gte"
    )
    til = django_filters.DateFilter(
        label=_("Active until"), field_name="start_date", lookup_expr="lte"
    )

    class Meta:
        model = Agreement
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        programmes = Programme.objects.visible_to(request.user)
        self.filters["program"].queryset = programmes
        self.filters["innsatsomrade"].queryset = FocusArea.objects.filter(
            programme__in=programmes
        ).select_related("programme")
        self.filters["innsatsomrade"].field.label_from_instance = lambda area: (
            f"{area.name} ({area.programme})"
        )
        for name in ("fra", "til"):
            self.filters[name].field.widget.input_type = "date"

    def search(self, queryset, name, value):
        value = value.strip()[:200]
        return queryset.filter(title__icontains=value) | queryset.filter(theme__icontains=value)

    def municipality(self, queryset, name, value):
        return queryset.filter(
            pk__in=Agreement.municipalities.through.objects.filter(
                **municipality_lookup(value, "municipality__")
            ).values("agreement")
        )

    def filter_queryset(self, queryset):
        # Focus areas are many-to-many: keep each agreement once.
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("innsatsomrade"):
            queryset = queryset.model.objects.filter(pk__in=queryset.values("pk"))
        return queryset
