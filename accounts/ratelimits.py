"""How often a password reset or an invitation may be sent (django-ratelimit, counted in
the shared cache): per address, so nobody can flood one inbox, and per client (the IP
address, or the adviser), so nobody can flood many. Over a limit, nothing is sent and the
page says so; a cache that cannot be reached lets the request through (RATELIMIT_FAIL_OPEN).
"""

from django.conf import settings
from django_ratelimit.core import is_ratelimited


def _over(request, group: str, key, rate: str) -> bool:
    return is_ratelimited(
        request, group=group, key=key, rate=rate, method=is_ratelimited.ALL, increment=True
    )


def password_reset_limited(request, email: str) -> bool:
    """Counts this request; True when the address or the client asked too often."""
    address = email.strip().lower()
    per_address = settings.RATE_PASSWORD_RESET_PER_ADDRESS
    per_client = settings.RATE_PASSWORD_RESET_PER_CLIENT
    by_address = _over(request, "password-reset-address", lambda _g, _r: address, per_address)
    by_client = _over(request, "password-reset-client", "ip", per_client)
    return by_address or by_client


def invitation_limited(request, email: str) -> bool:
    """Counts this invitation; True when the address or the adviser sent too many."""
    address = email.strip().lower()
    per_address = settings.RATE_INVITATION_PER_ADDRESS
    per_adviser = settings.RATE_INVITATION_PER_ADVISER
    by_address = _over(request, "invitation-address", lambda _g, _r: address, per_address)
    by_adviser = _over(request, "invitation-adviser", "user", per_adviser)
    return by_address or by_adviser
