from django.conf import settings
from django.core.checks import Warning, register


@register()
def dashboard_cache_is_shared(app_configs, **kwargs):
    """The dashboard cache's version stamp must reach every process serving pages."""
    backend = settings.CACHES["default"]["BACKEND"]
    if (
        settings.DASHBOARD_CACHE_SECONDS > 0
        and not settings.DEBUG
        and backend.endswith(("LocMemCache", "DummyCache"))
    ):
        return [
            Warning(
                "DASHBOARD_CACHE_SECONDS is on with a per-process cache: with several web "
                "processes one would go on serving a dashboard another has invalidated.",
                hint="Set CACHE_URL to the Redis server (redis://host:6379/1), or "
                "DASHBOARD_CACHE_SECONDS=0.",
                id="ilag.W001",
            )
        ]
    return []
