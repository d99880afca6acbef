"""On SQLite, the zero-setup default of `make run`, two saves of one row at the same time
meet the portal's own conflict check (the row's version: «changed by … after you opened
the form»), never «database is locked». Run in a subprocess against a throwaway SQLite
file, since the test database is PostgreSQL."""

from tests.conftest import run_as_make_run

SCRIPT = r"""
import threading, time
import django
django.setup()
from django.core.management import call_command
from django.db import connection, transaction
from ilag.review import EditConflict, locked
from tests.factories import AgreementFactory, ProjectFactory

project = ProjectFactory(agreement=AgreementFactory())
version = project.version
outcome = {}

def first():
    with transaction.atomic():
        row = locked(type(project), pk=project.pk, version=version)
        time.sleep(1.0)  # holds the write lock while the second save starts
        row.title = "Først"
        row.version += 1
        row.save()
    connection.close()

def second():
    time.sleep(0.3)
    try:
        with transaction.atomic():
            row = locked(type(project), pk=project.pk, version=version)
            row.title = "Andre"
            row.version += 1
            row.save()
        outcome["second"] = "saved"
    except EditConflict:
        outcome["second"] = "conflict"
    except Exception as error:
        outcome["second"] = f"error: {error}"
    finally:
        connection.close()

threads = [threading.Thread(target=first), threading.Thread(target=second)]
for t in threads: t.start()
for t in threads: t.join()
project.refresh_from_db()
print(outcome["second"], project.title)
"""


def test_two_saves_at_once_on_sqlite_meet_the_conflict_check(sqlite_database):
    result = run_as_make_run(["-c", SCRIPT], sqlite_database)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "conflict Først", result.stdout
