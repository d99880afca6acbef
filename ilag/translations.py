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

# The login-security pages of the admin (django-axes): the package ships no bokmål, and
# the project's catalogue is consulted first.
ADMIN_WORDING = [
    gettext_noop("Created"),
    gettext_noop("User"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Attempt Time"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
    gettext_noop("Username"),
    # Django's admin: newer than its bokmål catalogue.
    gettext_noop("Start typing to filter…"),
    gettext_noop("Show counts"),
    gettext_noop("Hide counts"),
]
