import datetime

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Programme
from evaluations.models import DISPLAY_STATE_LABELS, DUE_SOON_DAYS, Milestone
from ilag.filters import ModelChoiceFilter
from municipalities.filters import MunicipalityFilter, municipality_lookup


class MilestoneFilter(django_filters.FilterSet):
    program = ModelChoiceFilter(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        to_field_name="slug",
        method="programme",
        empty_label=_("All"),
    )
    kommune = MunicipalityFilter(method="municipality")
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=list(DISPLAY_STATE_LABELS.items()),
        method="state",
        empty_label=_("All"),
    )
    type = django_filters.ChoiceFilter(
        label=_("Kind"), field_name="kind", choices=Milestone.Kind.choices, empty_label=_("All")
    )
    fra = django_filters.DateFilter(label=_("Due from"), field_name="due_date", lookup_expr="gte")
    til = django_filters.DateFilter(label=_("Due until"), field_name="due_date", lookup_expr="lte")

    class Meta:
        model = Milestone
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["program"].queryset = Programme.objects.visible_to(request.user)
        for name in ("fra", "til"):
            self.filters[name].field.widget.input_type = "date"

    def programme(self, queryset, name, value):
        return queryset.filter(
            Q(programme=value)
            | Q(agreement__programme=value)
            | Q(project__agreement__programme=value)
        )

    def municipality(self, queryset, name, value):
        return queryset.filter(
            Q(**municipality_lookup(value, "agreement__municipalities__"))
            | Q(**municipality_lookup(value, "project__municipalities__"))
        ).distinct()

    def state(self, queryset, name, value):
        today = timezone.localdate()
        soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
        planned = Q(status=Milestone.Status.PLANNED)
        return queryset.filter(
            {
                "approved": Q(status=Milestone.Status.APPROVED),
                "delivered": Q(status=Milestone.Status.DELIVERED),
                "overdue": planned & Q(due_date__lt=today),
                "due_soon": planned & Q(due_date__gte=today, due_date__lte=soon),
                "upcoming": planned & Q(due_date__gt=soon),
            }[value]
        )
