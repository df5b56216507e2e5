from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


def chosen_language(request):
    """The language the user picked with the switch (Django's ``set_language`` keeps it in the
    language cookie), if it is one of ``LANGUAGES``; otherwise ``LANGUAGE_CODE`` (zh-hans).

    A bureau deployment is Chinese whatever the browser sends: ``Accept-Language`` is not read
    (issue 8 §2), so Django's ``LocaleMiddleware`` is not used."""
    picked = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if picked:
        try:
            return translation.get_supported_language_variant(picked)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Activates :func:`chosen_language` for the request (in place of ``LocaleMiddleware``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
