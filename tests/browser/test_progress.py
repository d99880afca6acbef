"""The project leader's daily work, end to end, as issue 4 describes it."""

import pytest

from projects.models import BudgetLine, ProgressReport, Project
from tests.browser.conftest import axe_violations, log_in, new_page

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def kroner(text: str) -> str:
    return text.replace(" ", "\xa0")


def test_leader_reports_adviser_returns_leader_fixes_adviser_approves(page, browser):
    project = Project.objects.get(title="Boliger i Snåsa sentrum")
    line = project.budget_lines.order_by("year", "category__position").first()
    own = project.funding_lines.get(source_municipality__isnull=False)

    # The leader lands on «Mine prosjekter» and edits the budget.
    log_in(page, "leder.snasa")
    assert page.locator("h1").inner_text() == "Mine prosjekter"
    assert axe_violations(page) == []
    # In the table of projects (the project is also named above it, as behind with its
    # status reports).
    projects = page.get_by_role("table", name="Mine prosjekter")
    projects.get_by_role("link", name="2. Boliger i Snåsa sentrum", exact=True).click()
    page.get_by_role("link", name="Budsjett og finansieringsplan", exact=True).click()
    assert axe_violations(page) == []
    cell = page.locator(f"#id_b_{line.category_id}_{line.year}")
    cell.fill(str(line.amount + 10_000))
    own_amount = page.locator("[data-funding-amount]").nth(
        list(project.funding_lines.order_by("pk").values_list("pk", flat=True)).index(own.pk)
    )
    own_amount.fill(str(own.amount + 10_000))
    assert "✓" in page.locator("[data-summary-difference]").inner_text()  # live totals
    page.get_by_role("button", name="Lagre budsjett og finansieringsplan").click()
    assert "Budsjettet og finansieringsplanen er lagret." in page.content()
    assert BudgetLine.objects.get(pk=line.pk).amount == line.amount + 10_000

    # A status report with indicator values and a document.
    page.get_by_role("link", name="Ny statusrapport").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Opprett utkast").click()
    assert axe_violations(page) == []
    page.get_by_label("Gul – i fare").check()
    page.get_by_label("Begrunnelse for statuslyset").fill("Reguleringsplanen er forsinket.")
    page.get_by_label("Prosent ferdig").fill("60")
    page.get_by_label("Oppnådd i perioden").fill("Behovsanalyse ferdig, dialog med Husbanken.")
    page.get_by_label("Prosjektledelse", exact=True).fill("120 000")
    indicator = project.indicators.get()
    page.locator(f"#id_value_{indicator.pk}").fill("4")
    page.get_by_role("button", name="Lagre utkast").click()
    assert "Utkastet er lagret." in page.content()
    page.get_by_role("link", name="Last opp dokument").click()
    assert axe_violations(page) == []
    page.get_by_label("Tittel").fill("Referat fra møte med Husbanken")
    page.locator("input[type=file]").set_input_files(
        {"name": "referat.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Last opp").click()
    assert "Referat fra møte med Husbanken" in page.content()
    page.get_by_role("button", name="Send inn til fylkeskommunen").click()
    report = project.progress_reports.order_by("-pk").first()
    assert report.status == ProgressReport.Status.SUBMITTED
    assert report.documents.count() == 1

    # The adviser returns it with a comment.
    adviser = new_page(browser, page.base_url)
    log_in(adviser, "radgiver")
    adviser.goto(f"{page.base_url}{report.get_absolute_url()}")
    assert axe_violations(adviser) == []
    adviser.get_by_label("Kommentar til prosjektlederen").fill("Oppgi også påløpte reisekostnader.")
    adviser.get_by_role("button", name="Send tilbake til prosjektlederen").click()
    assert "Statusrapporten er returnert til prosjektlederen." in adviser.content()

    # The leader sees the comment, fixes and resubmits.
    page.goto(f"{page.base_url}/prosjekter/mine/")
    assert "Oppgi også påløpte reisekostnader." in page.content()
    page.get_by_role("link", name="Boliger i Snåsa sentrum – Statusrapport").click()
    page.get_by_role("link", name="Rediger").click()
    page.get_by_label("Reiser").fill("15 000")
    page.get_by_role("button", name="Lagre og send inn til fylkeskommunen").click()
    assert "Statusrapporten er sendt inn til fylkeskommunen." in page.content()

    # The adviser approves; the project page shows the approved figures.
    adviser.goto(f"{page.base_url}{report.get_absolute_url()}")
    adviser.get_by_role("button", name="Godkjenn").click()
    assert "Statusrapporten er godkjent." in adviser.content()
    adviser.goto(f"{page.base_url}{project.get_absolute_url()}")
    html = adviser.locator("main").inner_text()
    assert "60\xa0% ferdig per" in html
    assert kroner("kr 120 000") in html and kroner("kr 15 000") in html
    assert "Reguleringsplanen er forsinket." in html
    assert axe_violations(adviser) == []

    # The history shows every step.
    adviser.goto(f"{page.base_url}{report.get_absolute_url()}")
    history = adviser.locator("#history-heading").locator("xpath=..").inner_text()
    for word in [
        "Sendt inn",
        "Returnert for endring",
        "Godkjent",
        "Referat fra møte med Husbanken",
    ]:
        assert word in history, word
    adviser.context.close()
