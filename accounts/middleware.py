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
