"""Issue 5's walk-through: Meråker's leader submits the mid-term report with indicator
results; the adviser approves it; the timeline shows the milestone as approved."""

import pytest

from evaluations.models import Milestone, MilestoneReport
from tests.browser.conftest import axe_violations, log_in, new_page

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_meraker_submits_midtveisrapport_and_adviser_approves(page, browser):
    milestone = Milestone.objects.get(
        agreement__programme__slug="i-lag",
        agreement__municipalities__number="5034",
        kind=Milestone.Kind.MIDTERM_REPORT,
    )
    # The demo has every past report approved; this walk-through writes this one afresh.
    MilestoneReport.objects.filter(milestone=milestone).delete()
    milestone.status, milestone.delivered_on = Milestone.Status.PLANNED, None
    milestone.save()
    log_in(page, "leder.meraker")
    page.get_by_role("link", name="Kommunens midtveisrapport").first.click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Skriv rapporten").click()
    assert axe_violations(page) == []
    page.get_by_label("Oppsummering").fill("Rekrutteringstiltakene har gitt flere søkere.")
    for indicator in milestone.agreement.projects.get(number=2).indicators.all():
        page.locator(f"#id_result_{indicator.pk}").fill("3")
    page.get_by_label("Effekt på sysselsetting").fill("4")
    page.get_by_label("Hvordan kunnskapen ble delt").fill("Presentert på samlingen i Rennebu.")
    page.get_by_label("Hvordan arbeidet videreføres").fill("I ordinær drift fra 2026.")
    page.get_by_role("button", name="Lagre og send inn til fylkeskommunen").click()
    assert "sendt inn" in page.locator("main").inner_text()
    report = MilestoneReport.objects.get(milestone=milestone)
    assert report.status == MilestoneReport.Status.SUBMITTED
    assert report.indicator_results.count() >= 1

    adviser = new_page(browser, page.base_url)
    log_in(adviser, "radgiver")
    adviser.goto(f"{page.base_url}{report.get_absolute_url()}")
    assert axe_violations(adviser) == []
    adviser.get_by_role("button", name="Godkjenn").click()
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.APPROVED

    adviser.goto(f"{page.base_url}/program/i-lag/")
    assert axe_violations(adviser) == []
    titles = adviser.locator("svg g > title").all_text_contents()
    meraker = [t for t in titles if "Kommunens midtveisrapport" in t and "Meråker" in t]
    assert meraker and "godkjent" in meraker[0].lower(), titles
    adviser.context.close()


def test_adviser_undoes_and_registers_the_delivery_of_a_programme_milestone(page):
    milestone = Milestone.objects.get(programme__slug="i-lag", kind=Milestone.Kind.FINAL_EVALUATION)
    assert milestone.status == Milestone.Status.DELIVERED  # the demo: due in 2025
    log_in(page, "radgiver")
    page.goto(f"{page.base_url}{milestone.get_absolute_url()}")
    assert "Registrert som levert 15.11.2025." in page.locator("main").inner_text()
    assert axe_violations(page) == []
    summary = page.locator("summary", has_text="Angre leveringen")
    summary.focus()
    page.keyboard.press("Enter")  # opens the details by keyboard
    page.locator("#id_angre-reason").fill("Rapporten var et utkast")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Marker som ikke levert").click()
    assert "Milepælen er markert som ikke levert." in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.locator("#id_delivered_on").fill("2025-11-20")
    page.get_by_label("Levert dokument").set_input_files(
        files=[{"name": "Sluttevaluering.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("Merknad").fill("Endelig rapport mottatt fra NIBR.")
    page.get_by_role("button", name="Registrer som levert").click()
    assert "Milepælen er registrert som levert." in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Last ned Sluttevaluering").is_visible()
    assert axe_violations(page) == []
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.DELIVERED
    assert str(milestone.delivered_on) == "2025-11-20"
    assert milestone.history.first().history_change_reason == "Endelig rapport mottatt fra NIBR."
