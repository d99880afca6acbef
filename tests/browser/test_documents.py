"""Uploading documents and importing budget sheets, in Chromium, as Snåsa's project leader."""

import io

import openpyxl
import pytest

from documents.models import Document
from projects.excel import XLSX_MIME, budget_workbook
from projects.models import Project
from tests.browser.conftest import axe_violations, log_in

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html>\n<html><head><title>Faktura</title></head><body>Hei</body></html>\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def snasa_project() -> Project:
    return Project.objects.filter(municipalities__number="5041").order_by("number").first()


def test_leader_uploads_a_pdf_and_the_form_passes_axe(page):
    project = snasa_project()
    log_in(page, "leder.snasa")
    page.goto(f"{page.base_url}/filer/prosjekter/{project.pk}/dokumenter/ny/")
    assert page.locator("h1").inner_text() == "Last opp dokument"
    assert axe_violations(page) == []

    # A web page saved as .pdf is refused at the field; the title stays.
    page.get_by_label("Tittel").fill("Faktura mars")
    page.get_by_label("Fil").set_input_files(
        files=[{"name": "faktura.pdf", "mimeType": "application/pdf", "buffer": HTML}]
    )
    page.get_by_role("button", name="Last opp", exact=True).click()
    page.wait_for_load_state()
    assert "er ikke en PDF-fil: innholdet ser ut som en nettside (HTML)" in page.content()
    assert page.get_by_label("Tittel").input_value() == "Faktura mars"
    assert "Velg filen på nytt" in page.content()
    assert axe_violations(page) == []
    assert not Document.objects.exists()

    page.get_by_label("Tittel").fill("Prosjektplan 2024")
    page.get_by_label("Fil").set_input_files(
        files=[{"name": "Prosjektplan.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Last opp", exact=True).click()
    page.wait_for_load_state()
    assert page.url.endswith(project.get_absolute_url())
    assert "Dokumentet «Prosjektplan 2024» er lastet opp." in page.content()
    document = Document.objects.get()
    assert (document.project, document.original_name, document.uploaded_by.username) == (
        project,
        "Prosjektplan.pdf",
        "leder.snasa",
    )

    # Deleting asks first; cancelling keeps the document, confirming removes it.
    page.get_by_role("link", name="Slett «Prosjektplan 2024»").click()
    assert page.locator("h1").inner_text() == "Slett dokument"
    assert "Prosjektplan.pdf" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Avbryt").click()
    assert page.url.endswith(project.get_absolute_url())
    assert Document.objects.exists()
    page.get_by_role("link", name="Slett «Prosjektplan 2024»").click()
    page.get_by_role("button", name="Slett dokumentet").click()
    assert "Dokumentet «Prosjektplan 2024» er slettet." in page.content()
    assert not Document.objects.exists()


def test_budget_import_with_row_errors_passes_axe(page):
    project = snasa_project()
    before = list(project.budget_lines.values_list("pk", "amount"))
    workbook = openpyxl.load_workbook(io.BytesIO(budget_workbook(project)))
    workbook["Budsjett"]["B5"] = "tusen"
    buffer = io.BytesIO()
    workbook.save(buffer)

    log_in(page, "leder.snasa")
    page.goto(f"{page.base_url}/filer/prosjekter/{project.pk}/budsjett/import/")
    assert page.locator("h1").inner_text() == "Importer budsjett fra Excel"
    assert axe_violations(page) == []
    page.get_by_label("Budsjettark (.xlsx)").set_input_files(
        files=[{"name": "budsjett.xlsx", "mimeType": XLSX_MIME, "buffer": buffer.getvalue()}]
    )
    page.get_by_role("button", name="Importer budsjett").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").first.inner_text().startswith("Arket har 1 feil.")
    table = page.get_by_role("table", name="Feil i budsjettarket")
    assert "«tusen» er ikke et beløp i hele kroner." in table.inner_text()
    assert axe_violations(page) == []
    assert list(project.budget_lines.values_list("pk", "amount")) == before
