"""A programme's whole life in the browser, without the admin: an adviser copies I LAG
with other caps, makes an agreement with two municipalities and signs it; a project
leader proposes a joint project with shares; the adviser approves it within the frame;
a status report, a change request and the final report are approved; the project is
closed. Every page on the way is axe-clean."""

import os
from pathlib import Path

import pytest

from agreements.models import Agreement, CostCategory, Programme
from evaluations.models import Milestone
from municipalities.models import Municipality, Organisation
from projects.models import ChangeRequest, ProgressReport, Project
from tests.browser.conftest import axe_violations, log_in

pytestmark = pytest.mark.browser

# Set SHOTS=/some/dir to keep a screenshot of every page the cycle passes.
SHOTS = os.environ.get("SHOTS")


class Walk:
    def __init__(self, page):
        self.page = page
        self.seen = 0

    def check(self, name: str) -> None:
        """The page has loaded, is axe-clean, and (with SHOTS) is kept as a picture."""
        page = self.page
        page.wait_for_load_state()
        assert axe_violations(page) == [], (name, page.url)
        if SHOTS:
            self.seen += 1
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/{self.seen:02d}-{name}.png", full_page=True)

    def go(self, path: str, name: str) -> None:
        self.page.goto(f"{self.page.base_url}{path}")
        self.check(name)

    def click(self, role: str, label: str, name: str) -> None:
        self.page.get_by_role(role, name=label, exact=True).first.click()
        self.check(name)


def log_out_and_in(page, username):
    page.context.clear_cookies()
    log_in(page, username)


def test_a_programme_from_set_up_to_a_closed_project(page, tmp_path):
    signed = tmp_path / "avtale.pdf"
    signed.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    walk = Walk(page)
    snasa = Municipality.objects.get(name="Snåsa")
    meraker = Municipality.objects.get(name="Meråker")

    # The adviser copies I LAG into a new programme with other caps.
    log_in(page, "radgiver")
    walk.go("/program/i-lag/", "programme")
    walk.click("link", "Kopier program", "copy")
    page.locator("#id_name").fill("I LAG 2026–2029")
    page.locator("#id_slug").fill("i-lag-2026")
    page.locator("#id_start_date").fill("2026-01-01")
    page.locator("#id_end_date").fill("2029-12-31")
    walk.click("button", "Lag kopien", "copy-made")
    page.locator("#id_max_grant_per_agreement").fill("1 500 000")
    page.locator("#id_max_county_share_percent").fill("60")
    page.get_by_label("Sysselsetting", exact=True).check()
    walk.click("button", "Lagre", "programme-saved")
    programme = Programme.objects.get(slug="i-lag-2026")
    assert (programme.max_grant_per_agreement, programme.max_county_share_percent) == (
        1_500_000,
        60,
    )
    assert programme.target_figure_kinds == ["employment"]

    # An agreement with two municipalities, signed with its document.
    walk.click("link", "Ny samarbeidsavtale", "agreement-new")
    page.locator("#id_title").fill("Samarbeidsavtale Snåsa og Meråker")
    page.get_by_label("Snåsa", exact=True).check()
    page.get_by_label("Meråker", exact=True).check()
    page.locator("#id_start_date").fill("2026-06-01")
    page.locator("#id_end_date").fill("2028-05-31")
    page.locator("#id_county_frame").fill("1 000 000")
    walk.click("button", "Lagre", "agreement-draft")
    walk.click("link", "Registrer som signert", "agreement-sign")
    page.locator("#id_signed_date").fill("2026-05-20")
    page.locator("#id_document").set_input_files(str(signed))
    walk.click("button", "Registrer som signert", "agreement-signed")
    assert "Avtalen er signert og har fått milepælene sine." in page.content()
    agreement = Agreement.objects.get(programme=programme)
    assert Milestone.objects.filter(agreement=agreement).count() >= 3

    # The leader in Snåsa proposes a joint project with Meråker, 60/40.
    log_out_and_in(page, "leder.snasa")
    walk.go(agreement.get_absolute_url(), "agreement-for-leader")
    walk.click("link", "Foreslå et prosjekt", "propose")
    page.locator("#id_title").fill("Felles rekruttering")
    page.locator("#id_description").fill("Felles kampanje for å rekruttere fagfolk.")
    page.locator("#id_goals").fill("Ti nye fagfolk i de to kommunene.")
    page.locator("#id_start_date").fill("2026-06-01")
    page.locator("#id_end_date").fill("2028-05-31")
    page.locator(f"#id_share_{snasa.pk}").fill("60")
    page.locator(f"#id_share_{meraker.pk}").fill("40")
    page.locator("#id_lead_municipality").select_option(label="Snåsa")
    walk.click("button", "Lagre utkastet og gå videre til budsjettet", "financing")
    project = Project.objects.get(title="Felles rekruttering")
    assert project.status == Project.Status.DRAFT

    category = CostCategory.objects.filter(programme=programme, eligible=True).first()
    county = Organisation.objects.get(pk=programme.owner_id)
    page.locator(f"[name=b_{category.pk}_2026]").fill("300 000")
    page.locator(f"[name=b_{category.pk}_2027]").fill("200 000")
    page.locator("[name=funding-0-source]").select_option(f"o{county.pk}")
    page.locator("[name=funding-0-amount]").fill("250 000")
    page.locator("[name=funding-1-source]").select_option(f"m{snasa.pk}")
    page.locator("[name=funding-1-amount]").fill("250 000")
    walk.click("button", "Lagre budsjett og finansieringsplan", "project-draft")
    # The programme asks for employment as a target figure: without it, no submission.
    walk.click("button", "Send forslaget inn til fylkeskommunen", "proposal-refused")
    assert "krever disse måltallene" in page.locator(".messages").inner_text()
    walk.click("link", "Måltall", "targets")
    page.locator("[name=targets-0-unit]").fill("fagfolk")
    page.locator("[name=targets-0-baseline]").fill("0")
    page.locator("[name=targets-0-target]").fill("10")
    walk.click("button", "Lagre måltallene", "targets-saved")
    walk.click("button", "Send forslaget inn til fylkeskommunen", "proposal-submitted")
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED

    # The adviser finds it on the dashboard and approves it within the frame.
    log_out_and_in(page, "radgiver")
    walk.go(f"/?program={programme.slug}", "dashboard")
    # A joint project: named by its lead municipality «m.fl.» in the list.
    walk.click("link", "Prosjektforslag: Felles rekruttering (Snåsa m.fl.)", "proposal-review")
    assert "kr 1 000 000 av kr 1 000 000" in page.locator("body").inner_text().replace("\xa0", " ")
    walk.click("button", "Godkjenn med dette tilskuddet", "project-approved")
    project.refresh_from_db()
    assert (project.status, project.granted_amount) == (Project.Status.ACTIVE, 250_000)

    def report(name, *, final=False):
        walk.click("link", "Ny statusrapport", f"{name}-new")
        walk.click("button", "Opprett utkast", f"{name}-form")
        page.locator("#id_traffic_light_0").check()
        page.locator("#id_percent_complete").fill("100" if final else "40")
        page.locator("#id_achieved").fill("Kampanjen er i gang.")
        if final:
            page.locator("#id_is_final").check()
        walk.click("button", "Lagre og send inn til fylkeskommunen", f"{name}-submitted")

    def approve_latest_report(name):
        log_out_and_in(page, "radgiver")
        latest = ProgressReport.objects.filter(project=project).order_by("-pk").first()
        walk.go(latest.get_absolute_url(), f"{name}-review")
        walk.click("button", "Godkjenn", f"{name}-approved")
        latest.refresh_from_db()
        assert latest.status == ProgressReport.Status.APPROVED

    # A status report, approved.
    log_out_and_in(page, "leder.snasa")
    walk.go(project.get_absolute_url(), "project-ongoing")
    report("report")
    approve_latest_report("report")

    # A change to the grant: a change request, approved.
    log_out_and_in(page, "leder.snasa")
    walk.go(f"/prosjekter/{project.pk}/budsjett/", "change-financing")
    page.locator("[name=funding-0-amount]").fill("300 000")
    page.locator("[name=funding-1-amount]").fill("200 000")
    walk.click("button", "Lagre budsjett og finansieringsplan", "change-needed")
    page.locator("#id_change_reason").fill("Dyrere annonsering enn antatt.")
    walk.click("button", "Send endringsmeldingen", "change-sent")
    change = ChangeRequest.objects.get(project=project)
    log_out_and_in(page, "radgiver")
    walk.go(change.get_absolute_url(), "change-review")
    walk.click("button", "Godkjenn endringen", "change-approved")
    project.refresh_from_db()
    assert project.granted_amount == 300_000

    # The final report, approved; the project is closed.
    log_out_and_in(page, "leder.snasa")
    walk.go(project.get_absolute_url(), "before-final")
    report("final", final=True)
    approve_latest_report("final")
    walk.go(project.get_absolute_url(), "ready-to-close")
    walk.click("link", "Avslutt prosjektet", "close")
    walk.click("button", "Avslutt prosjektet", "closed")
    project.refresh_from_db()
    assert project.status == Project.Status.COMPLETED

    # The shares reach the municipality pages: Meråker counts 40 % of the budget.
    walk.go(f"/kommuner/{meraker.number}/", "municipality")
    assert "40,0 % av kr 500 000" in page.locator("body").inner_text().replace("\xa0", " ")
