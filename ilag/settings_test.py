"""Test-only differences from ilag.settings (which stays production-strict)."""

from ilag.settings import *  # noqa: F403
from ilag.settings import STORAGES

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
# The dashboard cache is on in tests (in memory; tests/conftest.py empties it per test).
DASHBOARD_CACHE_SECONDS = 600
# Archiving goes to the fake archive (tests/archive/fake_transport.py), in this process and
# in the test Celery worker alike; a transport that is down is tried again within seconds.
ARCHIVE_TRANSPORT = "tests.archive.fake_transport.FakeArchiveTransport"
ARCHIVE_RETRY_BACKOFF = 1
ARCHIVE_RETRY_BACKOFF_MAX = 2
ARCHIVE_MAX_RETRIES = 3
