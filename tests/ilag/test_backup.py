"""The restore drill: back up a seeded PostgreSQL database with its files (uploaded
documents and rendered PDF reports), restore into an empty database and empty storage
(another process, as in production), and compare every table, row by row, and every
file's checksum."""

import hashlib
import io
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from ilag.backup import BackupError, backup, pg_address

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def table_digests(dsn: dict) -> dict[str, tuple[int, str]]:
    """{table: (rows, md5 of every row in order)} of a database's public tables."""
    with psycopg.connect(**dsn) as db, db.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        digests = {}
        for table in tables:
            cursor.execute(
                f"SELECT COUNT(*), md5(COALESCE(string_agg(t::text, '|' ORDER BY t::text), '')) "
                f'FROM "{table}" t'
            )
            digests[table] = cursor.fetchone()
    return digests


def file_digests(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.mark.django_db(transaction=True)
def test_backup_restores_every_table_and_file(settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.fail("The restore drill runs on PostgreSQL, as production does.")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEMO_RENDER_REPORTS = True  # the committee's PDF reports are files too
    call_command("seed_demo", stdout=io.StringIO())
    files = file_digests(tmp_path / "media")
    assert any(name.startswith("reports/") for name in files)  # PDFs
    assert any(not name.startswith("reports/") for name in files)  # uploaded documents

    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    with pytest.raises(BackupError):
        backup(tmp_path / "backup")  # never over an earlier backup

    source = pg_address()  # the test database's
    target_name = f"restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{target_name}"')
    try:
        url = (
            f"postgres://{quote(source['user'], safe='')}@/{target_name}"
            f"?host={quote(source['host'], safe='')}&port={source['port'] or 5432}"
        )
        env = {
            **os.environ,
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "ilag.settings",
            "DATABASE_URL": url,
            "MEDIA_ROOT": str(tmp_path / "restored"),
            "REPORTS_STORAGE": "local",
        }
        result = subprocess.run(
            [sys.executable, "manage.py", "restore", str(tmp_path / "backup")],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert "every checksum and row count matches" in result.stdout
        restored = table_digests({**source, "dbname": target_name})
        assert restored == table_digests(source)
        assert restored["agreements_programme"][0] >= 3  # the demo's programmes, not nothing
        assert restored["evaluations_reportorder"][0] == 2  # the committee's reports
        assert file_digests(tmp_path / "restored") == files
        # Restoring again over the restored database is refused: it is not empty.
        again = subprocess.run(
            [sys.executable, "manage.py", "restore", str(tmp_path / "backup")],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert again.returncode != 0 and "not empty" in again.stderr
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')
