from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
