"""The Arkivering page and an agreement's archive status, in Chromium: WCAG 2.1 AA with
axe, reflowing at 320 px without sideways scrolling, and usable by keyboard alone."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from archive.models import ArchiveRecord
from tests.browser.conftest import axe_violations, log_in

pytestmark = pytest.mark.browser
Status = ArchiveRecord.Status


def demo_records():
    """The demo's signed agreements as records: one failed, one received."""
    signed = list(
        ArchiveRecord.objects.filter(kind=ArchiveRecord.Kind.AGREEMENT_SIGNED).order_by("pk")[:2]
    )
    assert len(signed) == 2, "the demo signs agreements through agreement_sign"
    failed, received = signed
    ArchiveRecord.objects.filter(pk=failed.pk).update(
        status=Status.FAILED,
        attempts=3,
        last_error="Arkivet avviste journalposten: Ukjent arkivdel (feil-ID 42)",
    )
    ArchiveRecord.objects.filter(pk=received.pk).update(
        status=Status.RECEIVED,
        sent_at=timezone.now() - datetime.timedelta(days=2),
        received_at=timezone.now() - datetime.timedelta(days=1),
        case_number="2026/123",
        record_number="2026/4567",
    )
    return ArchiveRecord.objects.get(pk=failed.pk), ArchiveRecord.objects.get(pk=received.pk)


def test_archive_page_by_keyboard_at_320_px(page):
    failed, _received = demo_records()
    log_in(page, "radgiver")
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{page.base_url}{reverse('archive:list')}")
    assert page.locator("h1").inner_text() == "Arkivering"
    assert "Ukjent arkivdel" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe_violations(page) == []

    # To the failed record's «Merk som arkivert manuelt» by keyboard.
    link = page.locator(f"a[href='{reverse('archive:mark', args=[failed.pk])}']")
    assert link.inner_text().startswith("Merk som arkivert manuelt")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Merk som arkivert manuelt"
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe_violations(page) == []

    # Sent empty: the message at the field, the summary focused.
    page.get_by_label("Arkivets referanse").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Skriv arkivets referanse" in page.content()
    assert page.evaluate("document.activeElement.id") == "form-errors"
    assert axe_violations(page) == []

    page.get_by_label("Arkivets referanse").fill("2026/123-9")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "er merket som arkivert manuelt" in page.content()
    failed.refresh_from_db()
    assert failed.status == Status.BY_HAND and failed.manual_reference == "2026/123-9"
    assert axe_violations(page) == []


def test_agreement_page_shows_the_archive_status(page):
    _failed, received = demo_records()
    log_in(page, "radgiver")
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{page.base_url}{received.agreement.get_absolute_url()}")
    section = page.locator("section", has=page.locator("#archive-heading"))
    text = " ".join(section.inner_text().split())
    assert "Mottatt" in text
    assert "(saksnr. 2026/123, journalpost 2026/4567)" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe_violations(page) == []


def test_programme_close_out_by_keyboard_at_320_px(page):
    failed, received = demo_records()
    programme = failed.programme
    log_in(page, "radgiver")
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{page.base_url}{programme.get_absolute_url()}")
    link = page.get_by_role("link", name="Se hva arkivet har mottatt for programmet")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == f"Arkivering – {programme.name}"
    text = " ".join(page.locator("main").inner_text().split())
    assert "Ukjent arkivdel" in text  # the failed one, with the archive's reason
    assert received.title not in text  # received: not missing
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe_violations(page) == []
