"""What each archivable event becomes in the archive: the record (title, type, date,
parties, the case folder it goes in) taken when the event happens, the arkivmelding and
files sent for it, and what the archive's answer makes of it. Used by the send task
(archive/tasks.py) and the services (archive/services.py)."""

import datetime
import hashlib
import logging
import mimetypes
from dataclasses import dataclass
from pathlib import PurePath

from django.core.files.storage import storages
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agreements.models import Agreement, AgreementAddendum
from archive import messages
from archive.models import ArchiveRecord
from ilag.formats import dato, kr
from payouts.models import Payout
from projects.models import ChangeRequest, ProgressReport, Project
from reports.models import ReportOrder
from reports.pdf import render_pdf, static_prefix
from reports.reporting import AUTHOR, base_url

logger = logging.getLogger(__name__)

Kind = ArchiveRecord.Kind
Status = ArchiveRecord.Status
# Noark 5 record types (journalposttype): incoming, outgoing, internal note without and
# with follow-up. What the municipality signed or wrote comes in; what the county
# decided goes out; the committee's report and the order to finance stay inside.
INCOMING, OUTGOING, NOTE, INTERNAL = "I", "U", "X", "N"


class ArchiveNotPossible(Exception):
    """The record cannot be made (a file is gone): no transport can help; an adviser must."""


# Keys: stable, so a second send is the same record in the archive ---------------------


def record_key(kind: str, pk: int) -> str:
    """The record's external key: «ilag-agreement-12-signed», «ilag-payout-31-order»."""
    return {
        Kind.AGREEMENT_SIGNED: "ilag-agreement-{}-signed",
        Kind.ADDENDUM_SIGNED: "ilag-addendum-{}-signed",
        Kind.PROJECT_APPROVED: "ilag-project-{}-approval",
        Kind.CHANGE_APPROVED: "ilag-changerequest-{}-decision",
        Kind.FINAL_REPORT_APPROVED: "ilag-statusreport-{}-final",
        Kind.COMMITTEE_REPORT_FINAL: "ilag-committeereport-{}-final",
        Kind.PAYMENT_ORDER_MADE: "ilag-payout-{}-order",
    }[kind].format(pk)


def agreement_case_key(agreement) -> str:
    return f"ilag-agreement-{agreement.pk}"


def programme_case_key(programme) -> str:
    return f"ilag-programme-{programme.pk}"


def _names(municipalities) -> str:
    names = [_("%(name)s municipality") % {"name": m.name} for m in municipalities]
    if len(names) <= 1:
        return "".join(names)
    return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def _party(municipality, role: str) -> dict:
    return {
        "name": _("%(name)s municipality") % {"name": municipality.name},
        "organisation_number": municipality.organisation_number,
        "role": role,
    }


def _agreement_case(agreement: Agreement) -> dict:
    programme = agreement.programme
    return {
        "programme": programme,
        "agreement": agreement,
        "case_key": agreement_case_key(agreement),
        "case_title": _("Cooperation agreement %(programme)s – %(names)s")
        % {"programme": programme.name, "names": _names(agreement.municipalities.all())},
    }


def _project_municipalities(project: Project) -> list:
    members = list(project.municipalities.all())
    return sorted(members, key=lambda m: (m.pk != project.lead_municipality_id, m.name))


def _who(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _spec_agreement_signed(agreement: Agreement) -> dict:
    municipalities = list(agreement.municipalities.all())
    return {
        "external_key": record_key(Kind.AGREEMENT_SIGNED, agreement.pk),
        **_agreement_case(agreement),
        "title": _("Signed cooperation agreement – %(names)s") % {"names": _names(municipalities)},
        "record_type": INCOMING,
        "document_date": agreement.signed_date or timezone.localdate(),
        "political_case_number": agreement.decision_case_number,
        "content": {
            "parties": [_party(m, "avsender") for m in municipalities],
            "file_title": _("Signed cooperation agreement"),
        },
    }


def _spec_addendum_signed(addendum: AgreementAddendum) -> dict:
    agreement = addendum.agreement
    municipalities = list(agreement.municipalities.all())
    return {
        "external_key": record_key(Kind.ADDENDUM_SIGNED, addendum.pk),
        **_agreement_case(agreement),
        "addendum": addendum,
        "title": _("Signed addendum of %(date)s – %(names)s")
        % {"date": dato(addendum.signed_on), "names": _names(municipalities)},
        "record_type": INCOMING,
        "document_date": addendum.signed_on,
        "political_case_number": agreement.decision_case_number,
        "content": {
            "parties": [_party(m, "avsender") for m in municipalities],
            "file_title": _("Signed addendum"),
        },
    }


def _project_title(project: Project) -> str:
    return f"{project.number}. {project.title}" if project.number else project.title


def _spec_project_approved(project: Project) -> dict:
    agreement = project.agreement
    municipalities = _project_municipalities(project)
    title = _("Grant decision – %(project)s – %(names)s") % {
        "project": _project_title(project),
        "names": _names(municipalities),
    }
    decided = project.reviewed_at or timezone.now()
    return {
        "external_key": record_key(Kind.PROJECT_APPROVED, project.pk),
        **_agreement_case(agreement),
        "project": project,
        "title": title,
        "record_type": OUTGOING,
        "document_date": timezone.localdate(decided),
        "political_case_number": agreement.decision_case_number,
        "content": {
            "parties": [_party(m, "mottaker") for m in municipalities],
            "file_title": _("Grant decision"),
            "heading": title,
            "facts": [
                [_("Programme"), agreement.programme.name],
                [_("Agreement"), agreement.title],
                [_("Project"), _project_title(project)],
                [_("Municipalities"), _names(municipalities)],
                [_("Project period"), f"{dato(project.start_date)}–{dato(project.end_date)}"],
                [_("Grant"), kr(project.granted_amount)],
                [_("Decided"), dato(decided)],
                [_("Decided by"), _who(project.reviewed_by)],
                [_("Political decision"), _political(agreement)],
            ],
            "sections": [
                [_("Decision"), _decision_text(project)],
                *([[_("Comment"), project.review_comment]] if project.review_comment else []),
                *([[_("Goals"), project.goals]] if project.goals else []),
            ],
        },
    }


def _political(agreement: Agreement) -> str:
    parts = [agreement.decision_organ, dato(agreement.decision_date)]
    if agreement.decision_case_number:
        parts.append(_("case %(number)s") % {"number": agreement.decision_case_number})
    return ", ".join(p for p in parts if p) or "–"


def _decision_text(project: Project) -> str:
    return _(
        "%(owner)s grants %(grant)s to the project «%(project)s» under the cooperation "
        "agreement «%(agreement)s», for the project period %(start)s–%(end)s. The grant is "
        "paid by the agreement's payout plan against documented costs."
    ) % {
        "owner": project.agreement.programme.owner,
        "grant": kr(project.granted_amount),
        "project": project.title,
        "agreement": project.agreement.title,
        "start": dato(project.start_date),
        "end": dato(project.end_date),
    }


def _spec_change_approved(change: ChangeRequest) -> dict:
    project = change.project
    agreement = project.agreement
    municipalities = _project_municipalities(project)
    decided = change.reviewed_at or timezone.now()
    title = _("Change decision – %(project)s – %(names)s") % {
        "project": _project_title(project),
        "names": _names(municipalities),
    }
    return {
        "external_key": record_key(Kind.CHANGE_APPROVED, change.pk),
        **_agreement_case(agreement),
        "project": project,
        "change_request": change,
        "title": title,
        "record_type": OUTGOING,
        "document_date": timezone.localdate(decided),
        "political_case_number": agreement.decision_case_number,
        "content": {
            "parties": [_party(m, "mottaker") for m in municipalities],
            "file_title": _("Change decision"),
            "heading": title,
            "facts": [
                [_("Programme"), agreement.programme.name],
                [_("Project"), _project_title(project)],
                [_("Change requested"), dato(change.created_at)],
                [_("Approved"), dato(decided)],
                [_("Approved by"), _who(change.reviewed_by)],
                [_("Grant after the change"), kr(project.granted_amount)],
                [
                    _("Project period after the change"),
                    f"{dato(project.start_date)}–{dato(project.end_date)}",
                ],
            ],
            "sections": [
                [_("What changes"), change.summary],
                [_("Reason for the change"), change.reason],
                *([[_("Comment"), change.review_comment]] if change.review_comment else []),
            ],
        },
    }


def _spec_final_report_approved(report: ProgressReport) -> dict:
    project = report.project
    agreement = project.agreement
    municipalities = _project_municipalities(project)
    approved = report.reviewed_at or timezone.now()
    title = _("Approved final report – %(project)s – %(names)s") % {
        "project": _project_title(project),
        "names": _names(municipalities),
    }
    costs = [
        [str(cost.category), kr(cost.amount)]
        for cost in report.costs.select_related("category").order_by("category__position")
    ]
    return {
        "external_key": record_key(Kind.FINAL_REPORT_APPROVED, report.pk),
        **_agreement_case(agreement),
        "project": project,
        "progress_report": report,
        "title": title,
        "record_type": INCOMING,
        "document_date": timezone.localdate(report.submitted_at or approved),
        "political_case_number": agreement.decision_case_number,
        "content": {
            "parties": [_party(m, "avsender") for m in municipalities[:1]],
            "file_title": _("Final report"),
            "heading": title,
            "facts": [
                [_("Programme"), agreement.programme.name],
                [_("Project"), _project_title(project)],
                [_("Period"), f"{dato(report.period_start)}–{dato(report.period_end)}"],
                [_("Submitted"), dato(report.submitted_at)],
                [_("Submitted by"), _who(report.submitted_by)],
                [_("Approved"), dato(approved)],
                [_("Approved by"), _who(report.reviewed_by)],
                [_("Grant"), kr(project.granted_amount)],
                *[[_("Costs: %(category)s") % {"category": c}, a] for c, a in costs],
            ],
            "sections": [
                [label, text]
                for label, text in (
                    (_("Achieved"), report.achieved),
                    (_("Next steps"), report.next_steps),
                    (_("Risks"), report.risks),
                    (_("Lesson worth sharing"), report.lesson_learned),
                )
                if text
            ],
        },
    }


def _spec_committee_report(order: ReportOrder) -> dict:
    programme = order.programme
    title = _("Report to %(organ)s %(date)s – %(programme)s") % {
        "organ": order.meeting_organ,
        "date": dato(order.meeting_date),
        "programme": programme.name,
    }
    return {
        "external_key": record_key(Kind.COMMITTEE_REPORT_FINAL, order.pk),
        "programme": programme,
        "agreement": None,
        "report_order": order,
        "case_key": programme_case_key(programme),
        "case_title": _("Programme %(programme)s: reports to the committee")
        % {"programme": programme.name},
        "title": title,
        "record_type": NOTE,
        "document_date": order.meeting_date or timezone.localdate(),
        "political_case_number": order.case_number,
        "content": {"parties": [], "file_title": _("Report to the committee")},
    }


def _spec_payment_order(order: ReportOrder) -> dict:
    payout = order.payout
    project = payout.project
    agreement = project.agreement
    label = _("Payment order") if payout.kind == Payout.Kind.PAYMENT else _("Claw-back order")
    return {
        "external_key": record_key(Kind.PAYMENT_ORDER_MADE, payout.pk),
        **_agreement_case(agreement),
        "project": project,
        "report_order": order,
        "payout": payout,
        "title": _("%(label)s %(reference)s – %(project)s – %(amount)s")
        % {
            "label": label,
            "reference": payout.reference,
            "project": _project_title(project),
            "amount": kr(payout.amount),
        },
        "record_type": INTERNAL,
        "document_date": timezone.localdate(payout.ordered_at),
        "political_case_number": agreement.decision_case_number,
        "content": {"parties": [], "file_title": label},
    }


RECORD_SPECS = {
    Kind.AGREEMENT_SIGNED: _spec_agreement_signed,
    Kind.ADDENDUM_SIGNED: _spec_addendum_signed,
    Kind.PROJECT_APPROVED: _spec_project_approved,
    Kind.CHANGE_APPROVED: _spec_change_approved,
    Kind.FINAL_REPORT_APPROVED: _spec_final_report_approved,
    Kind.COMMITTEE_REPORT_FINAL: _spec_committee_report,
    Kind.PAYMENT_ORDER_MADE: _spec_payment_order,
}


# The message and its files -------------------------------------------------------------


@dataclass(frozen=True)
class SourceFile:
    title: str
    filename: str
    content: bytes
    mime_type: str
    main: bool
    source: str  # «storage:name» of the portal's copy; "" for a document made here


@dataclass(frozen=True)
class Package:
    message: bytes
    files: dict[str, bytes]
    listing: list[dict]


def _stored(storage_alias: str, field_file, *, title: str, filename: str, main: bool):
    """The portal's stored copy of a file; `filename` without its suffix (taken from the
    stored file)."""
    if not field_file or not field_file.name:
        raise ArchiveNotPossible(
            _("The file «%(title)s» is missing in the portal.") % {"title": title}
        )
    try:
        with storages[storage_alias].open(field_file.name, "rb") as handle:
            content = handle.read()
    except (OSError, FileNotFoundError) as error:
        raise ArchiveNotPossible(
            _("The file «%(title)s» could not be read from the portal's storage.")
            % {"title": title}
        ) from error
    suffix = PurePath(field_file.name).suffix.lower() or ".pdf"
    mime = mimetypes.guess_type(f"x{suffix}")[0] or "application/octet-stream"
    return SourceFile(
        title=title,
        filename=f"{filename}{suffix}",
        content=content,
        mime_type=mime,
        main=main,
        source=f"{storage_alias}:{field_file.name}",
    )


def record_document_pdf(record: ArchiveRecord) -> bytes:
    """The record's own document (a decision, the final report's text) as PDF/A, made
    from what was taken when the event happened."""
    with translation.override("nb"):
        html = render_to_string(
            "archive/pdf/record.html",
            {
                "record": record,
                "content": record.content,
                "author": AUTHOR,
                "stylesheet": f"{static_prefix()}css/report.css",
            },
        )
    return render_pdf(html, base_url=base_url())


def record_files(record: ArchiveRecord) -> list[SourceFile]:
    """The files of the record, the main document first."""
    title = record.content.get("file_title") or record.title
    name = title
    if record.kind == Kind.AGREEMENT_SIGNED:
        if record.agreement is None:
            raise ArchiveNotPossible(_("The agreement is no longer in the portal."))
        return [
            _stored(
                "default", record.agreement.signed_document, title=title, filename=name, main=True
            )
        ]
    if record.kind == Kind.ADDENDUM_SIGNED:
        if record.addendum is None:
            raise ArchiveNotPossible(_("The addendum is no longer in the portal."))
        return [_stored("default", record.addendum.document, title=title, filename=name, main=True)]
    if record.kind in (Kind.COMMITTEE_REPORT_FINAL, Kind.PAYMENT_ORDER_MADE):
        if record.report_order is None:
            raise ArchiveNotPossible(_("The PDF report is no longer in the portal."))
        return [_stored("reports", record.report_order.file, title=title, filename=name, main=True)]
    made = SourceFile(
        title=title,
        filename=f"{name}.pdf",
        content=record_document_pdf(record),
        mime_type="application/pdf",
        main=True,
        source="",
    )
    files = [made]
    if record.kind == Kind.FINAL_REPORT_APPROVED and record.progress_report is not None:
        for number, document in enumerate(
            record.progress_report.documents.order_by("uploaded_at", "pk"), start=1
        ):
            stored = _stored(
                "default",
                document.file,
                title=document.title,
                filename=PurePath(document.original_name).stem or f"vedlegg-{number}",
                main=False,
            )
            files.append(
                SourceFile(
                    **{**stored.__dict__, "mime_type": document.content_type or stored.mime_type}
                )
            )
    return files


def archive_package(record: ArchiveRecord) -> Package:
    """The arkivmelding and its files, as the transport sends them."""
    files = record_files(record)
    archive_files = tuple(
        messages.ArchiveFile(f.title, f.filename, f.content, f.mime_type, main=f.main)
        for f in files
    )
    parties = tuple(
        messages.Party(p["name"], organisation_number=p["organisation_number"], role=p["role"])
        for p in record.content.get("parties", [])
    )
    case = messages.CaseFolder(
        record.case_key,
        record.case_title,
        public_title=record.case_title,
        political_case_number=(
            record.agreement.decision_case_number if record.agreement_id else ""
        ),
    )
    entry = messages.Record(
        record.external_key,
        record.title,
        record.record_type,
        record.document_date,
        parties,
        archive_files,
        public_title=record.title,
        political_case_number=record.political_case_number,
    )
    message = messages.arkivmelding(case=case, record=entry, created=record.created_at)
    # The package names the message gives the files (referanseDokumentfil), in the
    # message's document order: the main document first, as record_files has them.
    package = messages.package_files(entry)
    listing = [
        {
            "title": f.title,
            "filename": f.filename,
            "package_name": package_name,
            "size": len(f.content),
            "sha256": hashlib.sha256(f.content).hexdigest(),
            "mime_type": f.mime_type,
            "main": f.main,
            "source": f.source,
        }
        for f, package_name in zip(files, package, strict=True)
    ]
    return Package(message=message, files=package, listing=listing)


# Receipts -------------------------------------------------------------------------------


def archive_receipt_record(*, record_id: int, xml: bytes) -> ArchiveRecord | None:
    """Store the archive's answer: a receipt makes the record received with the archive's
    identifiers; an error message (feilmelding) makes it failed with the archive's
    reason. Received or archived by hand stays so (a late duplicate changes nothing)."""
    with transaction.atomic():
        row = ArchiveRecord.objects.select_for_update().filter(pk=record_id).first()
        if row is None or row.is_done:
            return row
        try:
            receipt = messages.parse_receipt(xml)
        except (messages.ReceiptRejected, messages.ReceiptInvalid) as error:
            if isinstance(error, messages.ReceiptRejected):
                reason = str(error)
            else:
                reason = _error_reason(xml)
            row.status = Status.FAILED
            row.last_error = _("The archive refused the record: %(reason)s") % {"reason": reason}
            row.receipt = xml.decode("utf-8", errors="replace")
            row.started_at = None
            row.save()
            return row
        row.status = Status.RECEIVED
        row.received_at = timezone.now()
        row.sent_at = row.sent_at or row.received_at
        row.case_system_id = receipt.case_system_id or ""
        row.case_number = receipt.case_number or ""
        row.record_system_id = receipt.record_system_id or ""
        row.record_number = receipt.record_number or ""
        row.receipt = xml.decode("utf-8", errors="replace")
        row.last_error = ""
        row.started_at = None
        row.save()
        return row


def _error_reason(xml: bytes) -> str:
    """The archive's error message (feilmelding), or that its answer was unreadable."""
    try:
        return messages.parse_error(xml)
    except messages.ReceiptInvalid:
        logger.warning("An answer from the archive was neither a receipt nor an error.")
        return _("its answer could not be read as a receipt or an error message.")


def retry_delay(attempt: int, *, base: int, cap: int) -> int:
    """Seconds before the next try: doubling from `base`, at most `cap`."""
    return int(min(cap, base * 2 ** max(attempt - 1, 0)))


def due_time(seconds: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=seconds)
