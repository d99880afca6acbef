"""Filters for the project and status-report lists (in the URL, so views can be shared)."""

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from agreements.models import FocusArea, Programme
from ilag.filters import ModelChoiceFilter
from municipalities.filters import MunicipalityFilter, municipality_lookup
from projects.models import ProgressReport, Project

SEARCH_CONFIG = "norwegian"


def latest_approved_light():
    return Subquery(
        ProgressReport.objects.filter(project=OuterRef("pk"), status=ProgressReport.Status.APPROVED)
        .order_by("-period_end", "-pk")
        .values("traffic_light")[:1]
    )


class DateInput(forms.DateInput):
    input_type = "date"


def search_projects(queryset, text: str):
    """Full-text search over titles, descriptions, goals and status-report narratives:
    PostgreSQL's Norwegian configuration where the database is PostgreSQL, a plain
    substring search elsewhere (SQLite, the zero-setup default)."""
    text = text.strip()[:200]
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        reports = ProgressReport.objects.annotate(
            document=SearchVector(
                "achieved", "next_steps", "risks", "lesson_learned", config=SEARCH_CONFIG
            )
        ).filter(project=OuterRef("pk"), document=query)
        return queryset.annotate(
            document=SearchVector("title", "description", "goals", config=SEARCH_CONFIG)
        ).filter(Q(document=query) | Exists(reports))
    reports = ProgressReport.objects.filter(project=OuterRef("pk")).filter(
        Q(achieved__icontains=text) | Q(lesson_learned__icontains=text)
    )
    return queryset.filter(
        Q(title__icontains=text) | Q(description__icontains=text) | Exists(reports)
    )


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    program = ModelChoiceFilter(
        label=_("Programme"),
        field_name="agreement__programme",
        to_field_name="slug",
        queryset=Programme.objects.none(),
        empty_label=_("All"),
    )
    kommune = MunicipalityFilter(method="municipality")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Project.Status.choices, empty_label=_("All")
    )
    innsatsomrade = ModelChoiceFilter(
        label=_("Focus area"),
        field_name="focus_area",
        queryset=FocusArea.objects.none(),
        empty_label=_("All"),
    )
    statuslys = django_filters.ChoiceFilter(
        label=_("Status light"),
        choices=ProgressReport.TrafficLight.choices,
        method="traffic_light",
        empty_label=_("All"),
    )
    fra = django_filters.DateFilter(
        label=_("Active from"), field_name="end_date", lookup_expr="gte", widget=DateInput
    )
    til = django_filters.DateFilter(
        label=_("Active until"), field_name="start_date", lookup_expr="lte", widget=DateInput
    )

    class Meta:
        model = Project
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

    def search(self, queryset, name, value):
        return search_projects(queryset, value)

    def municipality(self, queryset, name, value):
        # Through a subquery, so a joint project matching twice is listed once.
        return queryset.filter(
            pk__in=Project.municipalities.through.objects.filter(
                **municipality_lookup(value, "municipality__")
            ).values("project")
        )

    def traffic_light(self, queryset, name, value):
        return queryset.annotate(latest_light=latest_approved_light()).filter(latest_light=value)


class ProgressReportFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search the narratives"), method="search")
    program = ModelChoiceFilter(
        label=_("Programme"),
        field_name="project__agreement__programme",
        to_field_name="slug",
        queryset=Programme.objects.none(),
        empty_label=_("All"),
    )
    kommune = MunicipalityFilter(method="municipality")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ProgressReport.Status.choices, empty_label=_("All")
    )
    statuslys = django_filters.ChoiceFilter(
        label=_("Status light"),
        field_name="traffic_light",
        choices=ProgressReport.TrafficLight.choices,
        empty_label=_("All"),
    )
    fra = django_filters.DateFilter(
        label=_("Period from"), field_name="period_end", lookup_expr="gte", widget=DateInput
    )
    til = django_filters.DateFilter(
        label=_("Period until"), field_name="period_start", lookup_expr="lte", widget=DateInput
    )

    class Meta:
        model = ProgressReport
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["program"].queryset = Programme.objects.visible_to(request.user)

    def search(self, queryset, name, value):
        value = value.strip()[:200]
        if not value:
            return queryset
        if connection.vendor == "postgresql":
            query = SearchQuery(value, config=SEARCH_CONFIG, search_type="websearch")
            return queryset.annotate(
                document=SearchVector(
                    "achieved", "next_steps", "risks", "lesson_learned", config=SEARCH_CONFIG
                )
            ).filter(document=query)
        return queryset.filter(Q(achieved__icontains=value) | Q(lesson_learned__icontains=value))

    def municipality(self, queryset, name, value):
        return queryset.filter(
            project__in=Project.municipalities.through.objects.filter(
                **municipality_lookup(value, "municipality__")
            ).values("project")
        )
