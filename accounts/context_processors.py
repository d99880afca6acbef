from django.conf import settings

from accounts.middleware import session_seconds_left
from accounts.models import Role
from accounts.permissions import can_manage_users


def portal(request):
    user = getattr(request, "user", None)
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "SESSION_SECONDS": session_seconds_left(request),
        "SESSION_WARNING_SECONDS": settings.SESSION_WARNING_SECONDS,
        "SESSION_WARNING_MINUTES": settings.SESSION_WARNING_SECONDS // 60,
        "OIDC_ENABLED": settings.OIDC_ENABLED,
        "OIDC_PROVIDER_NAME": getattr(settings, "OIDC_PROVIDER_NAME", ""),
        "can_manage_users": bool(user and can_manage_users(user)),
        # Committee readers' menu leads to «Saker til politisk behandling».
        "is_committee_reader": bool(
            user and user.is_authenticated and user.has_role(Role.COMMITTEE_READER)
        ),
    }
