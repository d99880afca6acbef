from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, resolve
from django.utils import translation
from django.views.defaults import bad_request


class BokmalFirstLocaleMiddleware(LocaleMiddleware):
    """Bokmål unless the user has chosen nynorsk or English in the portal: a signed-in
    user's choice is kept on the profile (`User.language`), anyone else's in the language
    cookie (the choice on the login page).

    The browser's Accept-Language is ignored on purpose: a county adviser whose browser
    happens to be set to English still gets the portal in bokmål, as its users expect.
    """

    def process_request(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            chosen = user.language
        else:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = dict(settings.LANGUAGES)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def refuses_nul_bytes_itself(view):
    """Marks a view that answers a NUL byte in its address or query in its own way (the
    JSON API: 400 naming the parameter, 404 for an id), so RefuseNulBytesMiddleware
    lets such a request through to it."""
    view.refuses_nul_bytes_itself = True
    return view


class RefuseNulBytesMiddleware:
    """A NUL byte in the address or a query parameter is never meant: PostgreSQL refuses
    it in text («A string literal cannot contain NUL»), which would end in a 500. Such a
    request gets 400 with the portal's bokmål page, unless its view refuses it itself
    (`refuses_nul_bytes_itself`). Form fields refuse it themselves (Django's CharField
    does), with a message at the field."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.has_nul_byte(request) and not self.view_refuses_it(request):
            return bad_request(request, SuspiciousOperation("NUL byte in the request"))
        return self.get_response(request)

    @staticmethod
    def has_nul_byte(request) -> bool:
        return "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        )

    @staticmethod
    def view_refuses_it(request) -> bool:
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return False
        return getattr(match.func, "refuses_nul_bytes_itself", False)
