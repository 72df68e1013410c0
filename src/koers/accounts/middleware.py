from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    """Dutch unless the user chose another language (cookie set by the language menu).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language:
    a civil servant with an English browser still gets the Dutch application.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # The page may have switched to the Dutch of its plan (nl-be or nl-nl).
        response.headers.setdefault("Content-Language", translation.get_language() or language)
        return response
