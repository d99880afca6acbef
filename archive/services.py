"""Archiving: the outbox row made from each event, and what an adviser does about a
record (send it again, mark it archived by hand); what a programme's close-out still
lacks in the archive.

Every record is made from an event of a lower app (ilag/events.py) in the event's own
transaction and queued once that commits; archive/tasks.py sends it.
"""

import contextlib
import hashlib
import threading
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.permissions import follows_programme
from agreements.models import Agreement, AgreementAddendum
from archive.models import ArchiveRecord
from archive.packages import RECORD_SPECS, record_key
from archive.permissions import can_manage_archive_record
from archive.tasks import archive_record_queue
from payouts.models import Payout
from projects.models import ChangeRequest, ProgressReport, Project
from reports.models import ReportOrder

Kind = ArchiveRecord.Kind
Status = ArchiveRecord.Status
REFERENCE_LENGTH = 100


# From the event to the outbox row ----------------------------------------------------


def archive_record_from_event(*, kind: str, instance) -> ArchiveRecord:
    """The outbox row for the event, made once per external key (an event repeated,
    e.g. an agreement saved again in the admin, finds the row already there); queued for
    sending when the surrounding transaction commits."""
    with translation.override("nb"):
        spec = RECORD_SPECS[kind](instance)
    with transaction.atomic():
        record, created = ArchiveRecord.objects.get_or_create(
            external_key=spec.pop("external_key"), defaults={"kind": kind, **spec}
        )
    if created:
        queue_on_commit(record)
    return record


_held = threading.local()


@contextlib.contextmanager
def sending_held():
    """Records made inside are kept waiting instead of queued for sending: loading demo
    data (whose sends would otherwise race whatever runs next against a worker; a demo
    with a worker and beat sends them when they have waited long enough)."""
    previous = getattr(_held, "on", False)
    _held.on = True
    try:
        yield
    finally:
        _held.on = previous


def queue_on_commit(record: ArchiveRecord) -> None:
    if getattr(_held, "on", False):
        return
    transaction.on_commit(lambda: archive_record_queue(record_id=record.pk))


def send_waiting(records) -> int:
    """Queue the waiting ones of `records` for sending now; how many."""
    waiting = list(records.filter(status=ArchiveRecord.Status.WAITING).values_list("pk", flat=True))
    for pk in waiting:
        archive_record_queue(record_id=pk)
    return len(waiting)


# What an adviser does ------------------------------------------------------------------

# What a record can be registered from by hand, when its event made none (data from before
# archiving, or a record lost): the kind's object.
REGISTRABLE = {
    Kind.AGREEMENT_SIGNED: Agreement,
    Kind.ADDENDUM_SIGNED: AgreementAddendum,
    Kind.PROJECT_APPROVED: Project,
    Kind.CHANGE_APPROVED: ChangeRequest,
    Kind.FINAL_REPORT_APPROVED: ProgressReport,
    Kind.COMMITTEE_REPORT_FINAL: ReportOrder,
}


def archive_record_register(*, programme, kind: str, object_id: int, user) -> ArchiveRecord:
    """Make and queue the record of something the programme must archive that has none
    (the programme's close-out lists it): as its event would have."""
    if kind not in REGISTRABLE:
        raise ValidationError(_("This kind of record is made from its document only."))
    gap = next(
        (
            g
            for g in programme_archive_gaps(programme).gaps
            if g.kind == kind and g.object_id == object_id
        ),
        None,
    )
    if gap is None or gap.record is not None:
        raise ValidationError(_("It is registered for archiving already, or not the programme's."))
    if not follows_programme(user, programme.pk):
        raise PermissionDenied(_("You may not archive this record."))
    instance = REGISTRABLE[kind].objects.get(pk=object_id)
    with transaction.atomic():
        return archive_record_from_event(kind=kind, instance=instance)


@transaction.atomic
def archive_record_retry(*, record: ArchiveRecord, user) -> ArchiveRecord:
    """Send a record again that failed, waits or has no receipt yet (the same external
    key: the archive does not make a second record)."""
    row = ArchiveRecord.objects.select_for_update().get(pk=record.pk)
    if not can_manage_archive_record(user, row):
        raise PermissionDenied(_("You may not archive this record."))
    if not row.can_retry:
        raise ValidationError(
            _("The record is «%(status)s»; it is not sent again.")
            % {"status": row.get_status_display()}
        )
    row.status = Status.WAITING
    row.attempts = 0
    row.next_attempt_at = timezone.now()
    row.started_at = None
    row._history_user = user
    row._change_reason = _("Sent again by %(user)s") % {"user": _who(user)}
    row.save()
    queue_on_commit(row)
    return row


@transaction.atomic
def archive_record_mark_by_hand(*, record: ArchiveRecord, reference: str, user) -> ArchiveRecord:
    """Record that the document was archived outside the portal (e-mailed to the
    records mailbox, registered by hand), with the archive's reference."""
    row = ArchiveRecord.objects.select_for_update().get(pk=record.pk)
    if not can_manage_archive_record(user, row):
        raise PermissionDenied(_("You may not archive this record."))
    reference = " ".join(reference.split())
    if row.is_done:
        raise ValidationError(
            {
                "reference": _("The record is already «%(status)s».")
                % {"status": row.get_status_display()}
            }
        )
    if not reference:
        raise ValidationError(
            {
                "reference": _(
                    "Give the archive's reference, e.g. the case and record number "
                    "(2026/123-4), so the record can be found in the archive."
                )
            }
        )
    if len(reference) > REFERENCE_LENGTH:
        raise ValidationError(
            {
                "reference": _(
                    "The reference can be at most %(count)s characters; it has %(length)s."
                )
                % {"count": REFERENCE_LENGTH, "length": len(reference)}
            }
        )
    row.status = Status.BY_HAND
    row.manual_reference = reference
    row.manual_by, row.manual_at = user, timezone.now()
    row.started_at = None
    row._history_user = user
    row._change_reason = _("Marked archived by hand")
    row.save()
    return row


def archive_record_changed_files(record: ArchiveRecord) -> list[str]:
    """The titles of the archived files whose copy in the portal has changed since: the
    document was replaced, its size or content differs (SHA-256), or it is gone.

    Shown on the object pages, so cheap on every view: the size and modification time
    come from the storage (a stat, or a HEAD request with S3); the file is read and
    hashed only when it was written after the record was made, which the portal's own
    uploads never do (a new upload gets a new name)."""
    if record.status not in (Status.SENT, Status.RECEIVED):
        return []
    main_now = _current_main_name(record)
    changed = []
    for entry in record.files:
        alias, _sep, name = entry.get("source", "").partition(":")
        if not name:
            continue  # made for the record: no copy in the portal to compare
        if entry.get("main") and main_now is not None and main_now != name:
            changed.append(entry["title"])
            continue
        if _file_changed(storages[alias], name, entry, since=record.created_at):
            changed.append(entry["title"])
    return changed


def _file_changed(storage, name: str, entry: dict, *, since) -> bool:
    try:
        if entry.get("size") is not None and storage.size(name) != entry["size"]:
            return True
        try:
            if storage.get_modified_time(name) <= since:
                return False  # as it was when the record was made, and hashed
        except NotImplementedError:
            pass
        digest = hashlib.sha256()
        with storage.open(name, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return True  # gone, or unreadable
    return digest.hexdigest() != entry.get("sha256")


def _current_main_name(record: ArchiveRecord) -> str | None:
    """The stored name of the file the portal holds now as the record's main document,
    where it can be replaced (a signed agreement or addendum)."""
    if record.kind == Kind.AGREEMENT_SIGNED and record.agreement is not None:
        return record.agreement.signed_document.name
    if record.kind == Kind.ADDENDUM_SIGNED and record.addendum is not None:
        return record.addendum.document.name
    return None


# The programme's close-out ---------------------------------------------------------------


@dataclass(frozen=True)
class ArchiveGap:
    label: str
    kind: str
    link: int
    record: ArchiveRecord | None
    object_id: int = 0

    @property
    def can_register(self) -> bool:
        """Not registered, and the portal has what the record is made from (a payment
        order's record is made from its PDF: made on the payment request's page)."""
        return self.record is None and self.kind in REGISTRABLE

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label

    @property
    def url(self) -> str:
        # Reversed when shown: a programme of thousands shows the first few only.
        return reverse(GAP_URLS[self.kind], args=[self.link])


@dataclass(frozen=True)
class ArchiveSummary:
    expected: int
    done: int
    gaps: list[ArchiveGap]


# Where each kind's object is shown, from the id the close-out query gives («link»).
GAP_URLS = {
    Kind.AGREEMENT_SIGNED: "agreements:detail",
    Kind.ADDENDUM_SIGNED: "agreements:detail",
    Kind.PROJECT_APPROVED: "projects:detail",
    Kind.CHANGE_APPROVED: "projects:change-detail",
    Kind.FINAL_REPORT_APPROVED: "projects:report-detail",
    Kind.COMMITTEE_REPORT_FINAL: "reports:detail",
    Kind.PAYMENT_ORDER_MADE: "payouts:request-detail",
}


def _expected(queryset, kind: str, *, label: str, link: str = "pk"):
    return (
        queryset.order_by()
        .annotate(
            archive_kind=Value(kind, output_field=CharField()),
            archive_label=Cast(F(label) if isinstance(label, str) else label, CharField()),
            archive_link=F(link),
        )
        .values_list("archive_kind", "pk", "archive_label", "archive_link")
    )


def programme_archive_gaps(programme) -> ArchiveSummary:
    """What the programme's close-out needs in the archive (every signed agreement and
    addendum, grant and change decision, approved final report, final committee report
    and payment order) and what of it the archive has not received; in two queries."""
    projects = Project.objects.filter(agreement__programme=programme).values("pk")
    expected = _expected(
        Agreement.objects.filter(programme=programme).exclude(status=Agreement.Status.DRAFT),
        Kind.AGREEMENT_SIGNED,
        label="title",
    ).union(
        _expected(
            AgreementAddendum.objects.filter(agreement__programme=programme),
            Kind.ADDENDUM_SIGNED,
            label="agreement__title",
            link="agreement_id",
        ),
        _expected(
            Project.objects.filter(
                agreement__programme=programme,
                status__in=(Project.Status.ACTIVE, Project.Status.COMPLETED),
                granted_amount__isnull=False,
            ),
            Kind.PROJECT_APPROVED,
            label="title",
        ),
        _expected(
            ChangeRequest.objects.filter(
                project__in=projects, status=ChangeRequest.Status.APPROVED
            ),
            Kind.CHANGE_APPROVED,
            label="project__title",
        ),
        _expected(
            ProgressReport.objects.approved().filter(project__in=projects, is_final=True),
            Kind.FINAL_REPORT_APPROVED,
            label="project__title",
        ),
        _expected(
            ReportOrder.objects.filter(
                programme=programme, kind=ReportOrder.Kind.PROGRAMME, is_final=True
            ),
            Kind.COMMITTEE_REPORT_FINAL,
            label="meeting_organ",
        ),
        _expected(
            Payout.objects.filter(project__in=projects),
            Kind.PAYMENT_ORDER_MADE,
            # A project has several: named with its municipality and the payout's number.
            label=Concat(
                F("project__title"),
                Value(" – "),
                F("project__lead_municipality__name"),
                Value(" – " + _("payout no.") + " "),
                Cast(F("pk"), CharField()),
                output_field=CharField(),
            ),
            link="request_id",
        ),
        all=True,
    )
    keys = {record_key(kind, pk): (kind, label, link, pk) for kind, pk, label, link in expected}
    # Every record of the programme (its case folders), matched by key here: an IN list of
    # thousands of keys cost PostgreSQL more than reading the programme's rows.
    records = {
        r.external_key: r
        for r in ArchiveRecord.objects.filter(programme=programme).only(
            "external_key", "kind", "status", "last_error", "title"
        )
    }
    gaps = []
    done = 0
    for key, (kind, label, link, pk) in sorted(keys.items(), key=lambda item: item[1]):
        record = records.get(key)
        if record is not None and record.is_done:
            done += 1
            continue
        gaps.append(
            ArchiveGap(
                label=record.title if record is not None else label,
                kind=kind,
                link=link,
                record=record,
                object_id=pk,
            )
        )
    return ArchiveSummary(expected=len(keys), done=done, gaps=gaps)


def _who(user) -> str:
    return (user.get_full_name() or user.username) if user else ""
