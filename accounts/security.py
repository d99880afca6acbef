"""Security logging: failed logins and refused accesses, with user, address and time."""

import logging

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

logger = logging.getLogger("ilag.security")


def client_ip(request) -> str:
    if request is None:
        return "-"
    # Axes has already resolved the address (honouring the proxy settings) when it ran.
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "-")


@receiver(user_login_failed, dispatch_uid="ilag_log_failed_login")
def log_failed_login(sender, credentials, request=None, **kwargs):
    # Logging is not domain logic; a signal is the one hook Django gives for it.
    logger.warning(
        "login failed: username=%r ip=%s",
        credentials.get("username", ""),
        client_ip(request),
    )
