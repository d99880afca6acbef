from django import forms
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ilag.validators import validate_sensible_date

# Every date field of every form (the model forms' too) refuses a year outside
# 1900-2100 with a message at the field. Set when the app configs are imported, before
# any form class is defined.
forms.DateField.default_validators = [validate_sensible_date]


class IlagConfig(AppConfig):
    name = "ilag"
    verbose_name = _("Operations")

    def ready(self):
        # Imported once the apps are loaded: checks and the cache signals read settings
        # and models. `checks` registers itself.
        from ilag import cache, checks  # noqa: F401

        cache.connect()
