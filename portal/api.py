"""Read-only JSON API for the county's other systems, under /api/v1/.

Each endpoint lists what the requesting user may see in the portal (the same
`visible_to` querysets), filtered by the same FilterSets as the portal's lists, so a
query string that works on a list page works here too (?status=, ?kommune=, ?program=).
Field names are English and stable; amounts are whole kroner; dates are ISO 8601.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions, routers, serializers, viewsets

from agreements.models import Agreement, FocusArea
from evaluations.models import DISPLAY_STATE_LABELS, Milestone
from ilag.middleware import refuses_nul_bytes_itself
from municipalities.models import Municipality
from payouts.figures import money_of, with_money
from portal.api_filters import (
    AgreementApiFilter,
    MilestoneApiFilter,
    ProgressReportApiFilter,
    ProjectApiFilter,
)
from projects.filters import latest_approved_light
from projects.models import ProgressReport, Project, agreements_with_totals
from projects.shares import share_parts

app_name = "api"


class ApiAuthMixin:
    """DRF authenticates API requests itself (token or session) and answers 401/403 in
    JSON; the site's LoginRequiredMiddleware would redirect them to the login page."""

    @classmethod
    def as_view(cls, *args, **kwargs):
        return login_not_required(super().as_view(*args, **kwargs))

    def perform_authentication(self, request):
        # A NUL byte is in no token, and the token lookup would hand it to PostgreSQL,
        # which refuses NUL in text (a 500): it is an invalid token, whatever the scheme.
        if "\x00" in request.META.get("HTTP_AUTHORIZATION", ""):
            raise exceptions.AuthenticationFailed()
        super().perform_authentication(request)


class ApiTokenScheme(KnoxTokenScheme):
    """The schema's security scheme for the portal's keys (`Authorization: Token <key>`)."""

    target_class = "accounts.api_auth.ApiTokenAuthentication"
    name = "tokenAuth"


# Serializers ----------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.URI)
class PortalUrlField(serializers.ReadOnlyField):
    """The object's page in the portal, as people outside reach it (PORTAL_BASE_URL)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", **kwargs)

    def to_representation(self, value):
        return settings.PORTAL_BASE_URL + value.get_absolute_url()


class OptionalChoiceField(serializers.ChoiceField):
    """A choice that may be unset: null, not an empty string."""

    def __init__(self, choices, **kwargs):
        super().__init__(choices, allow_null=True, **kwargs)

    def to_representation(self, value):
        return super().to_representation(value) or None


class MunicipalitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = ["number", "name"]


class FocusAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = FocusArea
        fields = ["id", "name"]


class ShareSerializer(serializers.Serializer):
    municipality = serializers.CharField(help_text=_("The municipality's number."))
    is_lead = serializers.BooleanField()
    # A number in JSON (50.0), as the API has always given it, not DRF's default string.
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False)
    budget = serializers.IntegerField(help_text=_("The municipality's part of the budget."))
    grant_from_owner = serializers.IntegerField(
        help_text=_("The municipality's part of the grant from the programme owner.")
    )
    granted = serializers.IntegerField(help_text=_("The municipality's part of the grant."))
    paid = serializers.IntegerField(help_text=_("The municipality's part of what is paid."))
    ordered = serializers.IntegerField(
        help_text=_("The municipality's part of what is ordered and not yet paid.")
    )
    remaining = serializers.IntegerField(
        help_text=_("The municipality's part of what remains of the grant.")
    )


class MoneySerializer(serializers.Serializer):
    granted = serializers.IntegerField(help_text=_("The grant; the settled grant once settled."))
    requested = serializers.IntegerField(help_text=_("Requested, waiting for the county."))
    ordered = serializers.IntegerField(help_text=_("Ordered by the county, not yet paid."))
    paid = serializers.IntegerField(help_text=_("Paid, net of money claimed back."))
    remaining = serializers.IntegerField(help_text=_("Granted less ordered and paid."))


class ProjectSerializer(serializers.ModelSerializer):
    programme = serializers.CharField(source="agreement.programme.slug")
    agreement = serializers.IntegerField(source="agreement_id")
    municipalities = MunicipalitySerializer(many=True)
    focus_area = FocusAreaSerializer(allow_null=True)
    status_label = serializers.CharField(source="get_status_display")
    budget_total = serializers.IntegerField(source="budget_sum")
    funding_total = serializers.IntegerField(source="funding_sum")
    grant_from_owner = serializers.IntegerField(source="county_sum")
    latest_traffic_light = OptionalChoiceField(
        ProgressReport.TrafficLight.choices, source="latest_light"
    )
    lead_municipality = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True
    )
    shares = serializers.SerializerMethodField(
        help_text=_(
            "Each municipality's share of the project, with its part of the budget and grant; "
            "the parts sum to the project's totals. Per-municipality figures count these parts."
        )
    )
    payouts = serializers.SerializerMethodField(
        help_text=_("The grant's money: granted, requested, ordered, paid and remaining.")
    )
    url = PortalUrlField()

    @extend_schema_field(ShareSerializer(many=True))
    def get_shares(self, project) -> list[dict]:
        numbers = {m.pk: m.number for m in project.municipalities.all()}
        money = money_of(project)
        parts = share_parts(
            project,
            budget=project.budget_sum,
            grant=project.county_sum,
            granted=money.granted,
            ordered=money.ordered,
            paid=money.paid,
        )
        rows = [
            {
                "municipality": numbers[part["municipality_id"]],
                "is_lead": part["is_lead"],
                "percent": part["percent"],
                "budget": part["budget"],
                "grant_from_owner": part["grant"],
                "granted": part["granted"],
                "ordered": part["ordered"],
                "paid": part["paid"],
                # As on the portal's pages: the parts of granted, ordered and paid.
                "remaining": part["granted"] - part["ordered"] - part["paid"],
            }
            for part in parts
        ]
        return ShareSerializer(rows, many=True).data

    @extend_schema_field(MoneySerializer)
    def get_payouts(self, project) -> dict:
        money = money_of(project)
        return {
            "granted": money.granted,
            "requested": money.requested,
            "ordered": money.ordered,
            "paid": money.paid,
            "remaining": money.remaining,
        }

    class Meta:
        model = Project
        fields = [
            "id",
            "number",
            "title",
            "programme",
            "agreement",
            "municipalities",
            "lead_municipality",
            "shares",
            "focus_area",
            "status",
            "status_label",
            "start_date",
            "end_date",
            "budget_total",
            "funding_total",
            "grant_from_owner",
            "granted_amount",
            "payouts",
            "latest_traffic_light",
            "is_demo",
            "url",
        ]
        read_only_fields = fields


class AgreementSerializer(serializers.ModelSerializer):
    programme = serializers.CharField(source="programme.slug")
    municipalities = MunicipalitySerializer(many=True)
    focus_areas = FocusAreaSerializer(many=True)
    status_label = serializers.CharField(source="get_status_display")
    budget_total = serializers.IntegerField(
        source="budget_sum",
        help_text=_("Budgets of the agreement's projects the user may see (NOK)."),
    )
    grant_from_owner = serializers.IntegerField(
        source="county_sum",
        help_text=_("Funding from the programme owner in the projects the user may see (NOK)."),
    )
    project_count = serializers.IntegerField()
    url = PortalUrlField()

    class Meta:
        model = Agreement
        fields = [
            "id",
            "title",
            "theme",
            "programme",
            "municipalities",
            "focus_areas",
            "status",
            "status_label",
            "start_date",
            "end_date",
            "signed_date",
            "decision_date",
            "decision_case_number",
            "county_frame",
            "budget_total",
            "grant_from_owner",
            "project_count",
            "is_demo",
            "url",
        ]
        read_only_fields = fields


class StatusReportSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id")
    programme = serializers.CharField(source="project.agreement.programme.slug")
    municipality_numbers = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display")
    traffic_light = OptionalChoiceField(ProgressReport.TrafficLight.choices)
    traffic_light_label = serializers.CharField(source="get_traffic_light_display")
    costs_total = serializers.IntegerField(
        help_text=_("Costs incurred on the project so far, as of the report (NOK).")
    )
    url = PortalUrlField()

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "project",
            "programme",
            "municipality_numbers",
            "period_start",
            "period_end",
            "status",
            "status_label",
            "traffic_light",
            "traffic_light_label",
            "traffic_light_reason",
            "percent_complete",
            "achieved",
            "next_steps",
            "risks",
            "lesson_learned",
            "costs_total",
            "submitted_at",
            "reviewed_at",
            "url",
        ]
        read_only_fields = fields

    def get_municipality_numbers(self, report) -> list[str]:
        return [m.number for m in report.project.municipalities.all()]


class MilestoneSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="label")
    kind_label = serializers.CharField(source="get_kind_display")
    programme = serializers.SerializerMethodField()
    agreement = serializers.IntegerField(source="agreement_id", allow_null=True)
    project = serializers.IntegerField(source="project_id", allow_null=True)
    municipality_numbers = serializers.SerializerMethodField()
    # The state the portal shows (and ?status= filters by), which depends on today.
    status = serializers.ChoiceField(list(DISPLAY_STATE_LABELS.items()), source="display_state")
    status_label = serializers.CharField(source="display_state_label")
    url = PortalUrlField()

    class Meta:
        model = Milestone
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "programme",
            "agreement",
            "project",
            "municipality_numbers",
            "due_date",
            "status",
            "status_label",
            "delivered_on",
            "url",
        ]
        read_only_fields = fields

    def get_programme(self, milestone) -> str:
        if milestone.programme_id:
            return milestone.programme.slug
        if milestone.agreement_id:
            return milestone.agreement.programme.slug
        return milestone.project.agreement.programme.slug

    def get_municipality_numbers(self, milestone) -> list[str]:
        owner = milestone.agreement or milestone.project
        return [m.number for m in owner.municipalities.all()] if owner else []


# Errors ---------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("What went wrong, in the user's language."))

    class Meta:
        ref_name = "Error"


# DRF's answer to query parameters it refuses: each parameter's messages by its name.
INVALID_PARAMETERS = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": {"type": "array", "items": {"type": "string"}, "minItems": 1},
}


class ApiAutoSchema(AutoSchema):
    """Every status code an operation answers, with its body and headers: the client
    generated from the schema knows each of them."""

    def get_response_serializers(self):
        responses = {
            200: super().get_response_serializers(),
            401: OpenApiResponse(
                ErrorSerializer,
                _("No valid token or session. `WWW-Authenticate` names the token scheme."),
            ),
            406: OpenApiResponse(
                ErrorSerializer, _("The Accept header asks for something other than JSON.")
            ),
            429: OpenApiResponse(
                ErrorSerializer,
                _("Too many requests for the user; try again after `Retry-After` seconds."),
            ),
        }
        if getattr(self.view, "action", None) == "list":
            responses[400] = OpenApiResponse(
                INVALID_PARAMETERS,
                _("A query parameter has a value the API does not take; the messages say why."),
            )
            responses[404] = OpenApiResponse(ErrorSerializer, _("A page past the last one."))
        else:
            responses[404] = OpenApiResponse(
                ErrorSerializer, _("No such object among those the user may see.")
            )
        return dict(sorted(responses.items()))

    def get_override_parameters(self):
        return [
            *super().get_override_parameters(),
            OpenApiParameter(
                "WWW-Authenticate",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                response=[401],
                description=_("The authentication scheme the API expects."),
            ),
            OpenApiParameter(
                "Retry-After",
                OpenApiTypes.INT,
                OpenApiParameter.HEADER,
                response=[429],
                description=_("Seconds until the user may ask again."),
            ),
        ]


# Views ----------------------------------------------------------------------------


def described(list_text, detail_text):
    """Endpoint descriptions for the schema, in the request's language."""
    return extend_schema_view(
        list=extend_schema(description=list_text), retrieve=extend_schema(description=detail_text)
    )


class ScopedViewSet(ApiAuthMixin, viewsets.ReadOnlyModelViewSet):
    # What the user may see, filtered, then decorated for the rows shown (after the
    # filters, since a FilterSet may rebuild the queryset), in a stable order by id.
    model = None
    schema = ApiAutoSchema()
    # Any id in the address reaches the view, which answers 404 in JSON for one that is
    # not a number (the router's default stops at a dot, leaving Django's HTML 404).
    lookup_value_regex = "[^/]+"

    @classmethod
    def as_view(cls, *args, **kwargs):
        # The filters' fields refuse a NUL byte with a 400 naming the parameter, and an
        # id with one is a 404; no query parameter reaches the database unchecked.
        return refuses_nul_bytes_itself(super().as_view(*args, **kwargs))

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def filter_queryset(self, queryset):
        return self.decorate(super().filter_queryset(queryset)).order_by("pk")

    def decorate(self, queryset):
        return queryset


@described(
    _("The projects the user may see, by id. Filters as on the portal's project list."),
    _("One project the user may see."),
)
class ProjectViewSet(ScopedViewSet):
    model = Project
    serializer_class = ProjectSerializer
    filterset_class = ProjectApiFilter

    def decorate(self, queryset):
        return (
            with_money(queryset.with_totals())
            .annotate(latest_light=latest_approved_light())
            .select_related("agreement__programme", "focus_area", "lead_municipality")
            .prefetch_related("municipalities", "shares")
        )


@described(
    _(
        "The cooperation agreements the user may see, by id, with the totals of the "
        "projects the user may see."
    ),
    _("One cooperation agreement the user may see."),
)
class AgreementViewSet(ScopedViewSet):
    model = Agreement
    serializer_class = AgreementSerializer
    filterset_class = AgreementApiFilter

    def decorate(self, queryset):
        return (
            agreements_with_totals(queryset, self.request.user)
            .select_related("programme")
            .prefetch_related("municipalities", "focus_areas")
        )


@described(
    _(
        "The status reports the user may see, by id. Reports not yet approved are shown "
        "only to the project's own leaders and the programme's advisers."
    ),
    _("One status report the user may see."),
)
class StatusReportViewSet(ScopedViewSet):
    model = ProgressReport
    serializer_class = StatusReportSerializer
    filterset_class = ProgressReportApiFilter

    def decorate(self, queryset):
        return queryset.select_related("project__agreement__programme").prefetch_related(
            "project__municipalities", "costs"
        )


@described(
    _(
        "The milestones the user may see, by id. The status is the state the portal "
        "shows today: upcoming, due soon, overdue, delivered or approved."
    ),
    _("One milestone the user may see."),
)
class MilestoneViewSet(ScopedViewSet):
    model = Milestone
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneApiFilter

    def decorate(self, queryset):
        return queryset.select_related(
            "programme", "agreement__programme", "project__agreement__programme"
        ).prefetch_related("agreement__municipalities", "project__municipalities")


class Router(routers.DefaultRouter):
    include_format_suffixes = False

    class APIRootView(ApiAuthMixin, routers.APIRootView):
        """The endpoints of the API."""


class SchemaView(ApiAuthMixin, SpectacularAPIView):
    pass


router = Router()
router.register("projects", ProjectViewSet, basename="project")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("status-reports", StatusReportViewSet, basename="status-report")
router.register("milestones", MilestoneViewSet, basename="milestone")

urlpatterns = [
    *router.urls,
    path("schema/", SchemaView.as_view(), name="schema"),
]
