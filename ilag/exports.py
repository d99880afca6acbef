"""Spreadsheet exports that cannot carry formulas.

Text a user wrote (a project title, a category's name, a report's text) goes into the
portal's CSV and .xlsx exports. A spreadsheet reads a cell beginning with «=», «+», «-»,
«@», a tab or a carriage return as a formula (CSV injection, OWASP), so that
`=HYPERLINK("http://…","klikk")` as a project title would become a live link, or worse,
in an adviser's Excel. The rules here:

- CSV: text beginning with one of those characters gets a leading apostrophe, which
  spreadsheets show as text and do not evaluate (OWASP's recommendation). Numbers and dates
  are written as they are.
- .xlsx: text is always a string cell (type «s»); openpyxl would otherwise store text that
  begins with «=» as a formula. The text itself is kept as it was written.

Every export of the portal writes its cells through `csv_value` and `xlsx_value` /
`set_text` (tests/test_exports_inert.py checks every export with every trigger).
"""

import datetime

from django.utils import timezone
from django.utils.functional import Promise
from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_value(value):
    """A value for a CSV cell: text that a spreadsheet would evaluate gets a leading
    apostrophe; None is an empty cell; dates are Norwegian (15.11.2023, a moment in Oslo
    time); numbers are left to the writer."""
    if value is None:
        return ""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_value(sheet, value):
    """A value for a write-only sheet: text as a string cell (never a formula), dates as
    dd.mm.yyyy, whole numbers with thousands separators (shown as spaces by a Norwegian
    spreadsheet). Called for every cell of an export: plain values where they are safe."""
    if isinstance(value, Promise):  # a lazy translation, e.g. a status label
        value = str(value)
    if isinstance(value, str):
        if not value.startswith("="):
            return value  # openpyxl stores any other text as a string
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    if isinstance(value, datetime.datetime):
        number_format = "dd.mm.yyyy hh:mm"
    elif isinstance(value, datetime.date):
        number_format = "dd.mm.yyyy"
    elif isinstance(value, int) and not isinstance(value, bool):
        number_format = "#,##0"
    else:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def set_text(sheet, row: int, column: int, value):
    """Write text a user may have written into a cell of an ordinary worksheet, as a
    string whatever it begins with; returns the cell."""
    cell = sheet.cell(row, column)
    cell.value = str(value)
    cell.data_type = "s"
    return cell
