"""Ordering PDF reports through the portal: the queue (a real Redis and Celery worker),
the order's state, the download, final reports, and who may order and see what."""

import datetime
import io
import os
import subprocess
import time

import pytest
from celery import current_app
from django.contrib.admin.sites import site as admin_site
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from agreements.models import Programme
from ilag.files import report_file_upload_to, reports_storage, store_whole
from projects.models import Project
from reports.admin import ReportOrderAdmin
from reports.models import ReportOrder
from reports.reporting import ReportSubject, report_html
from reports.services import (
    FinalReportError,
    report_order_create,
    report_order_delete,
    report_order_mark_final,
)
from reports.tasks import TIME_LIMIT, report_order_queue, report_order_render, report_orders_requeue
from tests.factories import (
    AgreementFactory,
    BudgetLineFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    leader,
)

POLL_TIMEOUT = 90
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"
QUEUE_DOWN = (
    "Rapporten er bestilt, men køen er ikke tilgjengelig akkurat nå. Den blir laget så snart "
    "køen er oppe igjen."
)


def wait_until_done(client, order_id, timeout=POLL_TIMEOUT) -> dict:
    """Poll the status URL as the page's script does, until ready or failed."""
    url = reverse("reports:status", args=[order_id])
    deadline = time.monotonic() + timeout
    while True:
        data = client.get(url).json()
        if data["status"] in ("ready", "failed"):
            return data
        if time.monotonic() > deadline:
            raise AssertionError(f"Order {order_id} still {data['status']} after {timeout} s")
        time.sleep(0.5)


def pdf_pages(content: bytes, tmp_path) -> int:
    path = tmp_path / "rapport.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    return int(
        next(line for line in info.stdout.splitlines() if line.startswith("Pages:")).split()[1]
    )


@pytest.fixture
def remove_report_files():
    """Report files written by the worker go to the real MEDIA_ROOT: removed afterwards."""
    yield
    storage = reports_storage()
    for name in ReportOrder.objects.exclude(file="").values_list("file", flat=True):
        storage.delete(name)


@pytest.fixture
def unreachable_broker(monkeypatch):
    """Point the Celery app at a closed port (the environment's CELERY_BROKER_URL wins over
    the app's configuration, so both change); calling the fixture's value, or the end of
    the test, restores the real broker."""
    conf = current_app.conf
    original_env, original_conf = os.environ["CELERY_BROKER_URL"], conf.broker_url
    monkeypatch.setenv("CELERY_BROKER_URL", UNREACHABLE_BROKER)
    conf.broker_url = UNREACHABLE_BROKER

    def restore():
        monkeypatch.setenv("CELERY_BROKER_URL", original_env)
        conf.broker_url = original_conf

    yield restore
    restore()


def small_world():
    """A programme followed by an adviser, one municipality with a published project."""
    programme = ProgrammeFactory(name="Testsatsing", short_name="Test")
    municipality = MunicipalityFactory(name="Snåsa", number="5041")
    agreement = AgreementFactory(programme=programme, municipalities=[municipality])
    project = ProjectFactory(agreement=agreement, title="Boliger i sentrum")
    BudgetLineFactory(project=project)
    adviser = UserFactory(role=Role.ADVISER)
    adviser.programmes.add(programme)
    return programme, municipality, project, adviser


def ready_order(programme, adviser, **kwargs) -> ReportOrder:
    order = ReportOrder.objects.create(
        kind=ReportOrder.Kind.PROGRAMME, programme=programme, ordered_by=adviser, **kwargs
    )
    report_order_render.apply(args=[order.pk])
    order.refresh_from_db()
    assert order.status == ReportOrder.Status.READY, order.failure_reason
    return order


# Through the queue ------------------------------------------------------------------------


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_adviser_orders_programme_report_and_downloads_it(
    client, celery_worker_process, remove_report_files, tmp_path
):
    call_command("seed_demo", stdout=io.StringIO())
    programme = Programme.objects.get(slug="i-lag")
    client.force_login(User.objects.get(username="radgiver"))

    response = client.post(
        reverse("reports:create"),
        {
            "kind": "programme",
            "programme": programme.pk,
            "meeting_organ": "Hovedutvalg for næring og industri",
            "meeting_date": "2026-12-03",
            "case_number": "2026/12345",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    order = ReportOrder.objects.get()
    assert response["Location"] == order.get_absolute_url()
    assert order.queue_delayed is False

    data = wait_until_done(client, order.pk)
    assert data["status"] == "ready", (data, celery_worker_process.log()[-3000:])
    assert data["label"] == "Klar"
    order.refresh_from_db()
    assert order.attempts == 1 and order.pages >= 2 and order.data_cutoff
    assert data["download_url"] == reverse("reports:download", args=[order.pk])

    download = client.get(data["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    filename = f"rapport-til-utvalget-i-lag-{timezone.localdate(order.data_cutoff).isoformat()}.pdf"
    assert download["Content-Disposition"] == f'attachment; filename="{filename}"'
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF")
    assert pdf_pages(content, tmp_path) >= 2
    assert order.size == len(content)


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_order_is_kept_when_the_queue_is_down_and_queued_again_later(
    client, celery_worker_process, remove_report_files, unreachable_broker
):
    programme, _municipality, _project, adviser = small_world()
    client.force_login(adviser)

    started = time.monotonic()
    response = client.post(
        reverse("reports:create"),
        {"kind": "programme", "programme": programme.pk},
        follow=True,
    )
    assert time.monotonic() - started < 10  # no long reconnect loop in the request
    assert response.status_code == 200
    assert QUEUE_DOWN in response.content.decode()
    order = ReportOrder.objects.get()
    assert order.status == ReportOrder.Status.QUEUED and order.queue_delayed

    # Nothing is sent while the queue is still down.
    ReportOrder.objects.filter(pk=order.pk).update(
        ordered_at=timezone.now() - datetime.timedelta(minutes=3)
    )
    assert report_orders_requeue() == 0

    # The queue is back: the periodic task sends the order, and the worker makes it.
    unreachable_broker()
    assert report_orders_requeue() == 1
    data = wait_until_done(client, order.pk)
    assert data["status"] == "ready", (data, celery_worker_process.log()[-3000:])
    order.refresh_from_db()
    assert order.queue_delayed is False


def test_requeue_leaves_fresh_orders_alone(db):
    programme, _municipality, _project, adviser = small_world()
    fresh = ReportOrder.objects.create(kind="programme", programme=programme, ordered_by=adviser)
    assert report_orders_requeue() == 0
    fresh.refresh_from_db()
    assert fresh.status == ReportOrder.Status.QUEUED


# The task ---------------------------------------------------------------------------------


def test_second_run_of_a_ready_order_changes_nothing(db, remove_report_files):
    programme, _municipality, _project, adviser = small_world()
    order = ready_order(programme, adviser)
    before = ReportOrder.objects.values().get(pk=order.pk)
    history = order.history.count()
    content = reports_storage().open(order.file.name).read()

    assert report_order_render.apply(args=[order.pk]).get() == "skipped"
    assert ReportOrder.objects.values().get(pk=order.pk) == before
    assert order.history.count() == history
    assert reports_storage().open(order.file.name).read() == content


def test_an_order_rendering_elsewhere_is_left_alone(db):
    programme, _municipality, _project, adviser = small_world()
    order = ReportOrder.objects.create(
        kind="programme",
        programme=programme,
        ordered_by=adviser,
        status=ReportOrder.Status.RENDERING,
        started_at=timezone.now() - datetime.timedelta(seconds=10),
        attempts=1,
    )
    assert report_order_render.apply(args=[order.pk]).get() == "skipped"
    order.refresh_from_db()
    assert order.status == ReportOrder.Status.RENDERING and order.attempts == 1


def test_an_order_whose_worker_died_is_taken_over(db, remove_report_files):
    programme, _municipality, _project, adviser = small_world()
    order = ReportOrder.objects.create(
        kind="programme",
        programme=programme,
        ordered_by=adviser,
        status=ReportOrder.Status.RENDERING,
        started_at=timezone.now() - datetime.timedelta(seconds=TIME_LIMIT + 60),
        attempts=1,
    )
    assert report_order_render.apply(args=[order.pk]).get() == "ready"
    order.refresh_from_db()
    assert order.status == ReportOrder.Status.READY and order.attempts == 2
    assert reports_storage().exists(order.file.name)


def test_a_failure_records_a_reason_a_person_understands(db, monkeypatch):
    programme, _municipality, _project, adviser = small_world()
    order = ReportOrder.objects.create(kind="programme", programme=programme, ordered_by=adviser)

    def broken(*args, **kwargs):
        raise RuntimeError("cairo: out of memory in _draw_glyphs")

    monkeypatch.setattr("reports.tasks.render_report", broken)
    assert report_order_render.apply(args=[order.pk]).get() == "failed"
    order.refresh_from_db()
    assert order.status == ReportOrder.Status.FAILED
    assert order.failure_reason.startswith("Rapporten kunne ikke lages fordi")
    assert "kontakt driften" in order.failure_reason
    assert "Traceback" not in order.failure_reason and "cairo" not in order.failure_reason
    assert order.finished_at and not order.file

    client_data = status_json(adviser, order)
    assert client_data["status"] == "failed" and client_data["message"] == order.failure_reason


def test_a_project_no_longer_published_fails_with_the_reason(db):
    programme, _municipality, project, adviser = small_world()
    order = ReportOrder.objects.create(
        kind="project", programme=programme, project=project, ordered_by=adviser
    )
    Project.objects.filter(pk=project.pk).update(status=Project.Status.DRAFT)
    report_order_render.apply(args=[order.pk])
    order.refresh_from_db()
    assert order.status == ReportOrder.Status.FAILED
    assert order.failure_reason == (
        "Rapporten kunne ikke lages: Prosjektet finnes ikke, er et utkast eller er ikke "
        "synlig for deg. Prøv igjen, eller kontakt driften."
    )


def status_json(user, order) -> dict:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.get(reverse("reports:status", args=[order.pk])).json()


# Final reports ----------------------------------------------------------------------------


def test_final_reports_cannot_be_changed_or_deleted(client, db, remove_report_files):
    programme, _municipality, _project, adviser = small_world()
    order = ready_order(
        programme, adviser, meeting_organ="Fylkesutvalget", assessment="Går etter planen."
    )
    client.force_login(adviser)
    # The page shows what will be frozen, and asks for a confirmation.
    page = client.get(reverse("reports:final", args=[order.pk])).content.decode()
    assert "Dette blir låst" in page and "Går etter planen." in page
    response = client.post(
        reverse("reports:final", args=[order.pk]),
        {"meeting_date": "2026-12-03", "case_number": "2026/4711"},
    )
    assert response.status_code == 200
    assert "Bekreft at dette er rapporten utvalget får." in response.content.decode()
    order.refresh_from_db()
    assert not order.is_final
    response = client.post(
        reverse("reports:final", args=[order.pk]),
        {"meeting_date": "2026-12-03", "case_number": "2026/4711", "confirm": "on"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.is_final
    assert order.meeting_date == datetime.date(2026, 12, 3) and order.case_number == "2026/4711"

    with pytest.raises(FinalReportError):
        report_order_mark_final(order=order, user=adviser, case_number="2026/1")
    with pytest.raises(FinalReportError):
        report_order_delete(order=order)
    assert ReportOrder.objects.filter(pk=order.pk).exists()
    assert reports_storage().exists(order.file.name)
    # Marking it again through the page is refused.
    again = client.post(reverse("reports:final", args=[order.pk]), {"confirm": "on"})
    assert again.status_code == 403
    # A second render does not touch it.
    assert report_order_render.apply(args=[order.pk]).get() == "skipped"

    staff = UserFactory(is_staff=True, is_superuser=True)
    request = RequestFactory().get("/")
    request.user = staff
    model_admin = ReportOrderAdmin(ReportOrder, admin_site)
    assert not model_admin.has_change_permission(request, order)
    assert not model_admin.has_delete_permission(request, order)
    model_admin.delete_queryset(request, ReportOrder.objects.all())
    assert ReportOrder.objects.filter(pk=order.pk).exists()


def test_only_a_ready_programme_report_can_be_final(db):
    programme, _municipality, project, adviser = small_world()
    queued = ReportOrder.objects.create(kind="programme", programme=programme, ordered_by=adviser)
    with pytest.raises(PermissionDenied):
        report_order_mark_final(order=queued, user=adviser)
    project_order = ReportOrder.objects.create(
        kind="project",
        programme=programme,
        project=project,
        ordered_by=adviser,
        status=ReportOrder.Status.READY,
    )
    with pytest.raises(PermissionDenied):
        report_order_mark_final(order=project_order, user=adviser)


def test_final_form_keeps_input_and_says_what_is_wrong(client, db, remove_report_files):
    programme, _municipality, _project, adviser = small_world()
    order = ready_order(programme, adviser)
    client.force_login(adviser)
    response = client.post(reverse("reports:final", args=[order.pk]), {"case_number": "12345"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Saksnummeret må se slik ut: 2023/12345" in page
    assert 'value="12345"' in page
    order.refresh_from_db()
    assert not order.is_final
    # Without the adviser's assessment it cannot go to the committee.
    response = client.post(
        reverse("reports:final", args=[order.pk]),
        {
            "meeting_organ": "Fylkesutvalget",
            "meeting_date": "10.11.2026",
            "case_number": "2026/4711",
            "confirm": "on",
        },
    )
    assert response.status_code == 200
    assert "Rapporten har ingen rådgivers vurdering" in response.content.decode()
    assert 'value="Fylkesutvalget"' in response.content.decode()
    order.refresh_from_db()
    assert not order.is_final and not order.meeting_organ


def test_the_assessment_is_written_when_ordering_and_printed_on_the_first_page(client, db):
    programme, _municipality, _project, adviser = small_world()
    client.force_login(adviser)
    response = client.post(
        reverse("reports:create"),
        {
            "kind": "municipality",
            "programme": programme.pk,
            "municipality": "5041",
            "assessment": "Bare for utvalget",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["assessment"] == [
        "Rådgivers vurdering hører bare til en rapport til utvalget."
    ]
    response = client.post(
        reverse("reports:create"),
        {
            "kind": "programme",
            "programme": programme.pk,
            "assessment": "Programmet går etter planen.",
            "proposed_decision": "Utvalget tar rapporten til orientering.",
        },
    )
    assert response.status_code == 302
    order = ReportOrder.objects.get()
    assert (order.assessment, order.proposed_decision) == (
        "Programmet går etter planen.",
        "Utvalget tar rapporten til orientering.",
    )
    html = report_html(ReportSubject.of(order), user=adviser, cutoff=timezone.now(), order=order)
    first_page = html[: html.index('class="summary"')]
    assert "Rådgivers vurdering" in first_page and "Programmet går etter planen." in first_page
    assert "Forslag til vedtak" in first_page


# Who orders and sees what -----------------------------------------------------------------


def test_leader_orders_a_report_on_his_own_project_only(client, db):
    programme = ProgrammeFactory()
    snasa, meraker = MunicipalityFactory(name="Snåsa"), MunicipalityFactory(name="Meråker")
    own = ProjectFactory(agreement=AgreementFactory(programme=programme, municipalities=[snasa]))
    others = ProjectFactory(
        agreement=AgreementFactory(programme=programme, municipalities=[meraker])
    )
    snasa_leader = leader(snasa)
    client.force_login(snasa_leader)
    url = reverse("reports:create")

    form = client.get(url)
    assert form.status_code == 200
    choices = form.context["form"].fields["project"].queryset
    assert list(choices) == [own]

    response = client.post(url, {"kind": "project", "project": own.pk})
    assert response.status_code == 302
    order = ReportOrder.objects.get()
    assert order.project == own and order.programme == programme

    assert client.post(url, {"kind": "project", "project": others.pk}).status_code == 403
    assert client.get(url, {"prosjekt": others.pk}).status_code == 404
    assert client.post(url, {"kind": "programme", "programme": programme.pk}).status_code == 403
    assert ReportOrder.objects.count() == 1
    with pytest.raises(PermissionDenied):
        report_order_create(user=snasa_leader, kind="project", programme=programme, project=others)


def test_leader_does_not_see_other_orders(client, db):
    programme = ProgrammeFactory()
    snasa, meraker = MunicipalityFactory(name="Snåsa"), MunicipalityFactory(name="Meråker")
    ProjectFactory(agreement=AgreementFactory(programme=programme, municipalities=[snasa]))
    others = ProjectFactory(
        agreement=AgreementFactory(programme=programme, municipalities=[meraker])
    )
    adviser = UserFactory(role=Role.ADVISER)
    adviser.programmes.add(programme)
    meraker_leader = leader(meraker)
    programme_order = ReportOrder.objects.create(
        kind="programme", programme=programme, ordered_by=adviser
    )
    meraker_order = ReportOrder.objects.create(
        kind="project", programme=programme, project=others, ordered_by=meraker_leader
    )
    client.force_login(leader(snasa))
    listing = client.get(reverse("reports:list"))
    assert list(listing.context["orders"]) == []
    for order in (programme_order, meraker_order):
        for name in ("detail", "status", "download"):
            assert client.get(reverse(f"reports:{name}", args=[order.pk])).status_code == 404


def test_committee_readers_read_only_what_was_put_before_the_committee(
    client, db, remove_report_files
):
    programme, _municipality, _project, adviser = small_world()
    ad_hoc = ready_order(programme, adviser)
    final = ready_order(programme, adviser, assessment="Går etter planen.")
    report_order_mark_final(
        order=final,
        user=adviser,
        meeting_organ="Fylkesutvalget",
        meeting_date=datetime.date(2026, 11, 10),
        case_number="2026/4711",
    )
    queued = ReportOrder.objects.create(kind="programme", programme=programme, ordered_by=adviser)
    client.force_login(UserFactory(role=Role.COMMITTEE_READER))
    assert client.get(reverse("reports:create")).status_code == 403
    assert list(client.get(reverse("reports:list")).context["orders"]) == [final]
    assert client.get(reverse("reports:download", args=[final.pk])).status_code == 200
    assert client.get(reverse("reports:download", args=[ad_hoc.pk])).status_code == 404
    assert client.get(reverse("reports:detail", args=[queued.pk])).status_code == 404
    # «Saker til politisk behandling»: by meeting, with the assessment.
    page = client.get(reverse("reports:committee"))
    html = page.content.decode()
    assert [m["order"] for m in page.context["meetings"]] == [final]
    assert "Fylkesutvalget, møte 10.11.2026" in html and "Sak 2026/4711" in html
    assert "Går etter planen." in html


def test_committee_matters_are_grouped_by_meeting_newest_first(client, db, remove_report_files):
    programme, _municipality, _project, adviser = small_world()
    other = ProgrammeFactory(name="Bygdevekst", short_name="Bygdevekst")
    adviser.programmes.add(other)
    AgreementFactory(programme=other)
    meetings = [
        (programme, datetime.date(2026, 9, 1), "2026/100"),
        (other, datetime.date(2026, 11, 10), "2026/200"),
        (programme, datetime.date(2026, 11, 10), "2026/200"),
    ]
    for subject, day, case in meetings:
        order = ready_order(subject, adviser, assessment="Vurdering.")
        report_order_mark_final(
            order=order,
            user=adviser,
            meeting_organ="Hovedutvalg for næring",
            meeting_date=day,
            case_number=case,
        )
    client.force_login(UserFactory(role=Role.COMMITTEE_READER))
    meetings = client.get(reverse("reports:committee")).context["meetings"]
    assert [(m["key"][0], len(m["reports"])) for m in meetings] == [
        (datetime.date(2026, 11, 10), 2),
        (datetime.date(2026, 9, 1), 1),
    ]


def test_order_form_keeps_input_and_says_what_is_missing(client, db):
    programme, _municipality, _project, adviser = small_world()
    client.force_login(adviser)
    response = client.post(
        reverse("reports:create"),
        {"kind": "municipality", "programme": programme.pk, "case_number": "feil"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["municipality"] == ["Velg kommunen rapporten gjelder."]
    assert "2023/12345" in form.errors["case_number"][0]
    page = response.content.decode()
    assert 'value="feil"' in page
    assert not ReportOrder.objects.exists()


def test_a_municipality_outside_the_programme_is_refused(client, db):
    programme, _municipality, _project, adviser = small_world()
    elsewhere = MunicipalityFactory(name="Lierne", number="5042")
    AgreementFactory(programme=ProgrammeFactory(), municipalities=[elsewhere])
    adviser.programmes.add(elsewhere.agreements.get().programme)
    client.force_login(adviser)
    response = client.post(
        reverse("reports:create"),
        {"kind": "municipality", "programme": programme.pk, "municipality": "5042"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["municipality"] == ["Lierne deltar ikke i Test."]


def test_queue_down_when_queuing_keeps_the_order(db, unreachable_broker):
    programme, _municipality, _project, adviser = small_world()
    order = ReportOrder(kind="programme", programme=programme, ordered_by=adviser)
    order.save()
    assert report_order_queue(order=order) is False
    order.refresh_from_db()
    assert order.queue_delayed is True


def test_report_files_are_stored_whole_under_a_new_name(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    programme, _municipality, _project, adviser = small_world()
    order = ReportOrder.objects.create(kind="programme", programme=programme, ordered_by=adviser)
    first = store_whole(reports_storage(), report_file_upload_to(order, "r.pdf"), b"%PDF-1.7 first")
    second = store_whole(
        reports_storage(), report_file_upload_to(order, "r.pdf"), b"%PDF-1.7 second"
    )
    assert first != second and first.startswith("reports/") and first.endswith(".pdf")
    assert (tmp_path / first).read_bytes() == b"%PDF-1.7 first"
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".pdf"]
    assert leftovers == []


def test_meeting_fields_belong_to_programme_reports(db):
    programme, _municipality, project, adviser = small_world()
    with pytest.raises(ValidationError):
        report_order_create(
            user=adviser,
            kind="project",
            programme=programme,
            project=project,
            case_number="2026/1",
        )


def test_missing_file_gives_404_not_500(client, db):
    programme, _municipality, _project, adviser = small_world()
    name = reports_storage().save("reports/test/borte.pdf", ContentFile(b"%PDF-1.7"))
    order = ReportOrder.objects.create(
        kind="programme", programme=programme, ordered_by=adviser, status="ready", file=name
    )
    reports_storage().delete(name)
    client.force_login(adviser)
    response = client.get(reverse("reports:download", args=[order.pk]))
    assert response.status_code == 404


def test_the_file_field_names_the_reports_storage():
    # So the admin and order.file.open() read where the task wrote (local disk or S3).
    assert ReportOrder._meta.get_field("file").storage is reports_storage()
