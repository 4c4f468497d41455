"""Values every page template needs: the city's name and the user's role."""

from django.conf import settings
from django.utils.translation import gettext, gettext_noop

from .permissions import is_official

# The default city's name, so that makemessages puts it in the catalogue; another city adds its own.
gettext_noop("Suzhou")


def platform(request):
    user = getattr(request, "user", None)
    return {
        "CITY_NAME": gettext(settings.CITY_NAME),
        "user_is_official": is_official(user),
        "user_company": getattr(user, "company", None) if user and user.is_authenticated else None,
    }
