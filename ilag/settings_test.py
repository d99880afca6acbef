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
