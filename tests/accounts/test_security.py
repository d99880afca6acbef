import datetime
import logging
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


def login(client, username, password="demo", ip="10.1.1.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_security_headers_on_every_page(client):
    response = client.get(reverse("login"), secure=True)
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_cookie_is_secure_and_http_only_and_new_at_login(client):
    UserFactory(username="kari")
    client.get(reverse("login"))
    # A session exists before signing in (one an attacker could have planted).
    session = client.session
    session["planted"] = True
    session.save()
    client.cookies["sessionid"] = before = session.session_key
    response = login(client, "kari")
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert before and cookie.value != before


def test_eleven_failed_logins_lock_that_address_for_the_cool_off_time(client, settings):
    UserFactory(username="kari")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, "kari", "feil")
        assert response.status_code == 200
        assert "Vennligst oppgi korrekt brukernavn og passord" in response.content.decode()
    # The tenth failure locks; the eleventh attempt is refused even with the right password.
    assert login(client, "kari", "feil").status_code == 429
    response = login(client, "kari", "demo")
    assert response.status_code == 429
    html = response.content.decode()
    assert "For mange mislykkede innlogginger" in html
    assert "15 minutter" in html
    # Another address is not locked out.
    assert login(client, "kari", "demo", ip="10.2.2.2").status_code == 302


def test_lockout_ends_after_the_cool_off_time(client, settings):
    UserFactory(username="kari")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "kari", "feil")
    assert login(client, "kari", "demo").status_code == 429
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        assert login(client, "kari", "demo").status_code == 302


def test_failed_login_is_logged_with_user_and_address(client, caplog):
    with caplog.at_level(logging.WARNING, logger="ilag.security"):
        login(client, "ukjent", "feil", ip="10.9.9.9")
    assert "login failed: username='ukjent' ip=10.9.9.9" in caplog.text


def test_refused_access_is_logged_with_user_address_and_path(client, caplog):
    reader = UserFactory(username="lesar", role=Role.COMMITTEE_READER)
    client.force_login(reader)
    with caplog.at_level(logging.WARNING, logger="ilag.security"):
        response = client.get(reverse("accounts:user-list"), REMOTE_ADDR="10.3.3.3")
    assert response.status_code == 403
    assert re.search(
        r"access refused: user=lesar ip=10\.3\.3\.3 GET /brukere/ at=\d{4}-", caplog.text
    )


def test_deactivated_user_is_refused_at_the_next_request(client):
    adviser = UserFactory(username="radgiver", role=Role.ADVISER)
    leader = UserFactory(
        username="leder", role=Role.PROJECT_LEADER, municipalities=[MunicipalityFactory()]
    )
    client.force_login(leader)
    assert client.get(reverse("projects:list")).status_code == 200
    from django.test import Client

    admin_client = Client()
    admin_client.force_login(adviser)
    response = admin_client.post(reverse("accounts:user-deactivate", args=[leader.pk]))
    assert response.status_code == 302
    response = client.get(reverse("projects:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert login(Client(), "leder").status_code == 200  # cannot log in again


def test_form_posted_without_the_right_is_refused_and_changes_nothing(client):
    leader = UserFactory(
        username="leder", role=Role.PROJECT_LEADER, municipalities=[MunicipalityFactory()]
    )
    target = UserFactory(
        username="annen", role=Role.PROJECT_LEADER, municipalities=[MunicipalityFactory()]
    )
    client.force_login(leader)
    assert client.post(reverse("accounts:user-deactivate", args=[target.pk])).status_code == 403
    response = client.post(
        reverse("accounts:user-invite"),
        {
            "first_name": "Ny",
            "last_name": "Bruker",
            "email": "ny@example.no",
            "role": Role.ADVISER,
        },
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.is_active
    assert not User.objects.filter(email="ny@example.no").exists()
    assert mail.outbox == []


def test_adviser_cannot_deactivate_himself(client):
    adviser = UserFactory(username="radgiver", role=Role.ADVISER)
    client.force_login(adviser)
    assert client.post(reverse("accounts:user-deactivate", args=[adviser.pk])).status_code == 403
    adviser.refresh_from_db()
    assert adviser.is_active


def test_idle_timeout_is_given_to_the_page_as_a_plain_number(client, settings):
    # With Norwegian number formatting 1800 would render as «1 800», which the script
    # would read as one second.
    settings.SESSION_COOKIE_AGE = 1800
    client.force_login(UserFactory(username="kari"))
    html = client.get(reverse("accounts:profile")).content.decode()
    assert 'data-session-seconds="1800"' in html
    assert 'data-session-warning-seconds="300"' in html


def _session_writes(queries):
    return [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and q["sql"].lstrip().startswith(("UPDATE", "INSERT"))
    ]


def test_reading_pages_does_not_write_the_session_but_slides_the_idle_timeout(client, settings):
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.SESSION_COOKIE_AGE = 1800
    # The sessions' copy in the cache expires by the cache's clock: Redis's does not
    # travel with time_machine, the in-memory cache's does.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(UserFactory(username="kari"))
        client.get(reverse("accounts:profile"))  # the first page stamps the session
        key = client.session.session_key
        first_expiry = Session.objects.get(pk=key).expire_date

        clock.shift(30)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(reverse("accounts:profile")).content.decode()
        assert _session_writes(queries) == []
        assert Session.objects.get(pk=key).expire_date == first_expiry
        # The page's warning counts from the last save, not from this page view.
        assert 'data-session-seconds="1770"' in html

        clock.shift(31)  # over a minute since the last save: this view slides the timeout
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("accounts:profile"))
        assert len(_session_writes(queries)) == 1
        assert Session.objects.get(pk=key).expire_date == first_expiry + datetime.timedelta(
            seconds=61
        )

        clock.shift(1800)  # idle for the whole timeout since that save: signed out
        response = client.get(reverse("accounts:profile"))
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_extending_the_session_saves_it_at_once(client, settings):
    from django.contrib.sessions.models import Session

    settings.SESSION_COOKIE_AGE = 1800
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(UserFactory(username="kari"))
        client.get(reverse("accounts:profile"))
        clock.shift(10)
        response = client.post(reverse("accounts:session-extend"))
        assert response.json() == {"seconds_left": 1800}
        expiry = Session.objects.get(pk=client.session.session_key).expire_date
        assert expiry == start + datetime.timedelta(seconds=1810)


def test_password_reset_is_limited_per_address_and_per_client(client, mailoutbox, settings):
    from accounts.models import Role
    from tests.factories import UserFactory

    UserFactory(role=Role.ADVISER, email="randi@example.no")
    UserFactory(role=Role.ADVISER, email="per@example.no")
    settings.RATE_PASSWORD_RESET_PER_CLIENT = "5/h"
    url = "/glemt-passord/"
    for _ in range(3):
        assert client.post(url, {"email": "randi@example.no"}).status_code == 302
    assert len(mailoutbox) == 3
    response = client.post(url, {"email": "RANDI@example.no"})
    assert response.status_code == 200
    assert "Nothing was sent" not in response.content.decode()
    assert "Ingenting ble sendt" in response.content.decode()
    assert 'value="RANDI@example.no"' in response.content.decode()
    assert len(mailoutbox) == 3
    # Another address from the same client: up to the client's limit (five in all).
    assert client.post(url, {"email": "per@example.no"}).status_code == 302
    assert client.post(url, {"email": "per@example.no"}).status_code == 200  # 6th from here
    assert len(mailoutbox) == 4


def test_invitations_are_limited_per_address(
    client, mailoutbox, settings, django_capture_on_commit_callbacks
):
    adviser = UserFactory(role=Role.ADVISER)
    invited = UserFactory(role=Role.COMMITTEE_READER, email="ny@example.no")
    invited.set_unusable_password()
    invited.invited_at, invited.invited_by = timezone.now(), adviser
    invited.save()
    settings.RATE_INVITATION_PER_ADDRESS = "2/d"
    client.force_login(adviser)
    url = reverse("accounts:invitation-resend", args=[invited.pk])
    pages = []
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            pages.append(client.post(url, follow=True).content.decode())
    assert len(mailoutbox) == 2
    assert "En ny invitasjon er sendt" in pages[1]
    assert "For mange invitasjoner" in pages[2] and "Ingenting ble sendt" in pages[2]


def test_deactivation_revokes_api_tokens_and_the_calendar_feed_for_good(client):
    from accounts.calendar_tokens import calendar_token_create
    from accounts.models import ApiToken
    from accounts.services import user_activate, user_deactivate
    from tests.factories import api_key

    reader = UserFactory(role=Role.COMMITTEE_READER)
    key = api_key(reader)
    feed = f"/kalender/{calendar_token_create(user=reader)}.ics"
    api = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert client.get("/api/v1/projects/", **api).status_code == 200
    assert client.get(feed).status_code == 200
    user_deactivate(user=reader)
    assert client.get("/api/v1/projects/", **api).status_code == 401
    assert client.get(feed).status_code == 404
    user_activate(user=reader)
    # Back, but the old token and feed address are not.
    assert client.get("/api/v1/projects/", **api).status_code == 401
    assert client.get(feed).status_code == 404
    assert not ApiToken.objects.filter(user=reader).exists()


def test_a_session_ended_by_deactivation_stays_ended_after_reactivation(client):
    """Sessions are read from the cache first (cached_db): ending them must empty the
    cache too, or the old cookie would sign the user in again once re-activated."""
    from accounts.services import user_activate, user_deactivate

    reader = UserFactory(role=Role.COMMITTEE_READER)
    client.force_login(reader)
    assert client.get("/konto/").status_code == 200
    assert client.get("/konto/").status_code == 200  # now served from the cache
    user_deactivate(user=reader)
    user_activate(user=reader)
    response = client.get("/konto/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
