"""Every page of the foundation, as the county adviser sees it, passes axe (WCAG 2.1 AA)."""

import pytest

from agreements.models import Agreement
from projects.models import Project
from tests.browser.conftest import axe_violations, log_in

pytestmark = pytest.mark.browser


def foundation_pages():
    snasa_agreement = Agreement.objects.get(title="Samarbeidsavtale I LAG – Snåsa")
    joint = Project.objects.get(title="Fellesprosjekt: innovative anskaffelser")
    return [
        ("/program/", "Program"),
        ("/program/i-lag/", "Distriktssatsinga I LAG"),
        ("/program/hjerteregionen/", "Bygdevekstavtale Hjerteregionen"),
        ("/kommuner/", "Kommuner"),
        ("/kommuner/5041/", "Snåsa (Snåase)"),
        (snasa_agreement.get_absolute_url(), snasa_agreement.title),
        ("/prosjekter/", "Prosjekter"),
        ("/prosjekter/?kommune=5034&status=completed", "Prosjekter"),
        (joint.get_absolute_url(), joint.title),
        # The change history's older entries, with the links between its pages.
        (joint.get_absolute_url() + "?endringer=2", joint.title),
        ("/", "Oversikt: Distriktssatsinga I LAG"),
        ("/?program=hjerteregionen", "Oversikt: Bygdevekstavtale Hjerteregionen"),
        ("/avtaler/?status=completed", "Samarbeidsavtaler"),
        ("/milepeler/?status=overdue", "Milepæler"),
        ("/prosjekter/statusrapporter/?statuslys=yellow", "Statusrapporter"),
        ("/prosjekter/?status=banan&sorter=-budsjett", "Prosjekter"),
    ]


def test_login_page_has_no_axe_violations(page):
    page.goto(f"{page.base_url}/accounts/login/")
    assert page.locator("h1").inner_text() == "Logg inn"
    assert axe_violations(page) == []


def test_adviser_pages_have_no_axe_violations(page):
    log_in(page, "radgiver")
    # Nothing a page asks the server for fails: style sheets, scripts, the icon.
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    for path, heading in foundation_pages():
        page.goto(f"{page.base_url}{path}")
        assert heading in page.locator("h1").inner_text(), path
        assert page.locator("html").get_attribute("lang") == "nb"
        assert axe_violations(page) == [], path
    assert failed == []
    # The page names its icon (else a browser asks for /favicon.ico, which is not there).
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(f"{page.base_url}{icon}").status == 200


def test_failed_login_shows_bokmal_message_at_the_form(page):
    log_in(page, "radgiver", password="feil")
    assert "Vennligst oppgi korrekt brukernavn og passord" in page.content()
    assert page.get_by_label("Brukernavn").input_value() == "radgiver"
    assert axe_violations(page) == []


def test_skip_link_is_first_and_moves_focus_to_main(page):
    log_in(page, "radgiver")
    page.goto(f"{page.base_url}/program/i-lag/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Gå til hovedinnholdet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_keyboard_alone_reaches_a_project_from_the_menu(page):
    log_in(page, "radgiver")
    page.goto(f"{page.base_url}/prosjekter/")
    link = page.get_by_role("link", name="Boliger i Snåsa sentrum")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("2. Boliger i Snåsa sentrum")


def test_municipality_filter_suggests_as_you_type_and_filters_by_keyboard(page):
    log_in(page, "radgiver")
    page.goto(f"{page.base_url}/prosjekter/")
    field = page.get_by_label("Kommune (navn eller nummer)")
    field.focus()
    page.keyboard.type("sn")
    options = page.locator("#id_kommune-forslag option")
    options.first.wait_for(state="attached")
    assert options.evaluate_all("os => os.map(o => [o.value, o.textContent])") == [
        ["Snåsa", "Snåsa (5041)"]
    ]
    page.keyboard.type("åsa")
    page.keyboard.press("Enter")  # submits the filter form
    page.wait_for_url("**kommune=sn%C3%A5sa**")
    assert page.get_by_role("link", name="Boliger i Snåsa sentrum").is_visible()
    assert page.get_by_role("link", name="Utviklingsplan for Leka").count() == 0
    assert axe_violations(page) == []


def test_adviser_pages_reflow_at_320_px_without_sideways_scrolling(page):
    # Wide tables scroll inside their own box; the page itself never does.
    log_in(page, "radgiver")
    page.set_viewport_size({"width": 320, "height": 800})
    wide = []
    for path, _heading in foundation_pages():
        page.goto(f"{page.base_url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide.append((path, width))
    assert wide == []
