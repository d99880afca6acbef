"""Moving documents and PDF report orders into apps of their own (documents/, reports/)
keeps every row and file: a database filled at the layout before the move migrates to the
new one with each table's content unchanged, checked by row counts and checksums."""

import hashlib
import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from documents.models import Document
from projects.models import ProgressReport

# The last migration of each app at the previous main (every app: later migrations add
# columns its code does not fill), and the apps the move made; and where the move ended
# (later migrations change tables for reasons of their own).
BEFORE_THE_MOVE = [
    ("accounts", "0006_user_history"),
    ("municipalities", "0002_district_index_help"),
    ("ilag", "0001_initial"),
    ("agreements", "0003_reminder_settings"),
    ("projects", "0004_created_by_optional"),
    ("evaluations", "0005_report_file_storage"),
    ("documents", None),
    ("reports", None),
]
AFTER_THE_MOVE = [
    ("projects", "0005_document_to_documents_app"),
    ("evaluations", "0006_report_order_to_reports_app"),
    ("documents", "0001_initial"),
    ("reports", "0001_initial"),
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
    # Raw SQL: the model has columns later migrations add (a payment request parent).
    checksums = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT file FROM projects_document")
        names = [name for (name,) in cursor.fetchall()]
    storage = Document._meta.get_field("file").storage
    for name in names:
        with storage.open(name, "rb") as handle:
            checksums[name] = hashlib.sha256(handle.read()).hexdigest()
    return checksums


# The main before the move: its own code fills the database, so the test keeps meaning
# «a database as the previous main left it» however the models change later.
PREVIOUS_MAIN = "eb25217"

FILL = """
from django.core.management import call_command
from accounts.models import Role
from evaluations.models import ReportOrder
from projects.models import Project
from projects.services import report_create, report_review, report_save, report_submit
from tests.factories import DocumentFactory, UserFactory

call_command("seed_demo", stdout=open("/dev/null", "w"))
project = Project.objects.exclude(status=Project.Status.DRAFT).order_by("pk").first()
leader = UserFactory(role=Role.PROJECT_LEADER, municipalities=list(project.municipalities.all()))
adviser = UserFactory(role=Role.ADVISER)
report = report_create(
    project=project, user=leader, period_start=project.start_date, period_end=project.start_date
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
"""


def fill(tmp_path, media_root):
    """seed_demo, and on top of it what the demo lacks: a status report through its whole
    workflow, documents with files (and a deleted one, kept in the history), report
    orders; done by the previous main's code in a copy of its tree."""
    tree = tmp_path / "previous-main"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(settings.BASE_DIR), "archive", PREVIOUS_MAIN],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE")
    }
    # The test database, reached as the suite reaches its own.
    url = urlsplit(os.environ["DATABASE_URL"])
    env.update(
        DEBUG="1",
        DATABASE_URL=urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"])),
        MEDIA_ROOT=str(media_root),
        PYTHONPATH=str(tree),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", FILL],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.django_db(transaction=True)
def test_the_move_to_documents_and_reports_keeps_every_row_and_file(settings, tmp_path):
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("needs the PostgreSQL the suite runs on (DATABASE_URL)")
    settings.MEDIA_ROOT = tmp_path / "media"
    latest = leaf_nodes()
    migrate(BEFORE_THE_MOVE)
    try:
        fill(tmp_path, settings.MEDIA_ROOT)
        # Content types as they were before the move (the moved models under their old apps).
        old_types = content_types()
        assert ProgressReport.history.count() > 0
        assert Document.history.filter(history_type="-").exists()
        before, files_before = table_checksums(), file_checksums()
        assert {table: before[table][0] > 0 for table in MOVED} == dict.fromkeys(MOVED, True)
        migrate(AFTER_THE_MOVE)
        after, files_after = table_checksums(), file_checksums()
        new_types = content_types()
    finally:
        migrate(latest)

    untouched = set(before) - {"django_migrations", "django_content_type"}
    assert {t: after[t] for t in untouched} == {t: before[t] for t in untouched}
    assert files_after == files_before and len(files_after) == 3
    # The moved models' content types are the same rows, now under their new apps, so
    # permissions and admin log entries that point at them still do.
    relabelled = {pk: new_types[pk] for pk in old_types if old_types[pk] != new_types[pk]}
    assert sorted(relabelled.values()) == [
        ("documents", "document"),
        ("documents", "historicaldocument"),
        ("reports", "historicalreportorder"),
        ("reports", "reportorder"),
    ]
