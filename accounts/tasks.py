import contextlib
import threading

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import translation

from accounts.notices import KINDS, deliver

_local = threading.local()


@contextlib.contextmanager
def notices_suppressed():
    """No notices for what happens inside (loading demo or imported data)."""
    previous = getattr(_local, "suppressed", False)
    _local.suppressed = True
    try:
        yield
    finally:
        _local.suppressed = previous


@shared_task(
    name="accounts.tasks.send_notice",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=5,
)
def send_notice(payload: dict) -> int:
    """Send one event's e-mail notice to those who should have it; safe to run twice."""
    return deliver(payload)


def notify(
    kind: str,
    *,
    event_key: str,
    programme_id: int,
    title,
    message,
    path: str,
    params: dict | None = None,
    municipality_ids=(),
    author_id: int | None = None,
    actor_id: int | None = None,
) -> None:
    """Queue a notice when (and only if) the current transaction commits. `title` and
    `message` are lazy translations filled with `params`, written out in the portal's
    language (bokmål); `event_key` names the event once (say a report's id and
    version), so that nobody is told of it twice."""
    assert kind in KINDS, kind
    if getattr(_local, "suppressed", False):
        return
    params = params or {}
    with translation.override(settings.LANGUAGE_CODE):
        title, message = str(title) % params, str(message) % params
    payload = {
        "kind": kind,
        "event_key": event_key,
        "programme_id": programme_id,
        "municipality_ids": list(municipality_ids),
        "author_id": author_id,
        "actor_id": actor_id,
        "title": title,
        "message": message,
        "path": path,
    }
    transaction.on_commit(lambda: send_notice.delay(payload))
