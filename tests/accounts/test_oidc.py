"""Single sign-on against a fake OpenID Connect provider served on loopback."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.urls import reverse

from accounts.models import Role, User
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.oidc_urls")]

CLIENT_ID = "ilag-portal"
CLIENT_SECRET = "test-secret-that-is-long-enough-for-hs256"


class FakeProvider:
    """Token and userinfo endpoints that answer with the claims the test sets."""

    def __init__(self):
        self.claims = {}
        self.nonce = None
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, body):
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):  # token endpoint
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                now = int(time.time())
                id_token = jwt.encode(
                    {
                        "iss": provider.url,
                        "aud": CLIENT_ID,
                        "sub": "abc",
                        "iat": now,
                        "exp": now + 300,
                        "nonce": provider.nonce,
                        **provider.claims,
                    },
                    CLIENT_SECRET,
                    algorithm="HS256",
                )
                self.reply({"id_token": id_token, "access_token": "access", "token_type": "Bearer"})

            def do_GET(self):  # userinfo endpoint
                self.reply({"sub": "abc", **provider.claims})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()


@pytest.fixture
def provider(settings):
    fake = FakeProvider()
    settings.OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "accounts.oidc.InvitedUserOIDCBackend",
    ]
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{fake.url}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{fake.url}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{fake.url}/userinfo"
    settings.OIDC_CREATE_USER = False
    settings.OIDC_PROVIDER_NAME = "Microsoft Entra ID"
    settings.LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=feilet"
    yield fake
    fake.stop()


def sign_in(client, provider, **claims):
    provider.claims = claims
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302 and start["Location"].startswith(provider.url)
    query = parse_qs(urlsplit(start["Location"]).query)
    provider.nonce = query["nonce"][0]
    return client.get(
        reverse("oidc_authentication_callback"), {"code": "kode", "state": query["state"][0]}
    )


def test_login_page_offers_single_sign_on_when_switched_on(client, provider):
    html = client.get(reverse("login")).content.decode()
    assert "Logg inn med Microsoft Entra ID" in html


def test_invited_user_with_verified_email_signs_in(client, provider):
    user = UserFactory(username="kari", email="kari@trondelagfylke.no", role=Role.ADVISER)
    response = sign_in(client, provider, email="Kari@trondelagfylke.no", email_verified=True)
    assert response.status_code == 302 and response["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == user.pk


def test_unknown_email_is_refused_and_nobody_is_created(client, provider):
    count = User.objects.count()
    response = sign_in(client, provider, email="fremmed@example.no", email_verified=True)
    assert response["Location"] == "/accounts/login/?sso=feilet"
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == count
    html = client.get(response["Location"]).content.decode()
    assert "Innlogging med enkel pålogging mislyktes" in html


def test_unverified_email_is_refused(client, provider):
    UserFactory(username="kari", email="kari@trondelagfylke.no")
    response = sign_in(client, provider, email="kari@trondelagfylke.no", email_verified=False)
    assert response["Location"] == "/accounts/login/?sso=feilet"
    assert "_auth_user_id" not in client.session


def test_deactivated_user_is_refused(client, provider):
    UserFactory(username="kari", email="kari@trondelagfylke.no", is_active=False)
    response = sign_in(client, provider, email="kari@trondelagfylke.no", email_verified=True)
    assert "_auth_user_id" not in client.session
    assert response["Location"] == "/accounts/login/?sso=feilet"


def test_single_sign_on_is_off_by_default():
    from django.conf import settings

    assert settings.OIDC_ENABLED is False
