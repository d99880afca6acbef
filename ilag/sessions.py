"""Django's database sessions, reading the session cookie only when it could be a key
Django made (lowercase letters and digits).

Anything else names no session, as a key too short already does: a session cookie with a
NUL byte would otherwise reach PostgreSQL, which refuses NUL in text, and every page
(and the API, which takes the session too) would answer 500.
"""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

KEY_CHARS = frozenset(VALID_KEY_CHARS)


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key):
        return super()._validate_session_key(key) and KEY_CHARS.issuperset(key)
