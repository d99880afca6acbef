from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and roles")

    def ready(self):
        # Imported once the apps are loaded (it uses the models): connects the
        # failed-login log.
        from accounts import security  # noqa: F401
