"""System users and their API keys, made and revoked by advisers in the portal: stored
hashed (django-rest-knox), shown once, expiring, with the last use kept."""

import datetime
import re
import secrets

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, Role, User
from accounts.services import api_token_create, system_user_create, user_deactivate
from tests.factories import AgreementFactory, ProgrammeFactory, ProjectFactory, following

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    programme = ProgrammeFactory()
    agreement = AgreementFactory(programme=programme)
    return {
        "programme": programme,
        "project": ProjectFactory(agreement=agreement),
        "draft": ProjectFactory(agreement=agreement, draft=True),
        "adviser": following(programme),
    }


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(key, path="/api/v1/projects/"):
    return Client().get(path, headers={"Authorization": f"Token {key}"})


def make_key(client, system, name="Styringsdata prod", expires_on=None, once=None):
    """Sends the key form as the page gives it (a fresh `once` each time it is shown)."""
    expires_on = expires_on or timezone.localdate() + datetime.timedelta(days=90)
    once = once or secrets.token_hex(16)
    return client.post(
        reverse("accounts:api-tokens", args=[system.pk]),
        {"name": name, "expires_on": expires_on.isoformat(), "once": once},
    )


def shown_key(response) -> str:
    return re.search(r'id="api-key"[^>]*value="(ilag_[0-9a-f]+)"', response.content.decode())[1]


def test_an_adviser_makes_a_system_user_and_a_key_shown_once_and_stored_hashed(county):
    client = signed_in(county["adviser"])
    response = client.post(
        reverse("accounts:system-user-create"),
        {"name": "Styringsdata (Power BI)", "role": Role.COMMITTEE_READER},
        follow=True,
    )
    system = User.objects.get(is_system=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:api-tokens", args=[system.pk])
    page = response.content.decode()
    assert "Systembrukeren «Styringsdata (Power BI)» er laget" in page
    assert "har ingen nøkler" in page
    assert system.role == Role.COMMITTEE_READER and not system.has_usable_password()
    assert not system.email and not system.is_invited

    response = make_key(client, system)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "Kopier nøkkelen nå" in page
    key = shown_key(response)
    assert len(key) == len("ilag_") + 64
    # Nowhere in the database: the key's table keeps its hash and first 15 characters.
    token = ApiToken.objects.get(user=system)
    assert token.token_key == key[:15] and token.digest != key and key not in token.digest
    with connection.cursor() as cursor:
        for table in ("accounts_apitoken", "accounts_historicalapitoken"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed names
            assert not any(key in str(value) for row in cursor.fetchall() for value in row)
    assert token.created_by == county["adviser"] and token.last_used_at is None

    # The key reads what a committee reader sees: the published project, not the draft.
    response = api(key)
    assert response.status_code == 200
    assert {p["id"] for p in response.json()["results"]} == {county["project"].pk}
    token.refresh_from_db()
    assert token.last_used_at is not None

    # The list shows the key's beginning, its purpose, maker and use, never the key.
    page = client.get(reverse("accounts:api-tokens", args=[system.pk])).content.decode()
    assert key not in page and key[:15] in page
    assert "Styringsdata prod" in page and str(county["adviser"]) in page
    assert "Aldri" not in page  # it has been used
    users = client.get(reverse("accounts:user-list")).content.decode()
    assert "Nøkkel brukt " + timezone.localtime(token.last_used_at).strftime("%d.%m.%Y") in users


def test_reloading_the_page_that_shows_the_key_makes_no_second_key(county):
    system = system_user_create(created_by=county["adviser"], name="BI", role=Role.PARTNER)
    client = signed_in(county["adviser"])
    form = client.get(reverse("accounts:api-tokens", args=[system.pk])).content.decode()
    once = re.search(r'name="once" value="([0-9a-f]+)"', form)[1]
    first = make_key(client, system, once=once)
    assert shown_key(first)
    again = make_key(client, system, once=once)  # the browser's «send again?» on reload
    assert again.status_code == 302
    page = client.get(again["Location"]).content.decode()
    assert "Nøkkelen ble laget da skjemaet ble sendt første gang" in page
    assert ApiToken.objects.filter(user=system).count() == 1


def test_a_key_expires_after_its_last_day(county):
    system = system_user_create(created_by=county["adviser"], name="Arkiv", role=Role.PARTNER)
    last_day = timezone.localdate() + datetime.timedelta(days=10)
    token, key = api_token_create(
        user=system, name="Arkiv", expires_on=last_day, created_by=county["adviser"]
    )
    assert token.valid_until == last_day
    oslo_evening = timezone.make_aware(datetime.datetime.combine(last_day, datetime.time(23, 30)))
    with time_machine.travel(oslo_evening):
        assert api(key).status_code == 200
    with time_machine.travel(oslo_evening + datetime.timedelta(hours=1)):
        response = api(key)
        assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    "days, message",
    [
        (-1, "Dagen er passert"),
        (366, "En nøkkel gjelder i høyst ett år"),
    ],
)
def test_the_expiry_is_bounded_and_bad_input_is_kept(county, days, message):
    system = system_user_create(created_by=county["adviser"], name="BI", role=Role.PARTNER)
    client = signed_in(county["adviser"])
    day = timezone.localdate() + datetime.timedelta(days=days)
    response = make_key(client, system, name="Mitt formål", expires_on=day)
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert 'value="Mitt formål"' in page and f'value="{day.isoformat()}"' in page
    assert not ApiToken.objects.exists()


def test_one_year_ahead_is_allowed(county):
    system = system_user_create(created_by=county["adviser"], name="BI", role=Role.PARTNER)
    client = signed_in(county["adviser"])
    response = make_key(
        client, system, expires_on=timezone.localdate() + datetime.timedelta(days=365)
    )
    assert response.status_code == 200 and ApiToken.objects.count() == 1


def test_revoking_stops_the_key_at_once_and_the_history_says_who(county):
    system = system_user_create(created_by=county["adviser"], name="BI", role=Role.PARTNER)
    client = signed_in(county["adviser"])
    key = shown_key(make_key(client, system))
    other = shown_key(make_key(client, system, name="Test"))
    assert api(key).status_code == 200
    token = ApiToken.objects.get(token_key=key[:15])
    response = client.post(
        reverse("accounts:api-token-revoke", args=[system.pk]),
        {"token_key": token.token_key},
        follow=True,
    )
    assert "Nøkkelen «Styringsdata prod» er trukket tilbake" in response.content.decode()
    assert api(key).status_code == 401
    assert api(other).status_code == 200  # the other key is untouched
    deleted = ApiToken.history.get(digest=token.digest, history_type="-")
    assert deleted.history_user == county["adviser"]
    # The page says which key went, when and by whom.
    page = response.content.decode()
    assert "Tilbaketrukne og utløpte nøkler" in page
    assert f"«Styringsdata prod» (<code>{key[:15]}…</code>), tatt ut av bruk" in page
    assert f"av {county['adviser']}" in page
    # Revoked again from a page opened before: said, not a 404.
    response = client.post(
        reverse("accounts:api-token-revoke", args=[system.pk]),
        {"token_key": token.token_key},
        follow=True,
    )
    assert "Nøkkelen var allerede trukket tilbake." in response.content.decode()


def test_revoking_another_system_users_key_is_not_found(county):
    one = system_user_create(created_by=county["adviser"], name="En", role=Role.PARTNER)
    two = system_user_create(created_by=county["adviser"], name="To", role=Role.PARTNER)
    token, key = api_token_create(
        user=two,
        name="To",
        expires_on=timezone.localdate() + datetime.timedelta(days=5),
        created_by=county["adviser"],
    )
    response = signed_in(county["adviser"]).post(
        reverse("accounts:api-token-revoke", args=[one.pk]), {"token_key": token.token_key}
    )
    assert response.status_code == 404
    assert api(key).status_code == 200


def test_deactivating_a_system_user_revokes_its_keys_for_good(county):
    system = system_user_create(created_by=county["adviser"], name="BI", role=Role.PARTNER)
    client = signed_in(county["adviser"])
    key = shown_key(make_key(client, system))
    response = client.post(reverse("accounts:user-deactivate", args=[system.pk]), follow=True)
    assert "alle nøklene til den er trukket tilbake" in response.content.decode()
    assert api(key).status_code == 401
    response = client.post(reverse("accounts:user-activate", args=[system.pk]), follow=True)
    assert "De gamle nøklene virker ikke: lag en ny." in response.content.decode()
    assert api(key).status_code == 401
    assert not ApiToken.objects.filter(user=system).exists()
    # A deactivated system user gets no key.
    user_deactivate(user=system)
    response = make_key(client, system)
    assert "deaktivert" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_system_user_is_a_reader_and_never_signs_in(county, mailoutbox):
    client = signed_in(county["adviser"])
    response = client.post(
        reverse("accounts:system-user-create"), {"name": "BI", "role": Role.ADVISER}
    )
    assert response.status_code == 200 and not User.objects.filter(is_system=True).exists()
    assert 'value="BI"' in response.content.decode()
    system = system_user_create(created_by=county["adviser"], name="BI", role=Role.PARTNER)
    # No password works, and there is no address to reset one at.
    response = Client().post(reverse("login"), {"username": system.username, "password": ""})
    assert response.status_code == 200
    assert not mailoutbox
    # Its page offers the keys, not an invitation.
    page = client.get(reverse("accounts:user-update", args=[system.pk])).content.decode()
    assert reverse("accounts:api-tokens", args=[system.pk]) in page
    assert "invitasjon" not in page.lower()
    # Renaming keeps it a reader without e-mail.
    client.post(
        reverse("accounts:user-update", args=[system.pk]),
        {"name": "Styringsdata", "role": Role.COMMITTEE_READER},
    )
    system.refresh_from_db()
    assert (system.first_name, system.email, system.role) == (
        "Styringsdata",
        "",
        Role.COMMITTEE_READER,
    )


def test_a_person_has_no_key_page(county):
    person = User.objects.create(username="kari")
    response = signed_in(county["adviser"]).get(reverse("accounts:api-tokens", args=[person.pk]))
    assert response.status_code == 404
