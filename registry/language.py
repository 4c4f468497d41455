"""The language a person chose, remembered with their account so that it follows them to every device.

Django keeps the choice in a cookie, which stays on one browser. Here the choice made while logged in is also
stored on the user (`User.language`); after login every request uses it, and the cookie is brought in line. A person
who chose before logging in has that choice become their account's language at login.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation
from django.views.i18n import set_language as django_set_language

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def set_language(request):
    """Django's set_language, and the choice saved on the account of a logged-in person."""
    response = django_set_language(request)
    language = request.POST.get("language")
    user = request.user
    if request.method == "POST" and user.is_authenticated and language in LANGUAGES and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return response


class AccountLanguageMiddleware:
    """After authentication: a logged-in person's account language wins over the browser's cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = user.language if user is not None and user.is_authenticated else ""
        if language not in LANGUAGES or language == request.LANGUAGE_CODE:
            return self.get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response


@receiver(user_logged_in, dispatch_uid="registry.language.adopt_browser_language")
def adopt_browser_language(sender, request, user, **kwargs):
    """At a login with no language on the account, the language the person chose in this browser becomes it (an
    explicit choice only: the browser's Accept-Language is a guess and is not stored)."""
    if request is None or user.language:
        return
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if language in LANGUAGES:
        user.language = language
        user.save(update_fields=["language"])
