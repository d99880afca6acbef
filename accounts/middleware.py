import time

from django.conf import settings
from django.utils import timezone

from accounts.security import client_ip, logger


class RefusedAccessLogMiddleware:
    """Log every refused access (403) with user, address, method, path and time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            user = getattr(request, "user", None)
            logger.warning(
                "access refused: user=%s ip=%s %s %s at=%s",
                getattr(user, "username", "") or "anonymous",
                client_ip(request),
                request.method,
                request.path,
                timezone.now().isoformat(),
            )
        return response


# Unix time of the last save of a signed-in user's session.
SESSION_REFRESHED_KEY = "_refreshed_at"


def refresh_interval() -> int:
    """How often a page view slides the idle timeout: once a minute, or a tenth of a
    short timeout."""
    return max(1, min(60, settings.SESSION_COOKIE_AGE // 10))


def session_seconds_left(request) -> int:
    """Seconds until the signed-in user's session ends if nothing is done."""
    session = getattr(request, "session", None)
    refreshed = session.get(SESSION_REFRESHED_KEY) if session is not None else None
    if not isinstance(refreshed, int):
        return settings.SESSION_COOKIE_AGE
    return max(0, settings.SESSION_COOKIE_AGE - (int(time.time()) - refreshed))


class IdleSessionMiddleware:
    """Slides the idle timeout (SESSION_COOKIE_AGE after the last save) without writing
    the session on every request: a signed-in user's session is saved again when it was
    last saved more than `refresh_interval()` seconds ago, or when the request changed it
    anyway. So a page view is a read, and the timeout is exact to within that interval;
    the page's warning counts from the last save (`session_seconds_left`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if session is None or user is None or not user.is_authenticated:
            return response
        now = int(time.time())
        refreshed = session.get(SESSION_REFRESHED_KEY)
        if (
            session.modified
            or not isinstance(refreshed, int)
            or now - refreshed >= refresh_interval()
        ):
            session[SESSION_REFRESHED_KEY] = now
        return response
