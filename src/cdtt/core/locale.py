"""Vietnamese first: the language is the one the user chose (cookie), otherwise Vietnamese.

Django's LocaleMiddleware would follow the browser's Accept-Language, and most phones and
office computers here send English; officers must get the Vietnamese UI unless they switch.
"""

from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            # The thread serves the next request (or code outside any request) in the default
            # language again, whatever this user chose.
            translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        return response
