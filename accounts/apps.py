from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True  # the module holds another AppConfig (below)
    name = "accounts"
    verbose_name = _("Users and roles")

    def ready(self):
        # Imported once the apps are loaded (it uses the models): connects the
        # failed-login log.
        from accounts import security  # noqa: F401


class LoginSecurityConfig(AxesAppConfig):
    """django-axes under a bokmål name in the admin (INSTALLED_APPS names it)."""

    default = False
    verbose_name = _("Login security")
