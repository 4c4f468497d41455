"""The front page: what the service is, the headline figures, entry points by role."""

from django.views.generic import TemplateView

from ..models import Company


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Company.objects.published()
        context["verified_local_suppliers"] = published.filter(locality_confirmed=True).count()
        context["verified_suppliers"] = published.count()
        return context
