"""API rate limits that do not fail a request when the cache server cannot be reached."""

import logging

from rest_framework.throttling import UserRateThrottle

from ilag.cache import CACHE_ERRORS

logger = logging.getLogger(__name__)


class UserRateThrottleOrAllow(UserRateThrottle):
    """DRF's per-user limit, counted in the shared cache (CACHE_URL). Without the cache
    server the request is let through and logged, rather than answered with a 500."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS as error:
            logger.warning("API rate limit not counted, cache unavailable: %s", error)
            return True
