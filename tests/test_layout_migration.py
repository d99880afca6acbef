"""Moving documents and PDF report orders into apps of their own (documents/, reports/)
keeps every row and file: a database filled at the layout before the move migrates to the
new one with each table's content unchanged, checked by row counts and checksums."""

import hashlib

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import Role
from documents.models import Document
from projects.models import ProgressReport, Project
from projects.services import report_create, report_review, report_save, report_submit
from reports.models import ReportOrder
from tests.factories import DocumentFactory, UserFactory

# The last migration of each app before the move, and the apps the move made.
BEFORE_THE_MOVE = [
    ("projects", "0004_created_by_optional"),
    ("evaluations", "0005_report_file_storage"),
    ("documents", None),
    ("reports", None),
]
MOVED = {
    "projects_document",
    "projects_historicaldocument",
    "evaluations_reportorder",
    "evaluations_historicalreportorder",
}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()


def leaf_nodes():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def table_checksums() -> dict[str, tuple[int, str]]:
    """{table: (rows, md5 of every row's text in a fixed order)} for every table."""
    result = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
                f" FROM {quoted} t"
            )
            result[table] = cursor.fetchone()
    return result


def content_types() -> dict[int, tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, app_label, model FROM django_content_type")
        return {pk: (app, model) for pk, app, model in cursor.fetchall()}


def file_checksums() -> dict[str, str]:
    checksums = {}
    for document in Document.objects.all():
        with document.file.open("rb") as handle:
            checksums[document.file.name] = hashlib.sha256(handle.read()).hexdigest()
    return checksums


def fill():
    """seed_demo, and on top of it what the demo lacks: a status report through its whole
    workflow, documents with files (and a deleted one, kept in the history), report orders."""
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    project = Project.objects.exclude(status=Project.Status.DRAFT).order_by("pk").first()
    leader = UserFactory(
        role=Role.PROJECT_LEADER, municipalities=list(project.municipalities.all())
    )
    adviser = UserFactory(role=Role.ADVISER)
    report = report_create(
        project=project,
        user=leader,
        period_start=project.start_date,
        period_end=project.start_date,
    )
    report = report_save(
        report=report,
        version=report.version,
        data={"traffic_light": "green", "percent_complete": 40, "achieved": "Mye."},
        costs={},
        indicator_values={},
    )
    report = report_submit(report=report, version=report.version, user=leader)
    report_review(report=report, user=adviser, approve=True, comment="")
    DocumentFactory(project=project, uploaded_by=leader)
    DocumentFactory(project=None, progress_report=report, uploaded_by=leader)
    DocumentFactory(project=None, agreement=project.agreement, uploaded_by=adviser)
    DocumentFactory(project=project, uploaded_by=leader).delete()
    programme = project.agreement.programme
    ReportOrder.objects.create(kind="programme", programme=programme, ordered_by=adviser)
    ReportOrder.objects.create(
        kind="project", programme=programme, project=project, ordered_by=leader, status="failed"
    )


@pytest.mark.django_db(transaction=True)
def test_the_move_to_documents_and_reports_keeps_every_row_and_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    latest = leaf_nodes()
    migrate(BEFORE_THE_MOVE)
    try:
        fill()
        # Content types as they were before the move (the moved models under their old apps).
        old_types = content_types()
        assert ProgressReport.history.count() > 0
        assert Document.history.filter(history_type="-").exists()
        before, files_before = table_checksums(), file_checksums()
        assert {table: before[table][0] > 0 for table in MOVED} == dict.fromkeys(MOVED, True)
    finally:
        migrate(latest)
    after, files_after = table_checksums(), file_checksums()

    untouched = set(before) - {"django_migrations", "django_content_type"}
    assert {t: after[t] for t in untouched} == {t: before[t] for t in untouched}
    assert files_after == files_before and len(files_after) == 3
    # The moved models' content types are the same rows, now under their new apps, so
    # permissions and admin log entries that point at them still do.
    new_types = content_types()
    relabelled = {pk: new_types[pk] for pk in old_types if old_types[pk] != new_types[pk]}
    assert sorted(relabelled.values()) == [
        ("documents", "document"),
        ("documents", "historicaldocument"),
        ("reports", "historicalreportorder"),
        ("reports", "reportorder"),
    ]
