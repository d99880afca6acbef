"""How often a password reset or an invitation may be sent (django-ratelimit, counted in
the shared cache): per address, so nobody can flood one inbox, and per client (the IP
address, or the adviser), so nobody can flood many. Over a limit, nothing is sent and the
page says so; a cache that cannot be reached lets the request through (RATELIMIT_FAIL_OPEN).
"""

from django.conf import settings
from django_ratelimit.core import is_ratelimited


def _limited(request, name: str, email: str, per_address: str, client_key, per_client: str):
    """Counts this request against the address and the client; True when either is over
    its rate (both are counted either way)."""
    address = email.strip().lower()
    by_address = is_ratelimited(
        request,
        group=f"{name}-address",
        key=lambda _group, _request: address,
        rate=per_address,
        method=is_ratelimited.ALL,
        increment=True,
    )
    by_client = is_ratelimited(
        request,
        group=f"{name}-client",
        key=client_key,
        rate=per_client,
        method=is_ratelimited.ALL,
        increment=True,
    )
    return by_address or by_client


def password_reset_limited(request, email: str) -> bool:
    """True when the address or the client (its IP address) asked too often."""
    return _limited(
        request,
        "password-reset",
        email,
        settings.RATE_PASSWORD_RESET_PER_ADDRESS,
        "ip",
        settings.RATE_PASSWORD_RESET_PER_CLIENT,
    )


def invitation_limited(request, email: str) -> bool:
    """True when the address or the adviser sent too many invitations."""
    return _limited(
        request,
        "invitation",
        email,
        settings.RATE_INVITATION_PER_ADDRESS,
        "user",
        settings.RATE_INVITATION_PER_ADVISER,
    )
