from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class BokmalFirstLocaleMiddleware(LocaleMiddleware):
    """Bokmål unless the user has chosen English in the portal.

    The browser's Accept-Language is ignored on purpose: a county adviser whose browser
    happens to be set to English still gets the portal in bokmål, as its users expect.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = dict(settings.LANGUAGES)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
