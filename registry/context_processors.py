"""Values every page template needs: the city's name and the user's role."""

from django.conf import settings

from .permissions import is_official


def platform(request):
    user = getattr(request, "user", None)
    return {
        "CITY_NAME": settings.CITY_NAME,
        "user_is_official": is_official(user),
        "user_company": getattr(user, "company", None) if user and user.is_authenticated else None,
    }
