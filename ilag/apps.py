from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IlagConfig(AppConfig):
    name = "ilag"
    verbose_name = _("Operations")

    def ready(self):
        # Imported once the apps are loaded: checks and the cache signals read settings
        # and models. `checks` registers itself.
        from ilag import cache, checks  # noqa: F401

        cache.connect()
