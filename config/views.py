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
