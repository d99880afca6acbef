"""User management, invitations, own account and the idle-timeout warning, in Chromium."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from projects.models import Project
from projects.permissions import can_edit_project
from tests.browser.conftest import axe_violations, log_in, new_page

pytestmark = pytest.mark.browser


def test_adviser_invites_tydal_leader_who_sets_password_and_sees_tydal(page, browser):
    log_in(page, "radgiver")
    page.get_by_role("link", name="Brukere").click()
    assert page.locator("h1").inner_text() == "Brukere"
    assert axe_violations(page) == []
    page.get_by_role("link", name="Inviter en bruker").click()
    assert axe_violations(page) == []
    page.get_by_label("Fornavn").fill("Ny")
    page.get_by_label("Etternavn").fill("Leder")
    page.get_by_label("E-postadresse").fill("ny.leder@example.no")
    page.get_by_label("Prosjektleder", exact=True).check()
    page.get_by_role("button", name="Send invitasjon").click()
    # A project leader needs a municipality: the form says so and keeps the input.
    assert "Velg minst én kommune for en prosjektleder." in page.content()
    assert page.get_by_label("E-postadresse").input_value() == "ny.leder@example.no"
    assert axe_violations(page) == []
    page.get_by_label("Tydal").check()
    page.get_by_role("button", name="Send invitasjon").click()
    assert "Invitasjonen er sendt til ny.leder@example.no." in page.content()

    link = re.search(r"https?://\S+/invitasjon/\S+/", mail.outbox[-1].body).group(0)
    invited = new_page(browser, page.base_url)
    invited.goto(link)
    assert invited.locator("h1").inner_text() == "Velg passord"
    assert axe_violations(invited) == []
    invited.locator("#id_new_password1").fill("Fjellvann-2026")
    invited.get_by_label("Bekreft nytt passord").fill("Fjellvann-2026")
    invited.get_by_role("button", name="Lagre passord og logg inn").click()
    invited.get_by_role("link", name="Prosjekter", exact=True).click()
    for project in Project.objects.filter(municipalities__number="5033"):
        assert project.title in invited.content()
        assert can_edit_project(User.objects.get(email="ny.leder@example.no"), project)
    # … and can edit them.
    tydal_project = Project.objects.filter(municipalities__number="5033").first()
    invited.goto(f"{page.base_url}/prosjekter/{tydal_project.pk}/rediger/")
    invited.get_by_label("Beskrivelse").fill("Oppdatert av ny prosjektleder.")
    invited.get_by_role("button", name="Lagre").click()
    assert "Prosjektet er lagret." in invited.content()
    tydal_project.refresh_from_db()
    assert tydal_project.description == "Oppdatert av ny prosjektleder."
    # The link works once.
    invited.goto(link)
    assert "allerede brukt" in invited.content()
    invited.context.close()


def test_own_account_pages_pass_axe(page):
    log_in(page, "leder.snasa")
    for path in ["/konto/", "/konto/passord/"]:
        page.goto(f"{page.base_url}{path}")
        assert axe_violations(page) == [], path
    page.goto(f"{page.base_url}/konto/")
    page.get_by_label("E-postadresse").fill("ikke-en-adresse")
    page.get_by_role("button", name="Lagre").click()
    assert "Oppgi en gyldig e-postadresse" in page.content()
    assert axe_violations(page) == []


def test_password_reset_and_lockout_pages_pass_axe(page):
    page.goto(f"{page.base_url}/glemt-passord/")
    assert axe_violations(page) == []
    page.get_by_label("E-post").fill("radgiver@example.no")
    page.get_by_role("button", name="Send lenke").click()
    assert page.locator("h1").inner_text() == "Sjekk e-posten din"
    assert axe_violations(page) == []
    for _ in range(11):
        log_in(page, "partner", password="feil")
    assert "For mange mislykkede innlogginger" in page.content()
    assert axe_violations(page) == []


def test_idle_timeout_warns_and_can_be_extended(page, settings):
    settings.SESSION_COOKIE_AGE = 12
    settings.SESSION_WARNING_SECONDS = 10
    log_in(page, "radgiver")
    dialog = page.get_by_role("dialog", name="Du blir snart logget ut")
    dialog.wait_for(state="visible", timeout=8_000)
    assert page.evaluate("document.activeElement.id") == "session-extend"
    assert axe_violations(page) == []
    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    assert "/accounts/login/" not in page.url  # still signed in, on the same page


def test_adviser_makes_a_system_user_and_a_key_the_system_then_reads_with(page, live_server):
    """The whole way through the pages, at 320 px: axe-clean, no sideways scrolling, and
    the key shown once works against the API as an outside client sends it."""
    import urllib.request

    page.set_viewport_size({"width": 320, "height": 800})
    log_in(page, "radgiver")
    page.goto(f"{page.base_url}/brukere/")
    page.get_by_role("link", name="Ny systembruker").click()
    assert axe_violations(page) == []
    page.get_by_label("Navn på systemet").fill("Arkivsystemet")
    page.get_by_label("Partner i «laget rundt»").check()
    page.get_by_role("button", name="Lag systembrukeren").click()
    assert "Systembrukeren «Arkivsystemet» er laget" in page.content()
    assert axe_violations(page) == []
    page.get_by_label("Formål").fill("Arkiv, test")
    page.get_by_role("button", name="Lag nøkkelen").click()
    assert page.locator("h1").inner_text() == "Ny nøkkel «Arkiv, test»"
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    key = page.get_by_label("Nøkkel for Arkivsystemet").input_value()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Kopier nøkkelen").click()
    expect(page.get_by_role("status").filter(has_text="Nøkkelen er kopiert.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == key
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/projects/", headers={"Authorization": f"Token {key}"}
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
    page.get_by_role("link", name="Ferdig, tilbake til nøklene").click()
    assert key not in page.content() and key[:15] in page.content()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_role("button", name="Trekk tilbake Arkiv, test").click()
    assert "er trukket tilbake" in page.content()
