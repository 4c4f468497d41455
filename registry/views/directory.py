"""The published directory, company pages, exports, the printable recommendation directory, the chain map."""

from django.views.generic import TemplateView


class _Pending(TemplateView):
    template_name = "home.html"
    file_format = None


DirectoryView = DirectoryExportView = RecommendationDirectoryView = CompanyDetailView = ChainMapView = _Pending
