"""Django's database sessions, kept in the cache as well (cached_db: a page reads its
session from Redis, not PostgreSQL; the database stays the record, so a cache flush signs
no one out), reading the session cookie only when it could be a key Django made
(lowercase letters and digits).

Anything else names no session, as a key too short already does: a session cookie with a
NUL byte would otherwise reach PostgreSQL, which refuses NUL in text, and every page
(and the API, which takes the session too) would answer 500.
"""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBSessionStore

KEY_CHARS = frozenset(VALID_KEY_CHARS)


class SessionStore(CachedDBSessionStore):
    def _validate_session_key(self, key):
        return super()._validate_session_key(key) and KEY_CHARS.issuperset(key)
