from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IlagConfig(AppConfig):
    name = "ilag"
    verbose_name = _("Operations")

    def ready(self):
        from ilag import cache, checks  # noqa: F401 (checks registers itself)

        cache.connect()
