"""What a person (or an API client) locked out by django-axes receives: when to try again, in their language."""

from axes.helpers import get_cool_off
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext


def lockout_response(request, original_response=None, credentials=None):
    """429 with the time the lock lifts: a styled page, or JSON for the API's token endpoint."""
    cool_off = get_cool_off(request)
    retry_at = timezone.localtime() + cool_off
    minutes = max(1, round(cool_off.total_seconds() / 60))
    retry_after = str(int(cool_off.total_seconds()))
    if request.path.startswith("/api/"):
        message = gettext(
            "Too many failed login attempts for this username from your address. Try again after %(time)s."
        ) % {"time": retry_at.strftime("%H:%M")}
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(
            request, "registration/locked_out.html", {"retry_at": retry_at, "minutes": minutes}, status=429
        )
    response["Retry-After"] = retry_after
    return response
