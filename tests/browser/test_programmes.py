"""An adviser sets up a new programme in the portal by copying I LAG and changing it,
by keyboard and mouse, with every page axe-clean and reflowing at 320 px."""

import pytest

from agreements.models import Programme
from tests.browser.conftest import axe_violations, log_in

pytestmark = pytest.mark.browser


def test_adviser_copies_i_lag_and_changes_the_copy(page):
    log_in(page, "radgiver")
    page.goto(f"{page.base_url}/program/i-lag/")
    page.get_by_role("link", name="Kopier program").click()
    assert page.locator("h1").inner_text() == "Kopier program: Distriktssatsinga I LAG"
    assert axe_violations(page) == []
    page.locator("#id_name").fill("Distriktssatsinga I LAG 2027")
    page.locator("#id_slug").fill("i-lag-2027")
    page.locator("#id_start_date").fill("2027-01-01")
    page.locator("#id_end_date").fill("2030-12-31")
    page.get_by_role("button", name="Lag kopien").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Rediger programmet: Distriktssatsinga I LAG 2027"
    assert "er laget fra «I LAG»" in page.locator(".messages").inner_text()
    assert axe_violations(page) == []

    # A mistake: the programme ends before it starts. Nothing is saved, input is kept.
    page.locator("#id_end_date").fill("2026-12-31")
    page.locator("#id_max_grant_per_agreement").fill("1 500 000")
    page.locator("#id_focus-6-name").fill("Grønn omstilling")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state()
    assert "Ingenting er lagret ennå" in page.locator("#form-errors").inner_text()
    assert page.locator("#id_focus-6-name").input_value() == "Grønn omstilling"
    assert axe_violations(page) == []
    assert Programme.objects.get(slug="i-lag-2027").max_grant_per_agreement == 3_000_000

    page.locator("#id_end_date").fill("2030-12-31")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Distriktssatsinga I LAG 2027")
    copy = Programme.objects.get(slug="i-lag-2027")
    assert copy.max_grant_per_agreement == 1_500_000
    assert "Grønn omstilling" in copy.focus_areas.values_list("name", flat=True)


def test_programme_form_reflows_at_320_px(page):
    log_in(page, "radgiver")
    page.set_viewport_size({"width": 320, "height": 800})
    for path in ("/program/ny/", "/program/i-lag/rediger/", "/program/i-lag/kopier/"):
        page.goto(f"{page.base_url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
        assert axe_violations(page) == [], path


def test_adviser_makes_an_agreement_for_two_municipalities_and_signs_it(page, tmp_path):
    signed = tmp_path / "avtale.pdf"
    signed.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    log_in(page, "radgiver")
    page.goto(f"{page.base_url}/program/hjerteregionen/")
    page.get_by_role("link", name="Ny samarbeidsavtale").click()
    assert page.locator("h1").inner_text() == "Ny samarbeidsavtale"
    assert axe_violations(page) == []
    page.locator("#id_title").fill("Samarbeidsavtale Lierne og Røyrvik")
    page.get_by_label("Lierne").check()
    page.get_by_label("Røyrvik").check()
    page.locator("#id_start_date").fill("2024-01-01")
    page.locator("#id_end_date").fill("2025-12-31")
    page.locator("#id_county_frame").fill("1 200 000")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Samarbeidsavtale Lierne og Røyrvik")
    assert "Utkast" in page.locator(".lead").inner_text()

    page.get_by_role("link", name="Registrer som signert").click()
    assert axe_violations(page) == []
    page.locator("#id_signed_date").fill("2023-12-15")
    page.locator("#id_document").set_input_files(str(signed))
    page.get_by_role("button", name="Registrer som signert").click()
    page.wait_for_load_state()
    assert "Avtalen er signert og har fått milepælene sine." in page.content()
    assert "Signert" in page.locator(".lead").inner_text()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Registrer en tilleggsavtale").click()
    assert axe_violations(page) == []
    page.locator("#id_signed_on").fill("2024-06-01")
    page.locator("#id_new_end_date").fill("2025-10-31")
    page.locator("#id_reason").fill("Forsinket oppstart.")
    page.locator("#id_document").set_input_files(str(signed))
    page.get_by_role("button", name="Registrer tilleggsavtalen").click()
    page.wait_for_load_state()
    assert "Tilleggsavtale 01.06.2024" in page.content()
    assert "31.10.2025" in page.content()

    page.get_by_role("link", name="Si opp avtalen").click()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_agreement_pages_reflow_at_320_px(page):
    log_in(page, "radgiver")
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{page.base_url}/program/i-lag/avtaler/ny/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe_violations(page) == []
