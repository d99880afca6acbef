"""Payouts ordered but not yet paid, for the county's finance system: one row per payout
with the payee's organisation and account numbers, the amount, the reference and the
due date, as .xlsx and as .csv (semicolons, UTF-8 with BOM, as Norwegian Excel reads it).
Cells through ilag/exports.py: text never becomes a formula."""

import csv
import io
import tempfile

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from ilag.exports import csv_value, xlsx_value
from payouts.models import Payout


def payouts_to_pay(user):
    """Payouts (not claw-backs) ordered and not yet paid, the earliest due first."""
    return (
        Payout.objects.visible_to(user)
        .unpaid()
        .filter(kind=Payout.Kind.PAYMENT)
        .select_related("project__lead_municipality", "project__agreement", "request__tranche")
        .prefetch_related("project__municipalities")
        .order_by("due_date", "pk")
    )


def payee(payout):
    project = payout.project
    if project.lead_municipality is not None:
        return project.lead_municipality
    members = sorted(project.municipalities.all(), key=lambda m: m.name)
    return members[0] if members else None


def headers() -> list[str]:
    return [
        _("Organisation number"),
        _("Account number"),
        _("Amount (NOK)"),
        _("Reference"),
        _("Due date"),
        _("Payee"),
        _("Project"),
        _("Tranche"),
    ]


def rows(payouts):
    for payout in payouts:
        municipality = payee(payout)
        yield [
            municipality.organisation_number if municipality else "",
            municipality.bank_account_number if municipality else "",
            payout.amount,
            payout.reference,
            payout.due_date,
            municipality.name if municipality else "",
            str(payout.project),
            payout.request.tranche.name,
        ]


def filename(suffix: str) -> str:
    return f"utbetalinger-{timezone.localdate():%Y-%m-%d}.{suffix}"


def export_csv(payouts) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers())
    for values in rows(payouts):
        writer.writerow([csv_value(value) for value in values])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename("csv")}"'
    return response


def export_xlsx(payouts) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Payouts to pay")[:31])
    sheet.append(headers())
    for values in rows(payouts):
        sheet.append([xlsx_value(sheet, value) for value in values])
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
