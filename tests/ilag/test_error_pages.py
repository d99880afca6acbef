"""Error pages in bokmål, with a way back: a form sent without its security check, and
a server error."""

import pytest
from django.test import Client
from django.urls import path

from tests.factories import adviser

pytestmark = pytest.mark.django_db


def test_a_form_without_its_csrf_token_gets_a_bokmal_page_in_the_layout():
    client = Client(enforce_csrf_checks=True)
    client.force_login(adviser())
    response = client.post("/konto/", {})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Skjemaet var utløpt" in html and "Ingenting ble lagret" in html
    assert 'class="portal-header"' in html and "Forbidden" not in html


def boom(request):
    raise RuntimeError("test")


urlpatterns = [path("boom/", boom)]


def test_a_server_error_gets_a_bokmal_page(settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    client.force_login(adviser())
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Noe gikk galt" in html and "Ingenting ble endret" in html
    assert 'href="/"' in html
