"""The adviser's dashboard is served from the cache until the data change (ilag.cache)."""

import ast
import datetime
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role, User
from agreements.models import Programme
from projects.models import BudgetLine, Project
from projects.services import report_create, report_review, report_submit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
# The repository (tests/portal/ is two levels below it).
BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def adviser(client, demo_for_module):
    client.force_login(User.objects.get(username="radgiver"))
    return client


def get(client, url="/?program=i-lag"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def figures_read(client, url="/?program=i-lag") -> bool:
    """Whether a view of the dashboard read the programme's figures (portal.summary)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return any("portal_programmesummary" in query["sql"] for query in queries)


def kr(amount):
    return f"kr\xa0{amount:,}".replace(",", "\xa0")


def i_lag_budget():
    return sum(
        BudgetLine.objects.filter(project__agreement__programme__slug="i-lag").values_list(
            "amount", flat=True
        )
    )


def test_a_second_view_is_served_from_the_cache(adviser):
    first, cold = get(adviser)
    second, warm = get(adviser)
    main = slice(first.index("<main"), first.index("</main>"))
    assert second[main] == first[main]  # the page frame has its own CSRF token
    # Session, user and role only: none of the figures is computed again.
    assert warm <= 5 < cold


def test_a_change_shows_on_the_next_view(adviser):
    html, _ = get(adviser)
    before = i_lag_budget()
    assert kr(before) in html
    line = BudgetLine.objects.filter(project__agreement__programme__slug="i-lag").first()
    line.amount += 1000
    line.save()
    html, _ = get(adviser)
    assert kr(before + 1000) in html and kr(before) not in html


def test_a_submitted_report_appears_and_goes_when_approved(
    adviser, django_capture_on_commit_callbacks
):
    leader = User.objects.get(username="leder.snasa")
    project = Project.objects.filter(municipalities__name="Snåsa").first()
    # The demo's projects may have ended and been closed; this one is still reporting.
    Project.objects.filter(pk=project.pk).update(status=Project.Status.ACTIVE)
    project.refresh_from_db()
    get(adviser)
    last = project.progress_reports.order_by("-period_end").first()
    start = last.period_end + datetime.timedelta(days=1) if last else project.start_date
    with django_capture_on_commit_callbacks(execute=True):
        report = report_create(
            project=project, user=leader, period_start=start, period_end=project.end_date
        )
    html, _ = get(adviser)
    assert project.title_with_municipality + ":" not in html
    report.traffic_light = "green"
    report.achieved = "Ferdig med forprosjektet."
    report.percent_complete = 80
    report.save()
    report = report_submit(report=report, version=report.version, user=leader)
    html, _ = get(adviser)
    assert "Venter på godkjenning fra deg" in html and project.title_with_municipality + ":" in html
    report_review(
        report=report, user=User.objects.get(username="radgiver"), approve=True, comment=""
    )
    html, _ = get(adviser)
    assert project.title_with_municipality + ":" not in html


def test_each_adviser_sees_his_own_programmes(adviser, client):
    html, _ = get(adviser)
    other = UserFactory(username="annen", role=Role.ADVISER)
    other.programmes.add(Programme.objects.get(slug="hjerteregionen"))
    adviser.force_login(other)
    theirs, _ = get(adviser)
    assert theirs != html and "Hjerteregionen" in theirs and "Leka" not in theirs
    # Following another programme shows at once.
    other.programmes.add(Programme.objects.get(slug="i-lag"))
    theirs, _ = get(adviser, "/?program=i-lag")
    assert "Leka" in theirs


def test_the_language_and_the_day_are_part_of_the_key(adviser):
    norsk, _ = get(adviser)
    User.objects.filter(username="radgiver").update(language="en")
    english, _ = get(adviser)
    assert "Oversikt" in norsk and "Overview" in english
    User.objects.filter(username="radgiver").update(language="nb")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        adviser.force_login(User.objects.get(username="radgiver"))  # a day's idle ends a session
        _, queries = get(adviser)
    assert queries > 5  # computed again the next day (what is overdue changes)


def test_seeding_in_bulk_invalidates_the_cache(adviser):
    html, _ = get(adviser, "/?program=syntetisk")
    assert "Syntetisk" not in html
    call_command("seed_demo", "--projects", "20", stdout=open("/dev/null", "w"))
    html, _ = get(adviser, "/?program=syntetisk")
    assert "Syntetisk" in html


def test_no_cache_without_a_lifetime(adviser, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    get(adviser)  # the first view after signing in saves the session
    assert figures_read(adviser)
    assert figures_read(adviser)  # and again: nothing is kept


def test_bulk_writes_in_the_code_invalidate_the_cache_themselves():
    """bulk_create_with_history sends no signals: a module using it says so itself."""
    from ilag.cache import DOMAIN_APPS

    apps = sorted(DOMAIN_APPS | {"ilag", "portal"})
    missing = []
    for app in apps:
        for path in (BASE_DIR / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            calls = {
                node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(node, ast.Call)
            }
            bulk = calls & {"bulk_create_with_history", "bulk_update_with_history"}
            if bulk and "bump_data_version" not in calls:
                missing.append(str(path.relative_to(BASE_DIR)))
    assert not missing, missing


def test_which_writes_renew_the_version(adviser):
    from ilag.cache import data_version
    from ilag.models import WorkerHeartbeat
    from municipalities.models import Municipality

    version = data_version()
    WorkerHeartbeat.objects.create(hostname="w1", last_seen=timezone.now())  # operations
    assert data_version() == version
    leka = Municipality.objects.get(name="Leka")
    leka.population += 1
    leka.save()
    assert data_version() != version
    version = data_version()
    User.objects.get(username="radgiver").programmes.clear()  # a many-to-many link
    assert data_version() != version


def test_without_the_cache_server_pages_are_computed_and_saves_go_through(adviser, settings):
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
    html, queries = get(adviser)
    assert "Oversikt: Distriktssatsinga I LAG" in html and queries > 5
    line = BudgetLine.objects.filter(project__agreement__programme__slug="i-lag").first()
    line.amount += 1000
    line.save()  # the version cannot be renewed; the save is not refused for that
    html, _ = get(adviser)
    assert kr(i_lag_budget()) in html


def test_a_new_release_does_not_serve_pages_cached_by_the_previous_one(adviser, monkeypatch):
    get(adviser)
    _, warm = get(adviser)
    assert warm <= 5
    monkeypatch.setattr("ilag.cache.code_fingerprint", lambda: "another-release")
    assert figures_read(adviser)  # computed afresh


def test_the_code_fingerprint_changes_with_a_template_or_a_translation(settings, tmp_path):
    from ilag.cache import code_fingerprint

    (tmp_path / "templates").mkdir()
    (tmp_path / "locale" / "nb" / "LC_MESSAGES").mkdir(parents=True)
    template = tmp_path / "templates" / "dashboard.html"
    catalogue = tmp_path / "locale" / "nb" / "LC_MESSAGES" / "django.mo"
    template.write_text("<h1>Oversikt</h1>")
    catalogue.write_bytes(b"one")
    settings.BASE_DIR = tmp_path

    def fingerprint():
        code_fingerprint.cache_clear()  # computed once per process otherwise
        return code_fingerprint()

    try:
        first = fingerprint()
        template.write_text("<h1>Oversikt!</h1>")
        second = fingerprint()
        catalogue.write_bytes(b"two")
        third = fingerprint()
    finally:
        code_fingerprint.cache_clear()
    fingerprints = [first, second, third]
    assert len(set(fingerprints)) == 3
