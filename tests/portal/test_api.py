"""The read-only JSON API (ilag/api.py): token authentication, the portal's scoping and
filters, whole-kroner amounts, a flat query count and a valid OpenAPI schema."""

import datetime
import io
import json
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from accounts.models import Role
from agreements.models import Agreement
from evaluations.models import Milestone
from portal.api_pagination import Pagination
from projects.models import ProgressReport, Project
from tests.factories import (
    AgreementFactory,
    BudgetLineFactory,
    FundingLineFactory,
    MunicipalityFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    api_key,
)
from tests.module_world import built_once_per_module

pytestmark = pytest.mark.django_db

LIST_NAMES = ["project-list", "agreement-list", "status-report-list", "milestone-list"]


@dataclass
class World:
    users: dict
    snasa_project: Project
    meraker_project: Project
    meraker_draft: Project
    closed_project: Project  # in a programme not shared with partners
    meraker_draft_report: ProgressReport
    meraker_approved_report: ProgressReport
    draft_agreement: Agreement
    draft_agreement_milestone: Milestone
    closed_milestone: Milestone


def report(project, status, light=""):
    return ProgressReport.objects.create(
        project=project,
        period_start=project.start_date,
        period_end=project.start_date,
        status=status,
        traffic_light=light,
    )


def build_world() -> World:
    shared = ProgrammeFactory(slug="i-lag", shared_with_partners=True)
    closed = ProgrammeFactory(slug="lukket", shared_with_partners=False)
    snasa = MunicipalityFactory(number="5041", name="Snåsa")
    meraker = MunicipalityFactory(number="5034", name="Meråker")
    snasa_agreement = AgreementFactory(programme=shared, municipalities=[snasa])
    meraker_agreement = AgreementFactory(programme=shared, municipalities=[meraker])
    draft_agreement = AgreementFactory(programme=shared, municipalities=[meraker], draft=True)
    closed_agreement = AgreementFactory(programme=closed, municipalities=[snasa])
    meraker_project = ProjectFactory(agreement=meraker_agreement, title="Meråker i arbeid")
    adviser = UserFactory(username="adviser", role=Role.ADVISER)
    adviser.programmes.add(shared, closed)
    return World(
        users={
            "adviser": adviser,
            "snasa_leader": UserFactory(
                username="snasa", role=Role.PROJECT_LEADER, municipalities=[snasa]
            ),
            "committee": UserFactory(username="committee", role=Role.COMMITTEE_READER),
            "partner": UserFactory(username="partner", role=Role.PARTNER),
        },
        snasa_project=ProjectFactory(agreement=snasa_agreement, title="Snåsa skaper"),
        meraker_project=meraker_project,
        meraker_draft=ProjectFactory(agreement=meraker_agreement, draft=True),
        closed_project=ProjectFactory(agreement=closed_agreement),
        meraker_draft_report=report(meraker_project, ProgressReport.Status.DRAFT),
        meraker_approved_report=report(
            meraker_project, ProgressReport.Status.APPROVED, ProgressReport.TrafficLight.RED
        ),
        draft_agreement=draft_agreement,
        draft_agreement_milestone=Milestone.objects.create(
            agreement=draft_agreement,
            kind=Milestone.Kind.MIDTERM_REPORT,
            due_date=draft_agreement.start_date,
        ),
        closed_milestone=Milestone.objects.create(
            programme=closed, kind=Milestone.Kind.FINAL_REPORT, due_date=closed.end_date
        ),
    )


_built, world = built_once_per_module("world", build_world)


def token_for(user) -> str:
    if not hasattr(user, "_test_api_key"):
        user._test_api_key = api_key(user)
    return user._test_api_key


def api_get(client, user, name, params=None, **kwargs):
    return client.get(
        reverse(f"api:{name}", kwargs=kwargs),
        params or {},
        headers={"Authorization": f"Token {token_for(user)}"},
    )


def ids(client, user, name, params=None) -> set[int]:
    response = api_get(client, user, name, params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# Authentication -------------------------------------------------------------------


@pytest.mark.parametrize("name", [*LIST_NAMES, "schema", "api-root"])
def test_anonymous_request_is_refused_with_401_not_sent_to_login(client, world, name):
    response = client.get(reverse(f"api:{name}"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_unknown_token_is_refused(client, world):
    response = client.get(
        reverse("api:project-list"), headers={"Authorization": "Token not-a-real-key"}
    )
    assert response.status_code == 401


def test_a_nul_byte_in_the_authorization_header_is_a_401(client, world):
    # Never handed to the token lookup, where PostgreSQL would refuse it with an error.
    response = client.get(reverse("api:project-list"), headers={"Authorization": "Token a\x00b"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_token_authenticates_as_its_user(client, world):
    response = api_get(client, world.users["snasa_leader"], "project-list")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert world.snasa_project.pk in {row["id"] for row in response.json()["results"]}


def test_inactive_users_token_is_refused(client, world):
    user = world.users["snasa_leader"]
    key = token_for(user)
    user.is_active = False
    user.save()
    response = client.get(reverse("api:project-list"), headers={"Authorization": f"Token {key}"})
    assert response.status_code == 401


def test_signed_in_session_reads_the_api(client, world):
    client.force_login(world.users["committee"])
    response = client.get(reverse("api:project-list"))
    assert response.status_code == 200


def test_api_is_read_only(client, world):
    key = token_for(world.users["adviser"])
    for url in (
        reverse("api:project-list"),
        reverse("api:project-detail", kwargs={"pk": world.snasa_project.pk}),
    ):
        for method in (client.post, client.put, client.patch, client.delete):
            response = method(url, {}, headers={"Authorization": f"Token {key}"})
            assert response.status_code == 405, (url, method)
    assert Project.objects.filter(pk=world.snasa_project.pk).exists()


def test_session_post_without_csrf_token_is_refused_before_405(world):
    # What a real browser session gets; the permission matrix's test client skips CSRF.
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["adviser"])
    response = client.post(reverse("api:project-list"), {})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_browsable_api_is_not_offered(client, world):
    response = client.get(
        reverse("api:project-list"),
        headers={"Authorization": f"Token {token_for(world.users['adviser'])}"},
        HTTP_ACCEPT="text/html",
    )
    assert response.status_code == 406


# Scoping --------------------------------------------------------------------------


def test_leader_does_not_see_another_municipalitys_draft_project(client, world):
    leader = world.users["snasa_leader"]
    seen = ids(client, leader, "project-list")
    assert {world.snasa_project.pk, world.meraker_project.pk} <= seen
    assert world.meraker_draft.pk not in seen
    response = api_get(client, leader, "project-detail", pk=world.meraker_draft.pk)
    assert response.status_code == 404


def test_adviser_sees_the_draft_project(client, world):
    assert world.meraker_draft.pk in ids(client, world.users["adviser"], "project-list")


def test_leader_does_not_see_another_municipalitys_draft_report(client, world):
    leader = world.users["snasa_leader"]
    seen = ids(client, leader, "status-report-list")
    assert seen == {world.meraker_approved_report.pk}
    response = api_get(client, leader, "status-report-detail", pk=world.meraker_draft_report.pk)
    assert response.status_code == 404


def test_leader_does_not_see_another_municipalitys_draft_agreement_or_its_milestones(client, world):
    leader = world.users["snasa_leader"]
    assert world.draft_agreement.pk not in ids(client, leader, "agreement-list")
    assert world.draft_agreement_milestone.pk not in ids(client, leader, "milestone-list")
    response = api_get(client, leader, "milestone-detail", pk=world.draft_agreement_milestone.pk)
    assert response.status_code == 404


def test_committee_reader_sees_no_drafts(client, world):
    reader = world.users["committee"]
    projects = api_get(client, reader, "project-list").json()["results"]
    agreements = api_get(client, reader, "agreement-list").json()["results"]
    reports = api_get(client, reader, "status-report-list").json()["results"]
    assert projects and agreements and reports
    assert "draft" not in {row["status"] for row in projects + agreements}
    assert {row["status"] for row in reports} == {"approved"}
    assert world.draft_agreement_milestone.pk not in ids(client, reader, "milestone-list")


def test_partner_sees_only_programmes_shared_with_partners(client, world):
    partner = world.users["partner"]
    projects = api_get(client, partner, "project-list").json()["results"]
    agreements = api_get(client, partner, "agreement-list").json()["results"]
    assert {row["programme"] for row in projects + agreements} == {"i-lag"}
    assert world.closed_project.pk not in {row["id"] for row in projects}
    assert world.closed_milestone.pk not in ids(client, partner, "milestone-list")
    response = api_get(client, partner, "project-detail", pk=world.closed_project.pk)
    assert response.status_code == 404
    # The committee sees the closed programme: it is the partner rule that hides it.
    assert world.closed_project.pk in ids(client, world.users["committee"], "project-list")


# Filters --------------------------------------------------------------------------


def test_projects_filter_by_status(client, world):
    seen = ids(client, world.users["adviser"], "project-list", {"status": "draft"})
    assert seen == {world.meraker_draft.pk}


def test_projects_filter_by_municipality_number_and_name(client, world):
    adviser = world.users["adviser"]
    by_number = ids(client, adviser, "project-list", {"kommune": "5041"})
    assert by_number == {world.snasa_project.pk, world.closed_project.pk}
    by_name = ids(client, adviser, "project-list", {"kommune": "meråker"})
    assert by_name == {world.meraker_project.pk, world.meraker_draft.pk}


def test_projects_filter_by_programme(client, world):
    assert ids(client, world.users["adviser"], "project-list", {"program": "lukket"}) == {
        world.closed_project.pk
    }


@pytest.mark.parametrize("name", LIST_NAMES)
def test_a_programme_the_user_may_not_see_matches_nothing(client, world, name):
    """The schema cannot list the programmes (they differ by user and grow over time), so
    any well-formed slug is taken, and one the user may not see names nothing."""
    adviser, partner = world.users["adviser"], world.users["partner"]
    assert ids(client, adviser, name, {"program": "i-lag"})
    assert not ids(client, partner, name, {"program": "lukket"})
    assert not ids(client, adviser, name, {"program": "finnes-ikke"})


def test_a_focus_area_the_user_may_not_see_matches_nothing(client, world):
    from agreements.models import FocusArea

    adviser = world.users["adviser"]
    area = FocusArea.objects.create(programme=world.closed_project.agreement.programme, name="X")
    world.closed_project.focus_area = area
    world.closed_project.save()
    assert ids(client, adviser, "project-list", {"innsatsomrade": area.pk}) == {
        world.closed_project.pk
    }
    assert not ids(client, world.users["partner"], "project-list", {"innsatsomrade": area.pk})
    for unknown in (area.pk + 1000, 10**30):
        assert not ids(client, adviser, "project-list", {"innsatsomrade": unknown})


@pytest.mark.parametrize(
    ("params", "refused"),
    [
        ({"program": "ikke gyldig!"}, "program"),
        ({"innsatsomrade": "0"}, "innsatsomrade"),
        ({"innsatsomrade": "en"}, "innsatsomrade"),
        ({"fra": "31.12.2025"}, "fra"),  # the list page takes it; the schema says ISO 8601
        ({"til": "2025-1-5"}, "til"),
        # Given without a value: the list page's form sends that and means «all».
        ({"fra": ""}, "fra"),
        ({"status": ""}, "status"),
        ({"innsatsomrade": ""}, "innsatsomrade"),
        ({"program": ""}, "program"),
        ({"page": ""}, "page"),
        ({"page_size": ""}, "page_size"),
        # Pages are whole numbers from 1 (DRF would give the default size, or «last»).
        ({"page": "0"}, "page"),
        ({"page": "last"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "-5"}, "page_size"),
        ({"page_size": "ti"}, "page_size"),
        ({"q": "a\x00b"}, "q"),
        ({"kommune": "\x00"}, "kommune"),
    ],
)
def test_a_value_the_schema_does_not_allow_is_a_400_naming_the_parameter(
    client, world, params, refused
):
    response = api_get(client, world.users["adviser"], "project-list", params)
    assert response.status_code == 400, response.content
    assert list(response.json()) == [refused]


@pytest.mark.parametrize("name", LIST_NAMES)
def test_a_date_outside_1900_2100_is_a_400_saying_so(client, world, name):
    adviser = world.users["adviser"]
    for parameter, typed in [
        ("fra", "9999-12-31"),
        ("til", "0001-01-01"),
        ("fra", "1899-12-31"),
        ("til", "2101-01-01"),
        ("fra", "10000-01-01"),
    ]:
        response = api_get(client, adviser, name, {parameter: typed})
        assert response.status_code == 400, typed
        assert response.json() == {parameter: ["Oppgi en dato mellom årene 1900 og 2100."]}
    response = api_get(client, adviser, name, {"fra": "1900-01-01", "til": "2100-12-31"})
    assert response.status_code == 200


def test_free_text_given_without_a_value_filters_nothing(client, world):
    adviser = world.users["adviser"]
    assert ids(client, adviser, "project-list", {"q": "", "kommune": ""}) == ids(
        client, adviser, "project-list"
    )


def test_a_page_past_the_last_is_a_404_in_json(client, world):
    response = api_get(client, world.users["adviser"], "project-list", {"page": 2})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


@pytest.mark.parametrize("pk", ["0.5", "%00", "99999999999999999999", "-1"])
def test_an_id_that_names_nothing_is_a_404_in_json(client, world, pk):
    response = client.get(
        f"/api/v1/projects/{pk}/",
        headers={"Authorization": f"Token {token_for(world.users['adviser'])}"},
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_unknown_filter_value_is_a_400_naming_the_filter(client, world):
    response = api_get(client, world.users["adviser"], "project-list", {"status": "nonsense"})
    assert response.status_code == 400
    assert "status" in response.json()


def test_agreements_filter_by_status_and_municipality(client, world):
    adviser = world.users["adviser"]
    assert ids(client, adviser, "agreement-list", {"status": "draft"}) == {world.draft_agreement.pk}
    assert ids(client, adviser, "agreement-list", {"kommune": "5034", "status": "draft"}) == {
        world.draft_agreement.pk
    }
    assert not ids(client, adviser, "agreement-list", {"kommune": "5041", "status": "draft"})


def test_status_reports_filter_by_status_and_programme(client, world):
    adviser = world.users["adviser"]
    assert ids(client, adviser, "status-report-list", {"status": "draft"}) == {
        world.meraker_draft_report.pk
    }
    assert not ids(client, adviser, "status-report-list", {"program": "lukket"})


def test_milestones_filter_by_shown_state(client, world):
    overdue = Milestone.objects.create(
        project=world.snasa_project,
        kind=Milestone.Kind.OTHER,
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    rows = api_get(client, world.users["adviser"], "milestone-list", {"status": "overdue"}).json()[
        "results"
    ]
    assert overdue.pk in {row["id"] for row in rows}
    assert {row["status"] for row in rows} == {"overdue"}
    assert {row["status_label"] for row in rows} == {"Forfalt"}


# Representation -------------------------------------------------------------------


def test_project_fields_amounts_are_whole_kroner(client, world, settings):
    settings.PORTAL_BASE_URL = "https://ilag.example.no"
    project = world.snasa_project
    BudgetLineFactory(project=project, amount=400_000)
    BudgetLineFactory(project=project, year=2025, amount=100_000)
    FundingLineFactory(project=project, source=project.agreement.programme.owner, amount=200_000)
    FundingLineFactory(project=project, source=OrganisationFactory(), amount=300_000)
    report(project, ProgressReport.Status.APPROVED, ProgressReport.TrafficLight.GREEN)

    row = api_get(client, world.users["adviser"], "project-detail", pk=project.pk).json()

    assert row["budget_total"] == 500_000 and isinstance(row["budget_total"], int)
    assert row["funding_total"] == 500_000 and isinstance(row["funding_total"], int)
    assert row["grant_from_owner"] == 200_000 and isinstance(row["grant_from_owner"], int)
    assert row["municipalities"] == [{"number": "5041", "name": "Snåsa"}]
    assert row["programme"] == "i-lag"
    assert row["agreement"] == project.agreement_id
    assert row["status"] == "active" and row["status_label"] == "Pågår"
    assert row["start_date"] == project.start_date.isoformat()
    assert row["latest_traffic_light"] == "green"
    # A number, as the schema says (not DRF's default decimal string).
    assert [(share["municipality"], share["percent"]) for share in row["shares"]] == [("5041", 100)]
    assert row["url"] == "https://ilag.example.no" + reverse("projects:detail", args=[project.pk])


def test_agreement_amounts_are_whole_kroner(client, world):
    BudgetLineFactory(project=world.snasa_project, amount=250_000)
    row = api_get(
        client, world.users["adviser"], "agreement-detail", pk=world.snasa_project.agreement_id
    ).json()
    assert row["county_frame"] == 2_000_000 and isinstance(row["county_frame"], int)
    assert row["budget_total"] == 250_000 and isinstance(row["budget_total"], int)
    assert row["project_count"] == 1
    assert row["municipalities"] == [{"number": "5041", "name": "Snåsa"}]
    assert row["status_label"] == "Aktiv"


def test_status_report_fields(client, world):
    row = api_get(
        client,
        world.users["committee"],
        "status-report-detail",
        pk=world.meraker_approved_report.pk,
    ).json()
    assert row["project"] == world.meraker_project.pk
    assert row["municipality_numbers"] == ["5034"]
    assert row["traffic_light"] == "red"
    assert row["status_label"] == "Godkjent"
    assert row["costs_total"] == 0


def test_report_without_a_status_light_gives_null(client, world):
    row = api_get(
        client, world.users["adviser"], "status-report-detail", pk=world.meraker_draft_report.pk
    ).json()
    assert row["traffic_light"] is None


def test_client_chooses_the_page_size(client, world):
    body = api_get(client, world.users["adviser"], "project-list", {"page_size": 3}).json()
    assert body["count"] == 4 and len(body["results"]) == 3
    assert "page=2" in body["next"] and "page_size=3" in body["next"]


@pytest.mark.parametrize(("asked", "given"), [(None, 50), ("200", 200), ("10000", 500)])
def test_page_size_is_50_unless_asked_and_at_most_500(asked, given):
    request = Request(APIRequestFactory().get("/", {"page_size": asked} if asked else {}))
    assert Pagination().get_page_size(request) == given


# Query count ----------------------------------------------------------------------


def add_projects(n, agreement):
    for project in ProjectFactory.create_batch(n, agreement=agreement):
        BudgetLineFactory(project=project)
        FundingLineFactory(project=project)
        report(project, ProgressReport.Status.APPROVED, ProgressReport.TrafficLight.GREEN)
        Milestone.objects.create(
            project=project, kind=Milestone.Kind.OTHER, due_date=project.end_date
        )
        AgreementFactory(programme=agreement.programme, municipalities=[MunicipalityFactory()])


@pytest.mark.parametrize("name", LIST_NAMES)
def test_query_count_does_not_grow_with_the_rows(client, django_assert_num_queries, name):
    programme = ProgrammeFactory()
    agreement = AgreementFactory(programme=programme)
    adviser = UserFactory(role=Role.ADVISER)
    adviser.programmes.add(programme)
    add_projects(5, agreement)
    api_get(client, adviser, name)  # the token is made outside the count
    with CaptureQueriesContext(connection) as few:
        assert len(api_get(client, adviser, name).json()["results"]) >= 5
    add_projects(35, agreement)
    with django_assert_num_queries(len(few)):
        assert len(api_get(client, adviser, name).json()["results"]) >= 40


# Schema ---------------------------------------------------------------------------


def test_openapi_schema_is_valid_and_lists_every_endpoint():
    out = io.StringIO()
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out
    )
    paths = json.loads(out.getvalue())["paths"]
    for name in LIST_NAMES:
        assert reverse(f"api:{name}") in paths, name
        assert "get" in paths[reverse(f"api:{name}")]
    assert all(set(operations) == {"get"} for operations in paths.values())


def test_schema_documents_every_status_code_of_every_operation():
    out = io.StringIO()
    call_command("spectacular", "--format", "openapi-json", stdout=out)
    paths = json.loads(out.getvalue())["paths"]
    for name in LIST_NAMES:
        listing = paths[reverse(f"api:{name}")]["get"]["responses"]
        detail = paths[reverse(f"api:{name}") + "{id}/"]["get"]["responses"]
        assert set(listing) == {"200", "400", "401", "404", "406", "429"}, name
        assert set(detail) == {"200", "401", "404", "406", "429"}, name
        for responses in (listing, detail):
            assert responses["401"]["headers"]["WWW-Authenticate"]["required"] is True
            assert "Retry-After" in responses["429"]["headers"]


def test_schema_is_served_to_token_holders(client, world):
    response = api_get(client, world.users["partner"], "schema", {"format": "json"})
    assert response.status_code == 200
    assert reverse("api:project-list") in json.loads(response.content)["paths"]


def test_drf_does_not_change_djangos_bokmal_wording():
    """DRF's catalogue outranks Django's; ilag/translations.py puts Django's wording back."""
    import gettext
    from pathlib import Path

    import django
    import rest_framework
    from django.apps import apps
    from django.utils import translation

    def catalogue(directory: Path) -> dict:
        mo = directory / "locale" / "nb" / "LC_MESSAGES" / "django.mo"
        return gettext.GNUTranslations(mo.open("rb"))._catalog if mo.exists() else {}

    django_wording = catalogue(Path(django.__file__).parent / "conf")
    for app in apps.get_app_configs():
        if app.name.startswith("django."):
            django_wording.update(catalogue(Path(app.path)))
    drf_wording = catalogue(Path(rest_framework.__file__).parent)
    changed = {
        msgid: text
        for msgid, text in django_wording.items()
        if isinstance(msgid, str) and msgid and drf_wording.get(msgid, text) != text
    }
    assert "This field is required." in changed
    with translation.override("nb"):
        assert {msgid: translation.gettext(msgid) for msgid in changed} == changed


def test_the_api_answers_without_the_cache_server(client, world, settings):
    import socket

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/1",
        }
    }
    response = api_get(client, world.users["snasa_leader"], "project-list")
    assert response.status_code == 200


def test_the_api_refuses_too_many_requests_with_429(client, world, monkeypatch):
    from ilag.throttling import UserRateThrottleOrAllow

    monkeypatch.setattr(UserRateThrottleOrAllow, "THROTTLE_RATES", {"user": "2/min"})
    user = world.users["snasa_leader"]
    statuses = [api_get(client, user, "project-list").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
