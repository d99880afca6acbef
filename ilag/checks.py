from django.conf import settings
from django.core.checks import Warning, register


@register()
def dashboard_cache_is_shared(app_configs, **kwargs):
    """The page caches' version stamp must reach every process serving pages."""
    backend = settings.CACHES["default"]["BACKEND"]
    on = [
        name
        for name in ("DASHBOARD_CACHE_SECONDS", "PAGE_CACHE_SECONDS")
        if getattr(settings, name) > 0
    ]
    if on and not settings.DEBUG and backend.endswith(("LocMemCache", "DummyCache")):
        return [
            Warning(
                f"{' and '.join(on)} on with a per-process cache: with several web "
                "processes one would go on serving a page another has invalidated.",
                hint="Set CACHE_URL to the Redis server (redis://host:6379/1), or "
                f"{'=0 and '.join(on)}=0.",
                id="ilag.W001",
            )
        ]
    return []
