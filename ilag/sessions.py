"""Django's database sessions, kept in the cache as well (cached_db: a page reads its
session from Redis, not PostgreSQL; the database stays the record, so a cache flush signs
no one out), reading the session cookie only when it could be a key Django made
(lowercase letters and digits).

A cache server that is down is a miss, not an error: the session comes from the database
and every page goes on working, as the rest of the portal does without Redis. A session
ended while the cache server is down (signing out) is deleted from the database, but its
copy in the cache cannot be: it is logged, and the copy lives until its idle timeout.

Anything else names no session, as a key too short already does: a session cookie with a
NUL byte would otherwise reach PostgreSQL, which refuses NUL in text, and every page
(and the API, which takes the session too) would answer 500.
"""

import logging

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBSessionStore

from ilag.cache import CACHE_ERRORS

logger = logging.getLogger(__name__)

KEY_CHARS = frozenset(VALID_KEY_CHARS)


class _TolerantCache:
    """The session cache, with a cache server that is down taken as a miss."""

    def __init__(self, cache):
        self._cache = cache

    def get(self, key, default=None):
        try:
            return self._cache.get(key, default)
        except CACHE_ERRORS as error:
            logger.warning("Session cache unavailable, read from the database: %s", error)
            return default

    def set(self, key, value, timeout=None):
        try:
            self._cache.set(key, value, timeout)
        except CACHE_ERRORS as error:
            logger.warning("Session cache unavailable, not stored there: %s", error)

    def delete(self, key):
        try:
            self._cache.delete(key)
        except CACHE_ERRORS as error:
            logger.error(
                "Session cache unavailable: an ended session stays in it until its idle "
                "timeout: %s",
                error,
            )

    def __contains__(self, key):
        try:
            return key in self._cache
        except CACHE_ERRORS:
            return False

    def __str__(self):
        return str(self._cache)


class SessionStore(CachedDBSessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _TolerantCache(self._cache)

    def _validate_session_key(self, key):
        return super()._validate_session_key(key) and KEY_CHARS.issuperset(key)
