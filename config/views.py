"""The front page: what the service is, the city's headline figures from every app, entry points by role."""

from django.conf import settings
from django.utils import timezone
from django.views.generic import TemplateView

from calculators.local_content import lcr_target_percent
from procurement.selectors import LcrSlice, lcr_figures
from registry.models import Company


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Company.objects.published()
        year = timezone.localdate().year
        context["verified_local_suppliers"] = published.filter(locality_confirmed=True).count()
        context["verified_suppliers"] = published.count()
        context["lcr_year"] = year
        context["lcr"] = lcr_figures(LcrSlice(year=year))
        context["lcr_target"] = lcr_target_percent(year, settings.LCR_BASELINE_YEAR)
        return context



def _api_error(request, status, message):
    """The API answers errors in JSON ({"detail": ...}), as DRF does, even for URLs no view matched."""
    from django.http import JsonResponse

    if request is not None and request.path.startswith("/api/"):
        return JsonResponse({"detail": str(message)}, status=status)
    return None


def page_not_found(request, exception, template_name="404.html"):
    from django.utils.translation import gettext
    from django.views.defaults import page_not_found as django_page_not_found

    return _api_error(request, 404, gettext("Not found.")) or django_page_not_found(request, exception, template_name)


def permission_denied(request, exception, template_name="403.html"):
    from django.utils.translation import gettext
    from django.views.defaults import permission_denied as django_permission_denied

    message = str(exception) or gettext("You do not have permission to perform this action.")
    return _api_error(request, 403, message) or django_permission_denied(request, exception, template_name)


def server_error(request, template_name="500.html"):
    from django.views.defaults import server_error as django_server_error

    return _api_error(request, 500, "Server error.") or django_server_error(request, template_name)


def bad_request(request, exception, template_name="400.html"):
    """400: the styled page naming what was wrong for a list's unknown parameters; Django's own otherwise.

    Django's default shows no detail (a SuspiciousOperation's message is not for the visitor); our
    UnknownParameters message only repeats the names the visitor sent.
    """
    from django.shortcuts import render
    from django.views.defaults import bad_request as django_bad_request

    from registry.filtersets import UnknownParameters

    if isinstance(exception, UnknownParameters):
        if request.path.startswith("/api/"):
            return _api_error(request, 400, exception.message)
        return render(request, template_name, {"message": exception.message, "names": exception.names}, status=400)
    return _api_error(request, 400, "Bad request.") or django_bad_request(request, exception, template_name)
