"""Ordering a PDF report, the list of orders and an order's page, in Chromium: WCAG 2.1 AA
with axe, and the state updated in place while the report is made."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from agreements.models import Programme
from ilag.files import reports_storage
from reports.models import ReportOrder
from tests.browser.conftest import axe_violations, log_in

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def report_file():
    storage = reports_storage()
    name = storage.save("reports/test/nettleser.pdf", _content())
    yield name
    storage.delete(name)


def _content():
    from django.core.files.base import ContentFile

    return ContentFile(PDF)


def order(**fields) -> ReportOrder:
    return ReportOrder.objects.create(
        kind=ReportOrder.Kind.PROGRAMME,
        programme=Programme.objects.get(slug="i-lag"),
        ordered_by=User.objects.get(username="radgiver"),
        **fields,
    )


def test_order_form_and_its_errors_pass_axe(page):
    log_in(page, "radgiver")
    page.goto(f"{page.base_url}{reverse('reports:create')}")
    assert page.locator("h1").inner_text() == "Bestill en PDF-rapport"
    assert axe_violations(page) == []

    # Only what the chosen kind needs is shown.
    assert page.get_by_label("Rapport til utvalget").is_checked()
    assert page.get_by_label("Rådgivers vurdering").is_visible()
    assert page.locator("#id_project").is_hidden()
    page.get_by_label("Prosjektrapport (PDF)").check()
    assert page.locator("#id_project").is_visible()
    assert page.get_by_label("Rådgivers vurdering").is_hidden()
    assert page.get_by_label("Saksnummer").is_hidden()

    page.get_by_label("Rapport til utvalget").check()
    page.get_by_label("Saksnummer").fill("feil")
    page.get_by_label("Kommunerapport (PDF)").check()
    page.get_by_role("button", name="Bestill", exact=True).click()
    page.wait_for_load_state()
    assert "Velg kommunen rapporten gjelder." in page.content()
    # The error summary has the focus; the field with an error stays in view, input kept.
    assert page.evaluate("document.activeElement.id") == "form-errors"
    assert page.get_by_label("Saksnummer").is_visible()
    assert page.get_by_label("Saksnummer").input_value() == "feil"
    assert page.get_by_label("Kommunerapport (PDF)").is_checked()
    assert axe_violations(page) == []


def test_leader_order_form_passes_axe(page):
    log_in(page, "leder.snasa")
    page.goto(f"{page.base_url}{reverse('reports:create')}")
    options = page.locator("#id_project option").all_inner_texts()
    assert any("Boliger i Snåsa sentrum" in text for text in options)
    assert not any("Rekruttering av helsepersonell" in text for text in options)
    assert axe_violations(page) == []

    page.locator("#id_project").select_option(label=next(o for o in options if "Boliger" in o))
    page.get_by_role("button", name="Bestill", exact=True).click()
    page.wait_for_load_state()
    assert (
        page.locator("h1").inner_text().startswith("Prosjektrapport (PDF): Boliger i Snåsa sentrum")
    )
    assert axe_violations(page) == []


def test_orders_list_and_a_ready_order_pass_axe(page, report_file):
    ready = order(
        status=ReportOrder.Status.READY,
        file=report_file,
        pages=1,
        size=len(PDF),
        data_cutoff=timezone.now(),
        finished_at=timezone.now(),
        meeting_organ="Hovedutvalg for næring og industri",
        case_number="2026/12345",
    )
    order(queue_delayed=True)
    log_in(page, "radgiver")
    page.goto(f"{page.base_url}{reverse('reports:list')}")
    assert page.locator("h1").inner_text() == "PDF-rapporter"
    assert page.get_by_role("link", name="I LAG", exact=True).count() == 2
    assert axe_violations(page) == []

    page.goto(f"{page.base_url}{ready.get_absolute_url()}")
    assert page.get_by_role("link", name="Last ned PDF-en").is_visible()
    page.get_by_role("link", name="Merk som endelig …").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Merk som endelig")
    assert "Dette blir låst" in page.content()
    assert axe_violations(page) == []
    # Sent without the meeting date and the confirmation: said at the fields, kept.
    page.get_by_role("button", name="Merk som endelig").click()
    page.wait_for_load_state()
    assert "Bekreft at dette er rapporten utvalget får." in page.content()
    assert page.get_by_label("Saksnummer").count() == 0  # given when ordered, kept as is
    assert axe_violations(page) == []


def test_order_page_shows_the_new_state_without_reloading(page, report_file):
    waiting = order()
    log_in(page, "radgiver")
    page.goto(f"{page.base_url}{waiting.get_absolute_url()}")
    status = page.locator("#report-status-text")
    assert status.get_attribute("aria-live") == "polite"
    assert "I kø" in status.inner_text()
    assert page.locator("#report-download").is_hidden()
    assert axe_violations(page) == []
    page.evaluate("window.__notReloaded = true")

    waiting.status = ReportOrder.Status.READY
    waiting.file.name = report_file
    waiting.pages, waiting.size = 1, len(PDF)
    waiting.data_cutoff = waiting.finished_at = timezone.now()
    waiting.save()

    page.get_by_role("link", name="Last ned PDF-en").wait_for(state="visible", timeout=10_000)
    assert "Rapporten er klar." in status.inner_text()
    assert "Klar" in status.inner_text()
    assert page.evaluate("window.__notReloaded") is True
    assert axe_violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned PDF-en").click()
    assert download.value.suggested_filename.startswith("rapport-til-utvalget-i-lag-")
