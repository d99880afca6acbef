"""Test-only differences from ilag.settings (which stays production-strict)."""

import atexit
import os
import shutil
import tempfile
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured


def _redis_database(url: str, number: int) -> str:
    """A redis:// URL with its database number (the path) replaced by ``number``."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{number}"))


# Under pytest-xdist each worker process (PYTEST_XDIST_WORKER = gw0, gw1 …) runs its own
# share of the tests: pytest-django gives it its own test database (test_ilag_gw0 …), and
# here it gets its own Redis databases on the one server: Celery's broker 2n + 2 and the
# cache 2n + 3. Otherwise one worker's test Celery worker would take the other's tasks (and
# `--purge` them), and one worker's cache.clear() would empty the other's cache. The URLs
# are changed in the environment, before ilag.settings reads them: Celery reads
# CELERY_BROKER_URL from the environment before its configuration, and the test Celery
# worker (tests/conftest.py) inherits it. That worker loads these settings again with the
# same PYTEST_XDIST_WORKER, and setting the same numbers again changes nothing. A serial
# run (no PYTEST_XDIST_WORKER) keeps the broker's database, and the cache has database 1.
#
# The cache is Redis as in production, on the broker's server: the test Celery worker's
# saves renew the data version that the pages cached by the test process are keyed by.
_broker = os.environ.get("CELERY_BROKER_URL", "")
if not os.environ.get("CACHE_URL") and urlsplit(_broker).scheme in ("redis", "rediss"):
    os.environ["CACHE_URL"] = _redis_database(_broker, 1)
if _worker := os.environ.get("PYTEST_XDIST_WORKER"):
    _number = int(_worker.removeprefix("gw"))
    if 2 * _number + 3 > 15:  # redis-server has databases 0–15
        raise ImproperlyConfigured(
            f"pytest-xdist worker {_worker}: Redis has 16 databases, two per worker from "
            "database 2 on, so at most 7 workers (-n 7)."
        )
    for _name, _database in (
        ("CELERY_BROKER_URL", 2 * _number + 2),
        ("CACHE_URL", 2 * _number + 3),
    ):
        if urlsplit(os.environ.get(_name, "")).scheme in ("redis", "rediss"):
            os.environ[_name] = _redis_database(os.environ[_name], _database)

# The files the tests write (signed agreements, documents, rendered reports, archive
# packages) go to a directory of their own run, not to the repository's media/: made by the
# first process that loads these settings (pytest, or pytest-xdist's controller) and
# inherited through the environment by the xdist workers and the test Celery workers, so
# that a file one of them writes the other reads; removed when that first process ends.
if not os.environ.get("ILAG_TEST_MEDIA_ROOT"):
    os.environ["ILAG_TEST_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="ilag-test-media-")
    atexit.register(shutil.rmtree, os.environ["ILAG_TEST_MEDIA_ROOT"], ignore_errors=True)
os.environ["MEDIA_ROOT"] = os.environ["ILAG_TEST_MEDIA_ROOT"]

from ilag.settings import *  # noqa: E402, F403
from ilag.settings import STORAGES  # noqa: E402

# The test client and live server speak plain HTTP; the HTTPS redirect and HSTS are
# covered by the `check --deploy` test against the production settings.
SECURE_SSL_REDIRECT = False
# No collectstatic manifest in tests: the live server serves app and vendor files itself.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Hashing cost is not under test; fast hashes keep the suite quick.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Whitenoise serves from the finders in tests (no collectstatic run), as in development.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The dashboard and page caches are on in tests (tests/conftest.py empties it per test).
DASHBOARD_CACHE_SECONDS = 600
PAGE_CACHE_SECONDS = 600
# Archiving goes to the fake archive (tests/archive/fake_transport.py), in this process and
# in the test Celery worker alike; a transport that is down is tried again within seconds.
ARCHIVE_TRANSPORT = "tests.archive.fake_transport.FakeArchiveTransport"
ARCHIVE_RETRY_BACKOFF = 1
ARCHIVE_RETRY_BACKOFF_MAX = 2
ARCHIVE_MAX_RETRIES = 3
