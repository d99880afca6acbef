"""Django's own bokmål for the form messages that Django REST framework also translates.

An installed app's catalogue outranks Django's, and DRF (installed for the API) words a
few of Django's messages differently: «Dette feltet er påkrevd.» where the portal's forms
say «Feltet er påkrevet.». The project's catalogue outranks both, so these messages are
marked here for `make messages` and translated in locale/nb as Django translates them.
Nothing imports this module; tests/test_api.py checks that the list is complete.
"""

from django.utils.translation import gettext_noop

DJANGO_WORDING = [
    gettext_noop("This field is required."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter a valid URL."),
    gettext_noop("Enter a valid IPv4 or IPv6 address."),
    gettext_noop("The submitted file is empty."),
    gettext_noop(
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ),
    gettext_noop("Value must be valid JSON."),
]
