# ---------------------------------------------------------------------------------------
# Test infrastructure (scripts/with-services.sh provides PostgreSQL, Redis and SECRET_KEY).
# Domain fixtures go below the end of this block.
# ---------------------------------------------------------------------------------------
import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "postgis"}
WORKER_READY_TIMEOUT = 60


def pytest_configure(config):
    """Refuse to run on SQLite: the constraints, locking and queries under test are PostgreSQL's."""
    if os.environ.get("ALLOW_SQLITE") == "1":
        return
    url = os.environ.get("DATABASE_URL", "")
    scheme = urlsplit(url).scheme
    if scheme not in POSTGRES_SCHEMES:
        found = f"DATABASE_URL has scheme {scheme!r}" if url else "DATABASE_URL is not set"
        raise pytest.UsageError(
            f"The tests run on PostgreSQL, but {found}.\n"
            "Run them through `make test` or `scripts/with-services.sh .venv/bin/pytest ...`,\n"
            "which start a throwaway PostgreSQL and Redis; set ALLOW_SQLITE=1 to insist on SQLite."
        )


@dataclass
class CeleryWorker:
    process: subprocess.Popen
    log_path: Path
    hostname: str

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _database_url_for(name: str) -> str:
    """DATABASE_URL with its database name swapped for ``name`` (host, port, query kept)."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, tmp_path_factory):
    """A real `celery worker` subprocess consuming CELERY_BROKER_URL, writing to the test database.

    Depends on django_db_setup so the test database exists first and is dropped only after
    the worker (and its connections) are gone.
    """
    from django.conf import settings

    broker_url = os.environ.get("CELERY_BROKER_URL")
    if not broker_url:
        pytest.fail("CELERY_BROKER_URL is not set; run the tests through scripts/with-services.sh")
    # settings sets CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL.
    assert settings.CELERY_TASK_ALWAYS_EAGER is False

    test_db_name = settings.DATABASES["default"]["NAME"]
    hostname = f"test-{uuid.uuid4().hex[:8]}@%h"
    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for(test_db_name),
        "CELERY_BROKER_URL": broker_url,
        "DJANGO_SETTINGS_MODULE": "ilag.settings_test",
        "PYTHONUNBUFFERED": "1",
        # Tasks that send e-mail (deadline reminders) must not need an SMTP server.
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "ilag", "worker",
        "--pool=solo", "--concurrency=1", "-Q", "celery", "-n", hostname,
        "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
        # Drop anything queued before the worker existed: it refers to rows that a
        # transactional test has already flushed.
        "--purge",
    ]  # fmt: skip
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
    worker = CeleryWorker(process=process, log_path=log_path, hostname=hostname)
    try:
        deadline = time.monotonic() + WORKER_READY_TIMEOUT
        # Celery logs "celery@<hostname> ready." once it consumes from the queue.
        while " ready." not in worker.log():
            if process.poll() is not None:
                pytest.fail(f"Celery worker exited with {process.returncode}:\n{worker.log()}")
            if time.monotonic() > deadline:
                pytest.fail(
                    f"Celery worker not ready after {WORKER_READY_TIMEOUT} s:\n{worker.log()}"
                )
            time.sleep(0.2)
        yield worker
    finally:
        _stop(process)


# ---------------------------------------------------------------------------------------
# End of test infrastructure.
# ---------------------------------------------------------------------------------------

# The fake archive's state file, shared with the Celery worker (which inherits the
# environment): tests/archive/fake_transport.py. Under pytest-xdist the workers inherit
# the controller's environment, this variable included, so each worker names its own file
# beside it (archive-gw0.pickle …): one worker's reset_archive() must not empty another's.
if os.environ.get("ILAG_FAKE_ARCHIVE_STATE"):
    _fake_archive_state = Path(os.environ["ILAG_FAKE_ARCHIVE_STATE"])
else:
    # Made by the first process (the xdist controller), removed when it ends.
    _fake_archive_dir = tempfile.mkdtemp(prefix="ilag-fake-archive-")
    atexit.register(shutil.rmtree, _fake_archive_dir, ignore_errors=True)
    _fake_archive_state = Path(_fake_archive_dir) / "archive.pickle"
if _xdist_worker := os.environ.get("PYTEST_XDIST_WORKER"):
    _fake_archive_state = _fake_archive_state.with_stem(
        f"{_fake_archive_state.stem}-{_xdist_worker}"
    )
os.environ["ILAG_FAKE_ARCHIVE_STATE"] = str(_fake_archive_state)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (pages cached by one test are not another's)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _demo_without_pdfs(settings):
    """seed_demo leaves out the committee's PDF reports (seconds each) unless a test asks
    for them (tests/portal/test_demo.py)."""
    settings.DEMO_RENDER_REPORTS = False


@pytest.fixture(scope="module")
def demo_for_module(django_db_setup, django_db_blocker):
    """The demo, seeded once for a module whose every test works on it and changes it
    only inside its own transaction (rolled back after each test: no `transaction=True`,
    no Celery worker, no test that needs an empty database). Seeding takes seconds; once
    per test it was a good part of the suite. The database is emptied after the module."""
    import io

    from django.core.management import call_command
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(DEMO_RENDER_REPORTS=False):
        call_command("seed_demo", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


# `make run`'s zero-setup default: SQLite, tasks in process, no cache server ----------------

MAKE_RUN_UNSET = {"CELERY_BROKER_URL", "CACHE_URL", "DATABASE_URL", "SECRET_KEY"}


def make_run_env(database: Path, **extra) -> dict:
    """The environment of `make run` on the SQLite file `database`: DEBUG on, no broker
    (tasks run in process) and no cache server."""
    env = {key: value for key, value in os.environ.items() if key not in MAKE_RUN_UNSET}
    env.update(
        DEBUG="1",
        DJANGO_SETTINGS_MODULE="ilag.settings",
        DATABASE_URL=f"sqlite:///{database}",
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def run_as_make_run(args: list, database: Path, *, timeout: int = 120, **extra):
    """`python ARGS` in `make run`'s environment on `database` (a CompletedProcess, its
    output as text)."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=make_run_env(database, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A SQLite file migrated once for the session (migrating SQLite takes seconds);
    tests copy it with `sqlite_database`."""
    path = tmp_path_factory.mktemp("sqlite") / "migrated.sqlite3"
    result = run_as_make_run(["manage.py", "migrate", "--no-input", "-v", "0"], path, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return path


@pytest.fixture
def sqlite_database(migrated_sqlite, tmp_path) -> Path:
    """A migrated SQLite file of the test's own."""
    path = tmp_path / "db.sqlite3"
    shutil.copyfile(migrated_sqlite, path)
    return path
