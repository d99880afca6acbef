"""Archiving: the events make one outbox row each, the send task delivers through a real
Redis and Celery worker to the fake archive (tests/archive/fake_transport.py), and the
states, retries and idempotency hold; the storage and e-mail transports; retry and
marking by hand; the changed-file flag; the programme's close-out."""

import datetime
import io
import os
import signal
import subprocess
import sys
import time
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role, User
from agreements.services import agreement_amend
from archive import messages, tasks
from archive.models import ArchiveRecord
from archive.packages import archive_package, archive_receipt_record
from archive.services import (
    archive_record_changed_files,
    archive_record_mark_by_hand,
    archive_record_retry,
    programme_archive_gaps,
)
from archive.tasks import (
    TIME_LIMIT,
    archive_receipts_collect,
    archive_record_send,
    archive_records_requeue,
)
from archive.transports import EmailTransport, StorageTransport
from evaluations.services import agreement_sign
from ilag import events
from ilag.events import archivable_event
from payouts.models import Payout
from projects.models import ChangeRequest, Project
from projects.services import change_request_review, project_review
from reports.services import payment_order_create
from reports.tasks import report_order_render
from tests.archive.fake_archive import FakeArchive
from tests.archive.fake_transport import HANG_ENV, reset_archive, shared_archive
from tests.conftest import _database_url_for
from tests.factories import (
    AgreementFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    UserFactory,
    valid_organisation_number,
)

Status = ArchiveRecord.Status
POLL_TIMEOUT = 60
PDF = b"%PDF-1.7\n% signert avtale\n%%EOF\n"


@pytest.fixture
def fake_archive():
    """The fake archive the worker delivers to, empty for each test."""
    reset_archive()
    yield
    reset_archive()


@pytest.fixture
def remove_signed_files():
    """Signed documents written to the real MEDIA_ROOT (the worker reads them there)."""
    names = []
    yield names
    for name in names:
        default_storage.delete(name)


def world():
    programme = ProgrammeFactory(name="Distriktssatsinga I LAG", short_name="I LAG")
    snasa = MunicipalityFactory(
        number="5041", name="Snåsa", organisation_number=valid_organisation_number(41)
    )
    agreement = AgreementFactory(
        programme=programme,
        municipalities=[snasa],
        draft=True,
        title="Samarbeidsavtale Snåsa",
        decision_case_number="2023/12345",
    )
    adviser = UserFactory(role=Role.ADVISER)
    adviser.programmes.add(programme)
    return programme, agreement, adviser


def sign(agreement, adviser, names=None) -> ArchiveRecord:
    with transaction.atomic():
        row = agreement_sign(
            agreement=agreement,
            signed_date=datetime.date(2023, 4, 20),
            document=ContentFile(PDF, name="avtale.pdf"),
            user=adviser,
        )
    if names is not None:
        names.append(row.signed_document.name)
    return ArchiveRecord.objects.get(agreement=agreement)


def wait_for(record_id, *statuses, worker=None, timeout=POLL_TIMEOUT) -> ArchiveRecord:
    deadline = time.monotonic() + timeout
    while True:
        record = ArchiveRecord.objects.get(pk=record_id)
        if record.status in statuses:
            return record
        if time.monotonic() > deadline:
            log = worker.log()[-3000:] if worker else ""
            raise AssertionError(f"Record still {record.status}: {record.last_error}\n{log}")
        time.sleep(0.3)


def archived_keys() -> list[str]:
    with shared_archive(write=False) as archive:
        return sorted(archive.records)


# The event makes one outbox row ----------------------------------------------------------


def test_signing_makes_one_waiting_record_with_the_municipality_as_party(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _programme, agreement, adviser = world()
    record = sign(agreement, adviser)

    assert record.kind == ArchiveRecord.Kind.AGREEMENT_SIGNED
    assert record.external_key == f"ilag-agreement-{agreement.pk}-signed"
    assert record.case_key == f"ilag-agreement-{agreement.pk}"
    assert record.status == Status.WAITING and record.attempts == 0
    assert record.case_title == "Samarbeidsavtale Distriktssatsinga I LAG – Snåsa kommune"
    assert record.title == "Signert samarbeidsavtale – Snåsa kommune"
    assert record.record_type == "I"
    assert record.political_case_number == "2023/12345"
    assert record.content["parties"] == [
        {
            "name": "Snåsa kommune",
            "organisation_number": valid_organisation_number(41),
            "role": "avsender",
        }
    ]


def test_the_same_event_twice_keeps_one_record(db, settings, tmp_path):
    """Saved again (the admin sends the event on every save of a signed agreement)."""
    settings.MEDIA_ROOT = tmp_path
    _programme, agreement, adviser = world()
    record = sign(agreement, adviser)
    agreement.refresh_from_db()
    archivable_event(events.AGREEMENT_SIGNED, agreement)
    archivable_event(events.AGREEMENT_SIGNED, agreement)
    assert list(ArchiveRecord.objects.values_list("pk", flat=True)) == [record.pk]
    assert agreement_sign_refused_twice(agreement, adviser)
    assert ArchiveRecord.objects.count() == 1


def agreement_sign_refused_twice(agreement, adviser) -> bool:
    try:
        sign(agreement, adviser)
    except ValidationError:
        return True
    return False


def test_an_event_rolled_back_leaves_no_record(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _programme, agreement, adviser = world()
    with pytest.raises(RuntimeError), transaction.atomic():
        agreement_sign(
            agreement=agreement,
            signed_date=datetime.date(2023, 4, 20),
            document=ContentFile(PDF, name="avtale.pdf"),
            user=adviser,
        )
        raise RuntimeError("the page failed after signing")
    assert not ArchiveRecord.objects.exists()


# Through the queue to the fake archive ---------------------------------------------------


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_signed_agreement_is_received_with_the_archives_numbers(
    celery_worker_process, fake_archive, remove_signed_files
):
    _programme, agreement, adviser = world()
    record = sign(agreement, adviser, remove_signed_files)

    record = wait_for(record.pk, Status.RECEIVED, Status.FAILED, worker=celery_worker_process)
    assert record.status == Status.RECEIVED, record.last_error
    assert record.case_number == "2026/1" and record.record_number == "2026/1"
    assert record.case_system_id and record.record_system_id
    assert record.attempts == 1 and record.sent_at and record.received_at
    [entry] = record.files
    assert entry["sha256"] and entry["size"] == len(PDF) and entry["main"]
    assert archived_keys() == [record.external_key]
    # The states it went through, in the record's history.
    states = list(record.history.order_by("history_date").values_list("status", flat=True))
    assert (
        states[0] == Status.WAITING and Status.SENDING in states and states[-1] == Status.RECEIVED
    )


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_transport_that_is_down_is_tried_again_until_received(
    celery_worker_process, fake_archive, remove_signed_files
):
    with shared_archive() as archive:
        archive.fail_next(2, kind="down")
    _programme, agreement, adviser = world()
    record = sign(agreement, adviser, remove_signed_files)

    record = wait_for(record.pk, Status.RECEIVED, Status.FAILED, worker=celery_worker_process)
    assert record.status == Status.RECEIVED, record.last_error
    assert record.attempts == 3 and record.last_error == ""
    reasons = [
        h.last_error for h in record.history.filter(status=Status.WAITING).exclude(last_error="")
    ]
    assert any("Forsøk 1 nådde ikke arkivet" in reason for reason in reasons), reasons
    with shared_archive(write=False) as archive:
        assert archive.calls == 3 and list(archive.records) == [record.external_key]


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_transport_down_for_good_fails_with_the_reason(
    celery_worker_process, fake_archive, remove_signed_files
):
    with shared_archive() as archive:
        archive.fail_next(10, kind="down")
    _programme, agreement, adviser = world()
    record = sign(agreement, adviser, remove_signed_files)

    record = wait_for(record.pk, Status.FAILED, Status.RECEIVED, worker=celery_worker_process)
    assert record.status == Status.FAILED
    assert record.last_error.startswith("Arkivet kunne ikke nås etter 4 forsøk")
    assert "Fiks IO is not reachable" in record.last_error


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_an_error_receipt_fails_with_the_archives_message_and_a_retry_archives_it(
    celery_worker_process, fake_archive, remove_signed_files
):
    with shared_archive() as archive:
        archive.fail_next(1, kind="error")
    _programme, agreement, adviser = world()
    record = sign(agreement, adviser, remove_signed_files)

    record = wait_for(record.pk, Status.FAILED, Status.RECEIVED, worker=celery_worker_process)
    assert record.status == Status.FAILED
    assert record.last_error.startswith("Arkivet avviste journalposten:")
    assert "Arkivet kunne ikke behandle meldingen nå" in record.last_error
    assert archived_keys() == []

    with transaction.atomic():
        archive_record_retry(record=record, user=adviser)
    record = wait_for(record.pk, Status.RECEIVED, Status.FAILED, worker=celery_worker_process)
    assert record.status == Status.RECEIVED and record.last_error == ""
    assert archived_keys() == [record.external_key]


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_record_sent_twice_is_archived_once(
    celery_worker_process, fake_archive, remove_signed_files
):
    _programme, agreement, adviser = world()
    record = sign(agreement, adviser, remove_signed_files)
    record = wait_for(record.pk, Status.RECEIVED, Status.FAILED, worker=celery_worker_process)
    first = (record.case_number, record.record_number, record.record_system_id)

    # A received record is not sent again by the task ...
    assert archive_record_send.apply(args=[record.pk]).get() == "skipped"
    # ... and when it is (an adviser sends a «sent» record again, say), the archive
    # knows the key and answers with the same record.
    ArchiveRecord.objects.filter(pk=record.pk).update(
        status=Status.SENT, sent_at=timezone.now() - datetime.timedelta(days=2)
    )
    with transaction.atomic():
        archive_record_retry(record=ArchiveRecord.objects.get(pk=record.pk), user=adviser)
    record = wait_for(record.pk, Status.RECEIVED, worker=celery_worker_process)
    assert (record.case_number, record.record_number, record.record_system_id) == first
    assert "Eksisterende" in record.receipt
    with shared_archive(write=False) as archive:
        assert archive.calls == 2 and list(archive.records) == [record.external_key]


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_leaves_the_record_archived_once(
    celery_worker_process, fake_archive, remove_signed_files
):
    """The worker claimed the record and delivered it, then died before the receipt was
    stored: the row says «sending» since long ago. The requeue task sends it again with
    the same external key, and the archive answers with the record it already has."""
    _programme, agreement, adviser = world()
    record = sign(agreement, adviser, remove_signed_files)
    record = wait_for(record.pk, Status.RECEIVED, Status.FAILED, worker=celery_worker_process)
    delivered = (record.case_number, record.record_number, record.record_system_id)
    # Rewind the row to the moment the worker died: delivered, receipt not stored.
    ArchiveRecord.objects.filter(pk=record.pk).update(
        status=Status.SENDING,
        started_at=timezone.now() - datetime.timedelta(seconds=TIME_LIMIT + 60),
        received_at=None,
        case_number="",
        record_number="",
        record_system_id="",
        receipt="",
    )

    assert archive_records_requeue() == 1
    record = wait_for(record.pk, Status.RECEIVED, Status.FAILED, worker=celery_worker_process)
    assert record.status == Status.RECEIVED, record.last_error
    assert record.attempts == 2
    assert (record.case_number, record.record_number, record.record_system_id) == delivered
    assert "Eksisterende" in record.receipt
    with shared_archive(write=False) as archive:
        assert archive.calls == 2 and list(archive.records) == [record.external_key]


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_sender_process_killed_after_delivering_leaves_the_record_archived_once(
    celery_worker_process, fake_archive, remove_signed_files, tmp_path
):
    """A real process runs the send task, delivers to the archive and is killed (SIGKILL)
    before it can store the receipt. The row stays «sending»; once that is older than the
    task's time limit the requeue sends it again through the worker, with the same key,
    and the archive answers with the record it already has: archived once."""
    _programme, agreement, adviser = world()
    with mock.patch("archive.services.queue_on_commit"):  # nothing for the worker yet
        record = sign(agreement, adviser, remove_signed_files)
    assert record.status == Status.WAITING
    pid_file = tmp_path / "sender.pid"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for(connection.settings_dict["NAME"]),
        "DJANGO_SETTINGS_MODULE": "ilag.settings_test",
        HANG_ENV: str(pid_file),
    }
    code = (
        "import django; django.setup(); from archive.tasks import archive_record_send; "
        f"archive_record_send({record.pk})"
    )
    sender = subprocess.Popen([sys.executable, "-c", code], cwd=django_settings.BASE_DIR, env=env)
    try:
        deadline = time.monotonic() + POLL_TIMEOUT
        while not pid_file.exists():
            assert sender.poll() is None, f"the sender ended with {sender.returncode}"
            assert time.monotonic() < deadline, "the sender never delivered"
            time.sleep(0.2)
        assert int(pid_file.read_text()) == sender.pid
        os.kill(sender.pid, signal.SIGKILL)
        sender.wait(timeout=10)
    finally:
        if sender.poll() is None:
            sender.kill()
    record.refresh_from_db()
    assert record.status == Status.SENDING and not record.record_number
    with shared_archive(write=False) as archive:
        assert archive.calls == 1 and list(archive.records) == [record.external_key]
        delivered = archive.records[record.external_key]

    # Not taken over while the dead sender could still be at work ...
    assert archive_records_requeue() == 0
    # ... but once its time limit has passed.
    ArchiveRecord.objects.filter(pk=record.pk).update(
        started_at=timezone.now() - datetime.timedelta(seconds=TIME_LIMIT + 60)
    )
    assert archive_records_requeue() == 1
    record = wait_for(record.pk, Status.RECEIVED, Status.FAILED, worker=celery_worker_process)
    assert record.status == Status.RECEIVED, record.last_error
    assert "Eksisterende" in record.receipt
    with shared_archive(write=False) as archive:
        assert archive.calls == 2 and list(archive.records) == [record.external_key]
        assert archive.records[record.external_key] == delivered


def test_a_record_sending_elsewhere_is_left_alone(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _programme, agreement, adviser = world()
    record = sign(agreement, adviser)
    ArchiveRecord.objects.filter(pk=record.pk).update(
        status=Status.SENDING, started_at=timezone.now(), attempts=1
    )
    assert archive_record_send.apply(args=[record.pk]).get() == "skipped"
    assert archive_records_requeue() == 0


# Transports -----------------------------------------------------------------------------


def test_storage_package_is_overwritten_by_a_resend_and_its_receipt_collected(
    db, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The storage transport on a folder of the test's own (STORAGES is left alone: the
    # other storages are compared by identity elsewhere in the suite).
    storage = FileSystemStorage(location=str(tmp_path / "arkiv"))
    monkeypatch.setattr(tasks, "get_transport", lambda: StorageTransport(storage=storage))
    _programme, agreement, adviser = world()
    record = sign(agreement, adviser)

    assert archive_record_send.apply(args=[record.pk]).get() == "sent"
    record.refresh_from_db()
    assert record.status == Status.SENT
    folder = tmp_path / "arkiv" / record.external_key
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["01-signert-samarbeidsavtale.pdf", "arkivmelding.xml"]
    messages.validate((folder / "arkivmelding.xml").read_bytes(), "arkivmelding")

    # A resend writes the same package again, not a second one.
    ArchiveRecord.objects.filter(pk=record.pk).update(status=Status.WAITING)
    assert archive_record_send.apply(args=[record.pk]).get() == "sent"
    assert sorted(p.name for p in folder.iterdir()) == names
    assert [p.name for p in (tmp_path / "arkiv").iterdir()] == [record.external_key]

    # The archive's import reads the package and drops its receipt.
    archive = FakeArchive()
    files = {name: (folder / name).read_bytes() for name in names if name != "arkivmelding.xml"}
    receipt = archive.receive((folder / "arkivmelding.xml").read_bytes(), files)
    inbox = tmp_path / "arkiv" / "kvitteringer"
    inbox.mkdir()
    (inbox / f"{record.external_key}.xml").write_bytes(receipt)
    (inbox / "ilag-agreement-999-signed.xml").write_bytes(receipt)  # not ours: left

    assert archive_receipts_collect() == 1
    record.refresh_from_db()
    assert record.status == Status.RECEIVED and record.case_number == "2026/1"
    assert sorted(p.name for p in inbox.iterdir()) == ["ilag-agreement-999-signed.xml"]


def test_storage_transport_that_cannot_write_raises_a_transport_error(tmp_path):
    from archive.transports import TransportError

    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    transport = StorageTransport(storage=FileSystemStorage(location=str(blocked)))
    with pytest.raises(TransportError):
        transport.send(b"<x/>", {"a.pdf": b"1"}, key="ilag-agreement-1-signed")


def test_email_transport_sends_the_message_and_files_to_the_records_mailbox(settings):
    settings.ARCHIVE_EMAIL_TO = "postmottak@trondelagfylke.no"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert (
        EmailTransport().send(b"<x/>", {"01-avtale.pdf": PDF}, key="ilag-agreement-1-signed")
        is None
    )
    [email] = mail.outbox
    assert email.to == ["postmottak@trondelagfylke.no"]
    assert "ilag-agreement-1-signed" in email.subject
    assert [name for name, _content, _type in email.attachments] == [
        "arkivmelding.xml",
        "01-avtale.pdf",
    ]


# What an adviser does -------------------------------------------------------------------


def test_mark_by_hand_needs_a_reference_and_keeps_who_and_when(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _programme, agreement, adviser = world()
    record = sign(agreement, adviser)
    with pytest.raises(ValidationError) as error:
        archive_record_mark_by_hand(record=record, reference="   ", user=adviser)
    assert "Skriv arkivets referanse" in error.value.message_dict["reference"][0]
    with pytest.raises(ValidationError) as error:
        archive_record_mark_by_hand(record=record, reference="x" * 101, user=adviser)
    assert "høyst 100 tegn" in error.value.message_dict["reference"][0]

    row = archive_record_mark_by_hand(record=record, reference=" 2026/123-4 ", user=adviser)
    assert row.status == Status.BY_HAND and row.manual_reference == "2026/123-4"
    assert row.manual_by == adviser and row.manual_at
    with pytest.raises(ValidationError):
        archive_record_mark_by_hand(record=row, reference="2026/123-5", user=adviser)


def test_only_an_adviser_following_the_programme_retries_or_marks(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _programme, agreement, adviser = world()
    record = sign(agreement, adviser)
    stranger = UserFactory(role=Role.ADVISER)
    with pytest.raises(PermissionDenied):
        archive_record_retry(record=record, user=stranger)
    with pytest.raises(PermissionDenied):
        archive_record_mark_by_hand(record=record, reference="2026/1-1", user=stranger)


def archived_agreement():
    """A signed agreement and its record, received by an empty fake archive."""
    _programme, agreement, adviser = world()
    record = sign(agreement, adviser)
    with shared_archive() as archive:
        archive.__init__()
    assert archive_record_send.apply(args=[record.pk]).get() == "received"
    record.refresh_from_db()
    return agreement, record


def test_a_file_changed_after_archiving_is_flagged(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    agreement, record = archived_agreement()
    assert archive_record_changed_files(record) == []

    agreement.refresh_from_db()
    with default_storage.open(agreement.signed_document.name, "wb") as handle:
        handle.write(b"%PDF-1.7\n% endret etterpaa\n%%EOF\n")
    assert archive_record_changed_files(record) == ["Signert samarbeidsavtale"]


def test_a_file_is_read_to_compare_only_when_written_after_the_record(
    db, settings, tmp_path, monkeypatch
):
    """The object pages show the flag on every view: an untouched file is compared by
    its size and time (no download from S3), one written since is hashed, so content
    changed at the same size is flagged too; a file gone is flagged."""
    settings.MEDIA_ROOT = tmp_path
    agreement, record = archived_agreement()
    opened = []
    storage = storages["default"]
    real_open = storage.open
    monkeypatch.setattr(
        storage, "open", lambda name, mode="rb": opened.append(name) or real_open(name, mode)
    )
    assert archive_record_changed_files(record) == []
    assert opened == []

    agreement.refresh_from_db()
    name = agreement.signed_document.name
    with real_open(name, "rb") as handle:
        content = handle.read()
    same_size = content[:-1] + (b"x" if content[-1:] != b"x" else b"y")
    with real_open(name, "wb") as handle:
        handle.write(same_size)
    assert archive_record_changed_files(record) == ["Signert samarbeidsavtale"]
    assert opened == [name]

    storage.delete(name)
    assert archive_record_changed_files(record) == ["Signert samarbeidsavtale"]


def test_an_unreadable_answer_fails_the_record(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _programme, agreement, adviser = world()
    record = sign(agreement, adviser)
    row = archive_receipt_record(record_id=record.pk, xml=b"<html>502 Bad Gateway</html>")
    assert row.status == Status.FAILED
    assert "kunne ikke leses" in row.last_error


# The demo and the close-out ---------------------------------------------------------------


def test_the_demos_events_make_valid_messages_and_the_close_out_lists_the_rest(db, settings):
    settings.DEMO_RENDER_REPORTS = True
    call_command("seed_demo", stdout=io.StringIO())
    records = ArchiveRecord.objects.all()
    kinds = set(records.values_list("kind", flat=True))
    assert {
        ArchiveRecord.Kind.AGREEMENT_SIGNED,
        ArchiveRecord.Kind.FINAL_REPORT_APPROVED,
        ArchiveRecord.Kind.COMMITTEE_REPORT_FINAL,
    } <= kinds
    for kind in (
        ArchiveRecord.Kind.AGREEMENT_SIGNED,
        ArchiveRecord.Kind.FINAL_REPORT_APPROVED,
        ArchiveRecord.Kind.COMMITTEE_REPORT_FINAL,
    ):
        for record in records.filter(kind=kind):
            package = archive_package(record)
            messages.validate(package.message, "arkivmelding")
            assert FakeArchive().receive(package.message, package.files)

    programme = records.filter(kind=ArchiveRecord.Kind.COMMITTEE_REPORT_FINAL).first().programme
    summary = programme_archive_gaps(programme)
    assert summary.expected >= summary.done and summary.expected > 0
    assert len(summary.gaps) == summary.expected - summary.done


def test_each_service_event_makes_exactly_one_record(db, settings, tmp_path):
    """From the demo's work waiting: a proposal approved, a change request approved, an
    addendum registered, a payment order made; each once, and done again, still once."""
    call_command("seed_demo", stdout=io.StringIO())
    settings.MEDIA_ROOT = tmp_path
    adviser = User.objects.get(username="radgiver")
    Kind = ArchiveRecord.Kind

    def count(kind):
        return ArchiveRecord.objects.filter(kind=kind).count()

    proposal = Project.objects.get(status=Project.Status.SUBMITTED, title__startswith="Bolig")
    before = count(Kind.PROJECT_APPROVED)
    project_review(
        project=proposal, user=adviser, approve=True, comment="", grant=proposal.county_total()
    )
    record = ArchiveRecord.objects.get(kind=Kind.PROJECT_APPROVED, project=proposal)
    assert count(Kind.PROJECT_APPROVED) == before + 1
    assert record.external_key == f"ilag-project-{proposal.pk}-approval"
    assert record.record_type == "U" and record.title.startswith("Vedtak om tilskudd – ")
    with pytest.raises(ValidationError):
        project_review(
            project=proposal, user=adviser, approve=True, comment="", grant=proposal.county_total()
        )
    assert count(Kind.PROJECT_APPROVED) == before + 1

    change = ChangeRequest.objects.get(status=ChangeRequest.Status.SUBMITTED)
    change_request_review(change=change, user=adviser, approve=True, comment="")
    assert ArchiveRecord.objects.get(kind=Kind.CHANGE_APPROVED).external_key == (
        f"ilag-changerequest-{change.pk}-decision"
    )

    agreement = proposal.agreement
    agreement_amend(
        agreement=agreement,
        signed_on=agreement.start_date,
        reason="Lengre periode",
        new_county_frame=None,
        new_end_date=agreement.end_date + datetime.timedelta(days=30),
        document=ContentFile(PDF, name="tillegg.pdf"),
        user=adviser,
    )
    assert ArchiveRecord.objects.filter(kind=Kind.ADDENDUM_SIGNED, agreement=agreement).count() == 1

    payout = Payout.objects.order_by("pk").first()
    order = payment_order_create(payout=payout, user=adviser)
    assert report_order_render.apply(args=[order.pk]).get() == "ready"
    assert report_order_render.apply(args=[order.pk]).get() == "skipped"
    assert payment_order_create(payout=payout, user=adviser) == order
    [record] = ArchiveRecord.objects.filter(kind=Kind.PAYMENT_ORDER_MADE)
    assert record.external_key == f"ilag-payout-{payout.pk}-order"
    assert record.record_type == "N" and record.report_order == order

    # Each of them makes a message the archive accepts.
    archive = FakeArchive()
    for record in ArchiveRecord.objects.filter(
        kind__in=(Kind.PROJECT_APPROVED, Kind.CHANGE_APPROVED, Kind.PAYMENT_ORDER_MADE),
        created_at__gte=timezone.now() - datetime.timedelta(minutes=5),
    ).exclude(kind=Kind.PROJECT_APPROVED, project__isnull=True):
        package = archive_package(record)
        assert b"registreringKvittering" in archive.receive(package.message, package.files)


def test_a_record_sent_without_a_receipt_is_sent_again_only_after_a_day(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _programme, agreement, adviser = world()
    record = sign(agreement, adviser)
    ArchiveRecord.objects.filter(pk=record.pk).update(
        status=Status.SENT, sent_at=timezone.now() - datetime.timedelta(hours=3)
    )
    with pytest.raises(ValidationError):
        archive_record_retry(record=ArchiveRecord.objects.get(pk=record.pk), user=adviser)
    ArchiveRecord.objects.filter(pk=record.pk).update(
        sent_at=timezone.now() - datetime.timedelta(hours=25)
    )
    row = archive_record_retry(record=ArchiveRecord.objects.get(pk=record.pk), user=adviser)
    assert row.status == Status.WAITING
