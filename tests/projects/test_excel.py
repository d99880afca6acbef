"""Budget sheets: export to Excel, edit, import back; broken sheets change nothing."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements.models import CostCategory
from municipalities.models import Organisation
from projects.excel import XLSX_MIME, budget_import, budget_workbook
from projects.models import BudgetLine, Project
from tests.factories import (
    AgreementFactory,
    BudgetLineFactory,
    CostCategoryFactory,
    FundingLineFactory,
    MunicipalityFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProjectFactory,
    leader,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def snasa():
    return MunicipalityFactory(number="5041", name="Snåsa")


@pytest.fixture
def programme():
    programme = ProgrammeFactory(slug="i-lag", name="Distriktssatsinga I LAG", short_name="I LAG")
    for position, (name, eligible) in enumerate(
        [
            ("Prosjektledelse", True),
            ("Reiser", True),
            ("Kurs og kompetanseheving", True),
            ("Ordinære driftskostnader", False),
        ]
    ):
        CostCategoryFactory(programme=programme, name=name, eligible=eligible, position=position)
    return programme


def category(programme, name) -> CostCategory:
    return programme.cost_categories.get(name=name)


@pytest.fixture
def project(programme, snasa):
    """2023-05-01 to 2025-04-30: the years 2023, 2024 and 2025; budget 350 000, funded."""
    agreement = AgreementFactory(programme=programme, municipalities=[snasa])
    project = ProjectFactory(agreement=agreement, title="Vi ble I LAG")
    for name, year, amount in [
        ("Prosjektledelse", 2023, 100_000),
        ("Prosjektledelse", 2024, 200_000),
        ("Reiser", 2024, 50_000),
    ]:
        BudgetLineFactory(
            project=project, category=category(programme, name), year=year, amount=amount
        )
    FundingLineFactory(project=project, source=programme.owner, amount=150_000)
    FundingLineFactory(
        project=project,
        source=OrganisationFactory(name="Innovasjon Norge", kind=Organisation.Kind.STATE),
        amount=200_000,
    )
    return project


@pytest.fixture
def owner(snasa):
    return leader(snasa, username="leder.snasa")


def lines(project) -> dict:
    return {
        (line.category.name, line.year): (line.pk, line.amount)
        for line in project.budget_lines.select_related("category")
    }


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_upload(data: bytes, name="budsjett.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX_MIME)


def cell_for(ws, category_name, year):
    header = next(row for row in ws.iter_rows() if row[0].value == "Kostnadspost")
    column = next(cell.column for cell in header if cell.value == year)
    row = next(r[0].row for r in ws.iter_rows() if r[0].value == category_name)
    return ws.cell(row, column)


def import_url(project):
    return reverse("files:budget-import", kwargs={"pk": project.pk})


def test_export_has_the_layout_of_a_budget_sheet(client, project, owner):
    client.force_login(owner)
    response = client.get(reverse("files:budget-export", kwargs={"pk": project.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_MIME
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Budsjett", "Finansiering"]
    ws = workbook["Budsjett"]
    assert "Vi ble I LAG" in ws["A1"].value and "I LAG" in ws["A1"].value
    header = [cell.value for cell in ws[4]]
    assert header == ["Kostnadspost", 2023, 2024, 2025, "Sum"]
    names = [ws.cell(row, 1).value for row in range(5, 9)]
    # The ineligible category without amounts is not offered.
    assert names == ["Prosjektledelse", "Reiser", "Kurs og kompetanseheving", "Sum"]
    assert (ws["B5"].value, ws["C5"].value, ws["D5"].value) == (100_000, 200_000, None)
    assert ws["B5"].number_format == "#,##0"
    assert ws["E5"].value == "=SUM(B5:D5)"
    assert ws["C8"].value == "=SUM(C5:C7)"
    assert ws["E8"].value == "=SUM(E5:E7)"
    assert ws.freeze_panes == "B5"
    assert ws.column_dimensions["A"].width >= 24
    funding = workbook["Finansiering"]
    assert [cell.value for cell in funding[3]] == ["Finansieringskilde", "Type", "Beløp"]
    sources = {funding.cell(row, 1).value: funding.cell(row, 3).value for row in range(4, 12)}
    assert sources["Innovasjon Norge"] == 200_000
    assert sources["Sum"] == "=SUM(C4:C5)"
    assert sources[f"Tilskudd fra {project.agreement.programme.owner}"] == 150_000


def test_round_trip_changes_exactly_the_edited_line(client, project, owner):
    client.force_login(owner)
    exported = client.get(reverse("files:budget-export", kwargs={"pk": project.pk})).content
    workbook = openpyxl.load_workbook(io.BytesIO(exported))
    cell_for(workbook["Budsjett"], "Reiser", 2024).value = 75_000
    before = lines(project)
    history_before = BudgetLine.history.count()
    version_before = project.version

    response = client.post(import_url(project), {"file": sheet_upload(workbook_bytes(workbook))})

    assert response.status_code == 302
    assert response["Location"] == import_url(project)
    after = lines(project)
    assert after == {**before, ("Reiser", 2024): (before[("Reiser", 2024)][0], 75_000)}
    assert BudgetLine.history.count() == history_before + 1
    record = BudgetLine.history.latest("history_date")
    assert (record.history_type, record.id, record.amount) == (
        "~",
        before[("Reiser", 2024)][0],
        75_000,
    )
    assert record.history_user == owner
    assert Project.objects.get(pk=project.pk).version == version_before + 1
    # The funding plan is left alone, so the page warns that it no longer matches.
    page = client.get(response["Location"]).content.decode()
    assert "Budsjettet er importert: 0 nye linjer, 1 endret linje og 0 fjernede linjer." in page
    assert "Finansieringsplanen (kr" in page and "må være lik budsjettet" in page


def test_unchanged_sheet_changes_nothing(project, owner):
    history_before = BudgetLine.history.count()
    result = budget_import(project=project, file=sheet_upload(budget_workbook(project)), user=owner)
    assert (result.errors, result.changed, result.warnings) == ([], 0, [])
    assert BudgetLine.history.count() == history_before
    assert Project.objects.get(pk=project.pk).version == project.version


def test_new_and_emptied_cells_create_and_delete_lines(project, owner, programme):
    workbook = openpyxl.load_workbook(io.BytesIO(budget_workbook(project)))
    ws = workbook["Budsjett"]
    cell_for(ws, "Prosjektledelse", 2023).value = None
    cell_for(ws, "Kurs og kompetanseheving", 2025).value = "25 000"
    result = budget_import(project=project, file=sheet_upload(workbook_bytes(workbook)), user=owner)
    assert (result.errors, result.created, result.updated, result.deleted) == ([], 1, 0, 1)
    assert {key: amount for key, (_pk, amount) in lines(project).items()} == {
        ("Prosjektledelse", 2024): 200_000,
        ("Reiser", 2024): 50_000,
        ("Kurs og kompetanseheving", 2025): 25_000,
    }


def test_broken_sheet_changes_nothing_and_lists_every_error(client, project, owner):
    workbook = openpyxl.load_workbook(io.BytesIO(budget_workbook(project)))
    ws = workbook["Budsjett"]
    cell_for(ws, "Reiser", 2024).value = "tusen"  # row 6, column C
    ws.insert_rows(8)
    ws["A8"], ws["C8"] = "Kaffe og kaker", 5_000
    ws.insert_cols(5)  # a year after the period, before the Sum column
    ws["E4"], ws["E5"] = 2030, 10_000
    before = lines(project)
    history_before = BudgetLine.history.count()
    client.force_login(owner)

    response = client.post(import_url(project), {"file": sheet_upload(workbook_bytes(workbook))})

    assert response.status_code == 200
    errors = response.context["import_errors"]
    assert sorted(str(error) for error in errors) == sorted(
        [
            "Rad 4, kolonne E: Året 2030 er utenfor prosjektperioden (2023–2025).",
            "Rad 6, kolonne C: «tusen» er ikke et beløp i hele kroner.",
            "Rad 8, kolonne A: «Kaffe og kaker» er ikke en kostnadspost i I LAG. Bruk en av "
            "disse: Prosjektledelse, Reiser eller Kurs og kompetanseheving.",
        ]
    )
    page = response.content.decode()
    assert 'role="alert"' in page and "Arket har 3 feil. Ingenting er lagret." in page
    assert '<th scope="col">Kolonne</th>' in page
    assert lines(project) == before
    assert BudgetLine.history.count() == history_before


def test_ineligible_category_and_negative_amount_are_named(project, owner, programme):
    workbook = openpyxl.load_workbook(io.BytesIO(budget_workbook(project)))
    ws = workbook["Budsjett"]
    ws.insert_rows(8)
    ws["A8"], ws["B8"] = "Ordinære driftskostnader", 40_000
    cell_for(ws, "Prosjektledelse", 2025).value = -5_000
    cell_for(ws, "Reiser", 2023).value = 1500.5
    result = budget_import(project=project, file=sheet_upload(workbook_bytes(workbook)), user=owner)
    assert sorted(str(error) for error in result.errors) == [
        "Rad 5, kolonne D: Beløpet kan ikke være negativt (−kr\xa05\xa0000).",
        "Rad 6, kolonne B: «1\xa0500,5» er ikke et beløp i hele kroner.",
        "Rad 8, kolonne A: «Ordinære driftskostnader» gir ikke rett til tilskudd i I LAG; "
        "fjern beløpene på denne raden.",
    ]


def test_wrong_columns_give_one_clear_error(client, project, owner):
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = "Budsjett"
    ws.append(["Post", "Beløp"])
    ws.append(["Prosjektledelse", 100_000])
    before = lines(project)
    client.force_login(owner)
    response = client.post(import_url(project), {"file": sheet_upload(workbook_bytes(workbook))})
    assert response.status_code == 200
    errors = response.context["import_errors"]
    assert len(errors) == 1
    assert str(errors[0]).startswith(
        "Arket mangler kolonnen «Kostnadspost»: budsjettet må ha en overskriftsrad med "
        "«Kostnadspost» fulgt av én kolonne per år."
    )
    assert lines(project) == before


def test_non_xlsx_upload_is_refused(client, project, owner):
    before = lines(project)
    client.force_login(owner)
    response = client.post(
        import_url(project), {"file": sheet_upload(b"%PDF-1.4\n%%EOF\n", "budsjett.xlsx")}
    )
    assert response.status_code == 200
    assert (
        "Filen «budsjett.xlsx» er ikke et Excel-regneark: innholdet ser ut som en PDF-fil."
        in response.content.decode()
    )
    response = client.post(import_url(project), {"file": sheet_upload(b"a;b\n", "budsjett.csv")})
    assert "Filen «budsjett.csv» kan ikke lastes opp her." in response.content.decode()
    assert lines(project) == before


def test_import_refuses_a_file_that_is_not_a_workbook(project, owner):
    result = budget_import(project=project, file=sheet_upload(b"PK\x03\x04broken"), user=owner)
    assert [str(error) for error in result.errors] == [
        "Filen «budsjett.xlsx» kan ikke leses som et Excel-regneark (.xlsx). Lagre den som "
        "«Excel-arbeidsbok (.xlsx)» og last den opp på nytt."
    ]


def test_huge_amounts_and_odd_year_headers_are_named_not_a_500(project, owner):
    workbook = openpyxl.load_workbook(io.BytesIO(budget_workbook(project)))
    ws = workbook["Budsjett"]
    before = lines(project)
    cell_for(ws, "Prosjektledelse", 2025).value = 1e30
    cell_for(ws, "Reiser", 2023).value = 10**15
    result = budget_import(project=project, file=sheet_upload(workbook_bytes(workbook)), user=owner)
    messages = [str(error) for error in result.errors]
    assert len(messages) == 2, messages
    assert all("Beløpet er for stort: høyst kr" in m for m in messages), messages
    assert lines(project) == before
    # A year written with a superscript digit is not a year: it once raised (int("²") in
    # reading the header), a 500 on the import page; then its column's amounts were
    # dropped without a word. Now the header is named, and nothing is stored.
    for odd in ("²", "2025²", "Budsjett 2023"):
        workbook = openpyxl.load_workbook(io.BytesIO(budget_workbook(project)))
        ws = workbook["Budsjett"]
        header = next(c for c in ws[4] if c.value == 2023)
        header.value = odd
        upload = sheet_upload(workbook_bytes(workbook))
        result = budget_import(project=project, file=upload, user=owner)
        assert [str(e) for e in result.errors] == [
            f"Rad 4, kolonne {header.column_letter}: «{odd}» er ikke et årstall: skriv året "
            "med sifrene 0–9 alene, for eksempel 2023, eller fjern kolonnen."
        ]
        assert lines(project) == before


def test_a_sheet_of_too_many_rows_is_refused_without_reading_it_all(project, owner):
    workbook = openpyxl.Workbook(write_only=True)
    ws = workbook.create_sheet("Budsjett")
    ws.append(["Kostnadspost", 2023, 2024, "Sum"])
    for number in range(5_000):
        ws.append([f"Post {number}", 1000, 1000, None])
    before = lines(project)
    result = budget_import(project=project, file=sheet_upload(workbook_bytes(workbook)), user=owner)
    assert [str(e) for e in result.errors] == [
        "Arbeidsboken «budsjett.xlsx» har mer enn 1000 rader i et ark; et budsjettark har én "
        "rad per kostnadspost. Fjern radene som ikke hører til, og last den opp igjen."
    ]
    assert lines(project) == before


def test_at_most_fifty_errors_are_listed_and_the_rest_counted(project, owner, programme):
    workbook = openpyxl.load_workbook(io.BytesIO(budget_workbook(project)))
    ws = workbook["Budsjett"]
    for number in range(80):
        ws.append([f"Ukjent post {number}", 1000])
    result = budget_import(project=project, file=sheet_upload(workbook_bytes(workbook)), user=owner)
    messages = [str(error) for error in result.errors]
    assert len(messages) == 51
    assert messages[-1] == "… og 30 feil til av samme slag; rett disse først."
