"""Budget sheets: a project's budget and funding plan as an Excel workbook, and a budget
read back from such a workbook.

The sheet «Budsjett» has the layout county budget sheets have: one row per cost category,
one column per year, a Sum column and a Sum row. An import validates every cell before it
writes anything, and then changes only the budget lines whose amounts differ, one row at
a time, so the change history shows exactly what the sheet changed.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ilag.exports import set_text
from ilag.formats import kr, number
from ilag.validators import only_digits
from projects.models import BudgetLine, Project, financing_errors

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AMOUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"
HEADER_ROW = 4
FIRST_YEAR_COLUMN = 2

# Written in the user's language; read back in any of the portal's languages.
BUDGET_SHEET = gettext_noop("Budget")
FUNDING_SHEET = gettext_noop("Funding")
COST_CATEGORY = gettext_noop("Cost category")
TOTAL = gettext_noop("Total")

# A workbook is a zip: refuse one that unpacks to far more than any budget sheet needs.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# A budget sheet has a row per cost category: a sheet with more rows than this is refused
# after reading this many (streamed), before the workbook is loaded whole.
MAX_ROWS = 1000
# At most this many errors are listed; the rest are counted.
MAX_ERRORS = 50
# Amounts are bounded as in the forms (ilag.fields.AmountField).
MAX_AMOUNT = 10**15 - 1

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="D9E2EC")
SUM_BORDER = Border(top=Side(style="thin"))


def _in_every_language(message: str) -> set[str]:
    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(_(message).strip().casefold())
    return names


def _width(ws, column: int, width: float) -> None:
    ws.column_dimensions[get_column_letter(column)].width = width


def _project_years(project: Project, lines) -> list[int]:
    years = set(range(project.start_date.year, project.end_date.year + 1))
    return sorted(years | {line.year for line in lines})


def budget_workbook(project: Project) -> bytes:
    """The project's budget (sheet «Budsjett») and funding plan (sheet «Finansiering») as
    an .xlsx file: whole kroner, SUM formulas, header frozen."""
    programme = project.agreement.programme
    lines = list(project.budget_lines.select_related("category"))
    amounts = {(line.category_id, line.year): line.amount for line in lines}
    used = {line.category_id for line in lines}
    # Ineligible categories are not offered, unless the budget already uses one.
    categories = [c for c in programme.cost_categories.all() if c.eligible or c.pk in used]
    years = _project_years(project, lines)

    workbook = Workbook()
    ws = workbook.active
    ws.title = _(BUDGET_SHEET)
    set_text(
        ws, 1, 1, _("%(project)s – %(programme)s") % {"project": project, "programme": programme}
    )
    ws.cell(1, 1).font = TITLE
    ws.cell(
        2,
        1,
        _(
            "Amounts in whole kroner. An empty cell means no budget line; the Sum column "
            "and row are calculated."
        ),
    )
    sum_column = FIRST_YEAR_COLUMN + len(years)
    headers = [_(COST_CATEGORY), *years, _(TOTAL)]
    for column, value in enumerate(headers, start=1):
        cell = ws.cell(HEADER_ROW, column, value)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        if column > 1:
            cell.alignment = Alignment(horizontal="right")

    first_row = HEADER_ROW + 1
    last_row = HEADER_ROW + len(categories)
    first_letter = get_column_letter(FIRST_YEAR_COLUMN)
    last_letter = get_column_letter(sum_column - 1)
    for row, category in enumerate(categories, start=first_row):
        set_text(ws, row, 1, category.name)
        for column, year in enumerate(years, start=FIRST_YEAR_COLUMN):
            cell = ws.cell(row, column, amounts.get((category.pk, year)))
            cell.number_format = AMOUNT_FORMAT
        total = ws.cell(row, sum_column, f"=SUM({first_letter}{row}:{last_letter}{row})")
        total.number_format = AMOUNT_FORMAT
        total.font = BOLD

    sum_row = last_row + 1
    ws.cell(sum_row, 1, _(TOTAL)).font = BOLD
    for column in range(FIRST_YEAR_COLUMN, sum_column + 1):
        letter = get_column_letter(column)
        value = f"=SUM({letter}{first_row}:{letter}{last_row})" if categories else 0
        cell = ws.cell(sum_row, column, value)
        cell.number_format = AMOUNT_FORMAT
        cell.font = BOLD
    for column in range(1, sum_column + 1):
        ws.cell(sum_row, column).border = SUM_BORDER

    if categories:
        # Excel itself refuses what the import would refuse: anything but whole kroner ≥ 0.
        validation = DataValidation(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Amount in whole kroner"),
            error=_("Write the amount in whole kroner, without decimals (0 or more)."),
        )
        validation.add(f"{first_letter}{first_row}:{last_letter}{last_row}")
        ws.add_data_validation(validation)

    ws.freeze_panes = ws.cell(first_row, FIRST_YEAR_COLUMN)
    longest = max([len(str(headers[0])), *(len(c.name) for c in categories)], default=20)
    _width(ws, 1, min(max(longest + 2, 24), 60))
    for column in range(FIRST_YEAR_COLUMN, sum_column + 1):
        _width(ws, column, 15)

    _funding_sheet(workbook, project, total_cell=f"${get_column_letter(sum_column)}${sum_row}")

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _funding_sheet(workbook, project: Project, *, total_cell: str) -> None:
    programme = project.agreement.programme
    ws = workbook.create_sheet(_(FUNDING_SHEET))
    set_text(
        ws, 1, 1, _("%(project)s – %(programme)s") % {"project": project, "programme": programme}
    )
    ws.cell(1, 1).font = TITLE
    header_row = 3
    for column, value in enumerate([_("Funding source"), _("Kind"), _("Amount")], start=1):
        cell = ws.cell(header_row, column, value)
        cell.font = BOLD
        cell.fill = HEADER_FILL
    cell.alignment = Alignment(horizontal="right")

    lines = list(project.funding_lines.select_related("source", "source_municipality"))
    first_row = header_row + 1
    for row, line in enumerate(lines, start=first_row):
        set_text(ws, row, 1, line.source_name)
        ws.cell(row, 2, str(line.get_kind_display()))
        ws.cell(row, 3, line.amount).number_format = AMOUNT_FORMAT
    sum_row = first_row + len(lines)
    ws.cell(sum_row, 1, _(TOTAL)).font = BOLD
    total = ws.cell(sum_row, 3, f"=SUM(C{first_row}:C{sum_row - 1})" if lines else 0)
    total.number_format = AMOUNT_FORMAT
    total.font = BOLD
    for column in range(1, 4):
        ws.cell(sum_row, column).border = SUM_BORDER

    owner = programme.owner
    county_row = sum_row + 2
    set_text(ws, county_row, 1, _("Grant from %(owner)s") % {"owner": owner})
    ws.cell(county_row, 3, project.county_total()).number_format = AMOUNT_FORMAT
    share_row = county_row + 1
    budget = f"{quote_sheetname(_(BUDGET_SHEET))}!{total_cell}"
    ws.cell(share_row, 1, _("Share of the total cost (the budget)"))
    share = ws.cell(share_row, 3, f'=IF({budget}=0,"",C{county_row}/{budget})')
    share.number_format = PERCENT_FORMAT
    if programme.max_county_share_percent is not None:
        cap_row = share_row + 1
        ws.cell(cap_row, 1, _("Programme's cap"))
        cap = ws.cell(cap_row, 3, programme.max_county_share_percent / 100)
        cap.number_format = "0%"

    longest = max([len(line.source_name) for line in lines] + [30])
    _width(ws, 1, min(longest + 2, 60))
    _width(ws, 2, 22)
    _width(ws, 3, 16)
    ws.freeze_panes = ws.cell(first_row, 1)


# Import ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem in the sheet, at a row and column where it has one."""

    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self):
        if self.row is not None and self.column:
            return _("Row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row is not None:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return self.message


@dataclass
class BudgetImport:
    """The outcome of an import: errors (then nothing is stored) or what changed."""

    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    deleted: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


class _NotAnAmount(Exception):
    pass


def _shown(value) -> str:
    if isinstance(value, float | Decimal):
        return number(value)
    return str(value).strip()


_AMOUNT_TEXT = re.compile(r"(?:kr\.?)?([-−]?\d+)(?:,-)?", re.IGNORECASE)


def _amount(value) -> int | None:
    """A cell as whole kroner (None when empty); _NotAnAmount when it is not one."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise _NotAnAmount
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        if value != value or value % 1:  # NaN, or øre
            raise _NotAnAmount
        return int(value)
    if isinstance(value, str):
        # Thousands may be grouped with spaces («150 000»), as Norwegians write them.
        text = re.sub(r"[\s\u00a0\u202f]", "", value)
        if not text:
            return None
        match = _AMOUNT_TEXT.fullmatch(text)
        if match:
            return int(match.group(1).replace("−", "-"))
    raise _NotAnAmount


def _year(value) -> int | None:
    """A header cell as a year, or None when it is not a number (such as «Sum»)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and only_digits(value.strip()):
        return int(value.strip())
    return None


def _read_workbook(file) -> tuple[object, object] | RowError:
    """The workbook twice: as written (formulas) and with the values Excel computed."""
    name = PurePath(getattr(file, "name", "") or "").name
    unreadable = RowError(
        _(
            "The file «%(name)s» cannot be read as an Excel workbook (.xlsx). Save it as "
            "«Excel Workbook (.xlsx)» and upload it again."
        )
        % {"name": name or "?"}
    )
    file.seek(0)
    data = file.read()
    file.seek(0)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                return RowError(
                    _("The workbook «%(name)s» is too large to read as a budget sheet.")
                    % {"name": name or "?"}
                )
        if _too_many_rows(data):
            return RowError(
                _(
                    "The workbook «%(name)s» has more than %(rows)s rows in a sheet; a budget "
                    "sheet has one row per cost category. Remove the rows that do not belong "
                    "and upload it again."
                )
                % {"name": name or "?", "rows": MAX_ROWS}
            )
        formulas = load_workbook(io.BytesIO(data))
        values = load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        return unreadable
    return formulas, values


def _too_many_rows(data: bytes) -> bool:
    """Whether a sheet has more than MAX_ROWS rows, read row by row (openpyxl's read-only
    mode) and stopping there: a sheet of half a million rows costs a thousand."""
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    try:
        for ws in workbook.worksheets:
            for count, _row in enumerate(ws.iter_rows(values_only=True), start=1):
                if count > MAX_ROWS:
                    return True
        return False
    finally:
        workbook.close()


def _budget_sheets(formulas, values):
    names = _in_every_language(BUDGET_SHEET)
    for ws in formulas.worksheets:
        if ws.title.strip().casefold() in names:
            return ws, values[ws.title]
    if len(formulas.worksheets) == 1:
        ws = formulas.worksheets[0]
        return ws, values[ws.title]
    return None


def _find_header(ws):
    names = _in_every_language(COST_CATEGORY)
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.strip().casefold() in names:
                return cell
    return None


def _read_budget(project: Project, file) -> tuple[dict[tuple[int, int], int], list[RowError]]:
    """The sheet's budget as {(category id, year): amount}, and every problem found."""
    read = _read_workbook(file)
    if isinstance(read, RowError):
        return {}, [read]
    sheets = _budget_sheets(*read)
    if sheets is None:
        return {}, [
            RowError(_("The workbook has no sheet named «%(sheet)s».") % {"sheet": _(BUDGET_SHEET)})
        ]
    ws, cached = sheets
    header = _find_header(ws)
    if header is None:
        return {}, [
            RowError(
                _(
                    "The sheet has no column «%(header)s»: the budget needs a header row with "
                    "«%(header)s» followed by one column per year. Start from the budget sheet "
                    "you download from the project."
                )
                % {"header": _(COST_CATEGORY)}
            )
        ]

    programme = project.agreement.programme
    start, end = project.start_date.year, project.end_date.year
    errors: list[RowError] = []
    name_column = header.column
    header_row = header.row

    # Year columns: the numeric headers to the right of «Kostnadspost».
    years: dict[int, int] = {}  # column -> year
    first_column_of: dict[int, str] = {}
    outside: set[int] = set()
    for cell in ws[header_row][name_column:]:
        year = _year(cell.value)
        letter = cell.column_letter
        if year is None:
            if isinstance(cell.value, str) and any(ch.isnumeric() for ch in cell.value):
                # Meant as a year, most likely («²», «2025²», «Budsjett 2025»): reading
                # the sheet without the column would drop its amounts without a word.
                errors.append(
                    RowError(
                        _(
                            "«%(value)s» is not a year: write the year with the digits 0–9 "
                            "alone, such as %(example)s, or remove the column."
                        )
                        % {"value": cell.value.strip(), "example": start},
                        header_row,
                        letter,
                    )
                )
            continue
        if not 1900 <= year <= 2100:
            errors.append(
                RowError(_("«%(value)s» is not a year.") % {"value": year}, header_row, letter)
            )
            continue
        if year in first_column_of:
            errors.append(
                RowError(
                    _("The year %(year)s has more than one column; the first is %(column)s.")
                    % {"year": year, "column": first_column_of[year]},
                    header_row,
                    letter,
                )
            )
            continue
        first_column_of[year] = letter
        years[cell.column] = year
        if not start <= year <= end:
            outside.add(cell.column)
    if not years and not errors:
        return {}, [
            RowError(
                _(
                    "The header row has no years: write each year of the project (%(start)s–"
                    "%(end)s) as a column heading to the right of «%(header)s»."
                )
                % {"start": start, "end": end, "header": _(COST_CATEGORY)},
                header_row,
            )
        ]

    categories = {c.name.strip().casefold(): c for c in programme.cost_categories.all()}
    total_names = _in_every_language(TOTAL)
    budget: dict[tuple[int, int], int] = {}
    used_outside: set[int] = set()
    first_row_of: dict[int, int] = {}
    for row in ws.iter_rows(min_row=header_row + 1):
        if len(row) < name_column:
            continue
        name_cell = row[name_column - 1]
        raw_name = name_cell.value
        name = str(raw_name).strip() if raw_name is not None else ""
        if name.casefold() in total_names:
            continue  # the Sum row is calculated, not read
        cells = [(row[column - 1], year) for column, year in years.items() if column <= len(row)]
        amounts: list[tuple[object, int, int]] = []  # (cell, year, amount)
        row_errors: list[RowError] = []
        for cell, year in cells:
            value = cell.value
            if cell.data_type == "f":
                value = cached[cell.coordinate].value
                if value is None:
                    row_errors.append(
                        RowError(
                            _(
                                "The cell has a formula Excel has not calculated; open the "
                                "workbook in Excel, save it and upload it again."
                            ),
                            cell.row,
                            cell.column_letter,
                        )
                    )
                    continue
            try:
                amount = _amount(value)
            except _NotAnAmount:
                row_errors.append(
                    RowError(
                        _("«%(value)s» is not an amount in whole kroner.")
                        % {"value": _shown(value)},
                        cell.row,
                        cell.column_letter,
                    )
                )
                continue
            if amount is None:
                continue
            if amount < 0:
                row_errors.append(
                    RowError(
                        _("The amount cannot be negative (%(amount)s).") % {"amount": kr(amount)},
                        cell.row,
                        cell.column_letter,
                    )
                )
                continue
            if amount > MAX_AMOUNT:
                row_errors.append(
                    RowError(
                        _("The amount is too large: at most %(amount)s.")
                        % {"amount": kr(MAX_AMOUNT)},
                        cell.row,
                        cell.column_letter,
                    )
                )
                continue
            amounts.append((cell, year, amount))
        if not name:
            if amounts or row_errors:
                errors.append(
                    RowError(
                        _("The row has amounts but no cost category."),
                        name_cell.row,
                        name_cell.column_letter,
                    )
                )
            continue
        category = categories.get(name.casefold())
        if category is None:
            errors.append(
                RowError(
                    _("«%(name)s» is not a cost category in %(programme)s. Use one of: %(names)s.")
                    % {
                        "name": name,
                        "programme": programme,
                        "names": get_text_list(
                            [c.name for c in categories.values() if c.eligible], _("or")
                        ),
                    },
                    name_cell.row,
                    name_cell.column_letter,
                )
            )
            continue
        if category.pk in first_row_of:
            errors.append(
                RowError(
                    _("«%(name)s» is on more than one row; the first is row %(row)s.")
                    % {"name": category.name, "row": first_row_of[category.pk]},
                    name_cell.row,
                    name_cell.column_letter,
                )
            )
            continue
        first_row_of[category.pk] = name_cell.row
        if not category.eligible and amounts:
            errors.append(
                RowError(
                    _(
                        "«%(category)s» is not eligible for a grant in %(programme)s; "
                        "remove the amounts on this row."
                    )
                    % {"category": category.name, "programme": programme},
                    name_cell.row,
                    name_cell.column_letter,
                )
            )
            continue
        errors.extend(row_errors)
        for cell, year, amount in amounts:
            if cell.column in outside:
                used_outside.add(cell.column)
                continue
            budget[(category.pk, year)] = amount

    # A year outside the period is an error only when the sheet puts money in it.
    for column in sorted(used_outside):
        errors.insert(
            0,
            RowError(
                _("The year %(year)s is outside the project period (%(start)s–%(end)s).")
                % {"year": years[column], "start": start, "end": end},
                header_row,
                get_column_letter(column),
            ),
        )
    return budget, errors


@transaction.atomic
def budget_import(*, project: Project, file, user) -> BudgetImport:
    """Replace the project's budget with the sheet's, all or nothing: every cell is checked
    first; then only lines whose amount differs are changed, one row at a time, and the
    project's version is raised. The funding plan is left as it is (a warning says when it
    no longer equals the budget)."""
    budget, errors = _read_budget(project, file)
    if len(errors) > MAX_ERRORS:
        rest = len(errors) - MAX_ERRORS
        errors = errors[:MAX_ERRORS] + [
            RowError(
                _("… and %(count)s more errors of the same kinds; correct these first.")
                % {"count": rest}
            )
        ]
    if errors:
        return BudgetImport(errors=errors)

    locked = Project.objects.select_for_update().get(pk=project.pk)
    result = BudgetImport()
    existing = {(line.category_id, line.year): line for line in locked.budget_lines.all()}
    for key, line in existing.items():
        if key not in budget:
            line._history_user = user
            line.delete()
            result.deleted += 1
        elif line.amount != budget[key]:
            line.amount = budget[key]
            line._history_user = user
            line.full_clean()
            line.save()
            result.updated += 1
    for (category_id, year), amount in budget.items():
        if (category_id, year) in existing:
            continue
        line = BudgetLine(project=locked, category_id=category_id, year=year, amount=amount)
        line._history_user = user
        line.full_clean()
        line.save()
        result.created += 1

    if result.changed:
        # Edit forms opened before the import carry the old version and are refused.
        locked.version += 1
        locked._history_user = user
        locked.save()
        project.version = locked.version

    problems = financing_errors(
        programme=locked.agreement.programme,
        budget_total=locked.budget_total(),
        funding_total=locked.funding_total(),
        county_total=locked.county_total(),
    )
    result.warnings = [str(message) for message in problems.values()]
    return result
