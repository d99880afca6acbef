"""A version stamp of the domain data, for caches of pages computed from it.

Every saved, deleted or re-linked row of the domain apps gives the data a new version: right away, and
once more when the transaction commits, so a page computed by another request while the
change was still uncommitted is not kept under the new version. A cached page is keyed by
the version it was computed at, so a change is visible on the next request; keys also
expire after DASHBOARD_CACHE_SECONDS (the dashboard) or PAGE_CACHE_SECONDS (the other
read-only pages, `ilag.views.ReadOnlyPageMixin`) as a safety net.

Writes that send no signals (bulk_create, QuerySet.update) call `bump_data_version()`
themselves; tests/test_history_not_bypassed.py keeps them out of the application code.
The cache must be shared by every process serving pages (CACHE_URL, Redis in
production), or another process would not see the new version.
"""

import functools
import hashlib
import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
# What a cache server that cannot be reached raises: the page is then computed, and a
# save goes through; a version not renewed meanwhile is bounded by the keys' lifetime.
CACHE_ERRORS = (RedisError, ConnectionError, OSError, TimeoutError)

VERSION_KEY = "ilag:data-version"
DOMAIN_APPS = frozenset(
    {
        "accounts",
        "municipalities",
        "agreements",
        "projects",
        "evaluations",
        "payouts",
        "documents",
        "reports",
        # Archive records' states are shown on the project, agreement and programme pages.
        "archive",
    }
)


# What a cached page is made from besides the data: after a deployment that changes any
# of these, pages cached by the previous release are not served.
CODE_GLOBS = (
    "templates/**/*.html",
    "locale/**/*.mo",
    "ilag/*.py",
    "ilag/formats/*.py",
    "portal/*.py",
    "portal/views/*.py",
    "*/templatetags/*.py",
)


@functools.cache
def code_fingerprint() -> str:
    """A hash of the templates, translations and page code of this release."""
    base = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for path in sorted({p for pattern in CODE_GLOBS for p in base.glob(pattern)}):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def data_version() -> str | None:
    """The current version, or None when the cache cannot be reached (cache nothing)."""
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(VERSION_KEY)
    except CACHE_ERRORS as error:
        logger.warning("Cache unavailable, pages computed without it: %s", error)
        return None
    return version


def page_key(kind: str, *parts: str, seconds: int) -> str | None:
    """The cache key of a page computed from the data: `kind` and `parts` say which page
    and for whom; the release's code, the data version, the day (pages say «in 3 days»,
    «2 weeks overdue») and the language are added. None when caching is off (`seconds`
    is 0) or the cache cannot be reached."""
    version = data_version() if seconds > 0 else None
    if version is None:
        return None
    return ":".join(
        [
            kind,
            code_fingerprint(),
            version,
            timezone.localdate().isoformat(),
            get_language() or "",
            *parts,
        ]
    )


def digest(text: str) -> str:
    """A short hash for a key part that may be long or secret (a URL, a CSRF secret)."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def cache_get(key):
    try:
        return cache.get(key)
    except CACHE_ERRORS as error:
        logger.warning("Cache unavailable: %s", error)
        return None


def cache_set(key, value, timeout) -> None:
    try:
        cache.set(key, value, timeout)
    except CACHE_ERRORS as error:
        logger.warning("Cache unavailable: %s", error)


def _new_version():
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except CACHE_ERRORS as error:
        logger.warning("Cache unavailable, data version not renewed: %s", error)


def bump_data_version():
    _new_version()
    connection = transaction.get_connection()
    # Once per transaction is enough: an import of a thousand rows makes one callback.
    if not connection.in_atomic_block or not any(
        entry[1] is _new_version for entry in connection.run_on_commit
    ):
        transaction.on_commit(_new_version)


def _is_domain(sender) -> bool:
    meta = getattr(sender, "_meta", None)
    return (
        meta is not None
        and meta.app_label in DOMAIN_APPS
        # A historical record is saved with the row it records, which bumps already.
        and not hasattr(sender, "instance_type")
    )


def _changed(sender, **kwargs):
    if _is_domain(sender):
        bump_data_version()


def _m2m_changed(sender, action, **kwargs):
    if action.startswith("post_") and _is_domain(sender):
        bump_data_version()


def connect():
    post_save.connect(_changed, dispatch_uid="ilag-data-version-save")
    post_delete.connect(_changed, dispatch_uid="ilag-data-version-delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="ilag-data-version-m2m")
