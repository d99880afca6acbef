"""The read-only pages (lists and detail pages) are served from the cache per data
version, as the dashboard is (ilag.views.ReadOnlyPageMixin, ilag.cache): what changes
shows on the next view, and nobody is served a page computed for somebody else."""

import datetime
import re

import pytest
import time_machine
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ApiToken, User
from archive.models import ArchiveRecord
from evaluations.models import Milestone, Reminder
from portal.views.projects import ProjectDetailView
from projects.models import BudgetLine, Project

pytestmark = pytest.mark.django_db
# Session, user and roles: what a page served from the cache still reads.
SERVED = 4
SECONDS = re.compile(r'data-session-seconds="(\d+)"')


def signed_in(username, **kwargs):
    client = Client(**kwargs)
    client.force_login(User.objects.get(username=username))
    client.get("/konto/")  # the first view after signing in saves the session
    return client


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(queries)


def main(html):
    return html[html.index("<main") : html.index("</main>")]


@pytest.fixture
def project(demo_for_module):
    return (
        Project.objects.filter(municipalities__name="Snåsa", budget_lines__isnull=False)
        .order_by("pk")
        .first()
    )


def kr(amount):
    return f"kr\xa0{amount:,}".replace(",", "\xa0")


@pytest.mark.parametrize(
    "url",
    [
        "/prosjekter/",
        "/prosjekter/?status=active&sorter=-budsjett",
        "/avtaler/",
        "/program/i-lag/",
        "/kommuner/",
        "/milepeler/forfalte/",
        "/utbetalinger/",
        "/arkiv/",
        "/rapporter/",
        "/rapporter/utvalg/",
    ],
)
def test_a_second_view_is_served_from_the_cache(demo_for_module, url, settings):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        adviser = signed_in("radgiver")
        first, cold = get(adviser, url)
        clock.shift(30)
        second, warm = get(adviser, url)
        # Served as kept: only the frame's count of seconds is rendered.
        rendered = [t.name for t in adviser.get(url).templates]
        assert rendered == ["includes/_session_seconds.html"]
    assert main(second) == main(first)
    assert warm <= SERVED and warm <= cold
    # The frame's count of the idle session's seconds left is the request's own.
    age = settings.SESSION_COOKIE_AGE
    assert SECONDS.findall(first) == [str(age)] and SECONDS.findall(second) == [str(age - 30)]


def test_the_users_page_shows_an_api_keys_latest_use_though_it_renews_no_version(
    demo_for_module,
):
    """A key's use is written with update() (accounts.api_auth), which renews no data
    version: the users page is kept per latest use of any key."""
    adviser = signed_in("radgiver")
    token = ApiToken.objects.order_by("pk").first()
    first, _cold = get(adviser, "/brukere/")
    second, warm = get(adviser, "/brukere/")
    assert main(second) == main(first)
    assert warm <= SERVED + 1  # and the latest use
    used = timezone.localtime(timezone.now()).replace(second=0, microsecond=0)
    used -= datetime.timedelta(days=3, hours=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=used)
    third, computed = get(adviser, "/brukere/")
    assert computed > warm
    assert used.strftime("%d.%m.%Y %H:%M") in main(third)


def test_a_change_shows_on_the_next_view(project):
    adviser = signed_in("radgiver")
    url = project.get_absolute_url()
    get(adviser, url)
    line = project.budget_lines.order_by("pk").first()
    before = kr(line.amount)
    assert before in get(adviser, url)[0]
    line.amount += 1234
    line.save()
    html, queries = get(adviser, url)
    assert kr(line.amount) in html and queries > SERVED


def test_a_change_to_an_archive_record_shows_on_the_next_view(project):
    """The archive's states are on the project page: the archive app is in the data."""
    adviser = signed_in("radgiver")
    url = project.get_absolute_url()
    get(adviser, url)
    _, warm = get(adviser, url)
    assert warm <= SERVED
    record = ArchiveRecord.objects.order_by("pk").first()
    record.save()
    _, after = get(adviser, url)
    assert after > SERVED


def test_each_user_gets_the_page_computed_for_him(demo_for_module):
    adviser, leader = signed_in("radgiver"), signed_in("leder.meraker")
    proposal = (
        Project.objects.filter(municipalities__name="Snåsa", status__in=Project.PROPOSAL_STATES)
        .order_by("pk")
        .first()
    )
    url = proposal.get_absolute_url()
    get(adviser, url)
    _, warm = get(adviser, url)
    assert warm <= SERVED
    # Another municipality's proposal: not served to its leader from the adviser's page.
    assert leader.get(url).status_code == 404
    theirs, _ = get(adviser, "/prosjekter/")
    mine, _ = get(leader, "/prosjekter/")
    assert 'href="/utbetalinger/"' in theirs and 'href="/utbetalinger/"' not in mine
    assert 'href="/prosjekter/mine/"' in mine and 'href="/prosjekter/mine/"' not in theirs


def test_each_query_and_language_has_its_own_page(demo_for_module):
    adviser = signed_in("radgiver")
    every, _ = get(adviser, "/prosjekter/")
    leka, _ = get(adviser, "/prosjekter/?kommune=Leka")
    assert main(every) != main(leka)
    adviser.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english, _ = get(adviser, "/prosjekter/")
    assert "Prosjekter" in every and "Projects" in english


def test_the_next_day_the_page_is_computed_again(demo_for_module):
    adviser = signed_in("radgiver")
    get(adviser, "/milepeler/forfalte/")
    _, warm = get(adviser, "/milepeler/forfalte/")
    assert warm <= SERVED
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        adviser = signed_in("radgiver")  # a day's idle ends a session
        get(adviser, "/konto/")
        _, queries = get(adviser, "/milepeler/forfalte/")
    assert queries > SERVED  # «weeks overdue» counts from today


def test_forms_on_a_cached_page_carry_tokens_of_the_users_own_session(project):
    """Two sessions of the same user each get tokens their own POST is accepted with."""
    url = f"/prosjekter/{project.pk}/"
    first = signed_in("radgiver", enforce_csrf_checks=True)
    second = signed_in("radgiver", enforce_csrf_checks=True)
    for client in (first, second):
        get(client, url)
        html, warm = get(client, url)
        assert warm <= SERVED
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        # The language switch is a form on every page: a 403 would mean a stale token.
        response = client.post("/i18n/setlang/", {"language": "nb", "next": url})
        assert response.status_code == 403  # no token: refused
        response = client.post(
            "/i18n/setlang/", {"language": "nb", "next": url, "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 302


def test_a_page_with_messages_waiting_is_computed_and_not_kept(project, settings):
    """After a save the page shows «Endringene er lagret»; that page is not kept in the
    cache, and the message is not served again."""
    user = User.objects.get(username="radgiver")

    def request():
        req = RequestFactory().get(project.get_absolute_url())
        req.META["CSRF_COOKIE"] = "a" * 32  # as CsrfViewMiddleware sets it from the cookie
        req.user = user
        req.session = SessionStore()
        req._messages = FallbackStorage(req)
        return req

    view = ProjectDetailView.as_view()
    waiting = request()
    messages.success(waiting, "Endringene er lagret.")
    response = view(waiting, pk=project.pk)
    response.render()
    assert "Endringene er lagret." in response.content.decode()
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = view(request(), pk=project.pk)
            if hasattr(response, "render"):
                response.render()
        assert "Endringene er lagret." not in response.content.decode()
    assert len(queries) <= SERVED  # the second view without messages is served


def test_an_ignored_filter_is_said_on_every_view_and_not_on_the_next_page(demo_for_module):
    adviser = signed_in("radgiver")
    url = "/prosjekter/?status=ukjent"
    for _ in range(2):
        html, _ = get(adviser, url)
        assert "ble ikke brukt" in html
    html, _ = get(adviser, "/avtaler/")
    assert "ble ikke brukt" not in html


def test_no_cache_without_a_lifetime(demo_for_module, settings):
    settings.PAGE_CACHE_SECONDS = 0
    adviser = signed_in("radgiver")
    _, cold = get(adviser, "/prosjekter/")
    _, again = get(adviser, "/prosjekter/")
    assert again == cold > SERVED


def test_sums_on_a_cached_page_follow_a_new_budget_line(project):
    adviser = signed_in("radgiver")
    url = project.agreement.get_absolute_url()
    get(adviser, url)
    BudgetLine.objects.create(
        project=project,
        year=project.end_date.year + 1,
        category=project.agreement.programme.cost_categories.first(),
        amount=777_000,
    )
    _, queries = get(adviser, url)
    assert queries > SERVED


def test_a_reminder_sent_shows_on_the_milestone_page_at_once(demo_for_module):
    """The weekly reminder run writes only reminders: the milestone page lists them."""
    adviser = signed_in("radgiver")
    milestone = Milestone.objects.filter(agreement__isnull=False).order_by("pk").first()
    url = milestone.get_absolute_url()
    get(adviser, url)
    _, warm = get(adviser, url)
    assert warm <= SERVED
    Reminder.objects.create(
        milestone=milestone,
        recipient=User.objects.get(username="radgiver"),
        kind=Reminder.Kind.OVERDUE,
        step=99,
        due_date=milestone.due_date,
        email="radgiver@example.no",
    )
    html, queries = get(adviser, url)
    assert queries > SERVED and "99 uker over fristen" in html
