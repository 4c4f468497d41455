"""The company's own pages: profile, products, certificates, join requests."""

from django.views.generic import TemplateView


class _Pending(TemplateView):
    template_name = "home.html"


MyHomeView = CompanyProfileEditView = ProductCreateView = ProductUpdateView = ProductDeleteView = _Pending
CertificateCreateView = CertificateUpdateView = CertificateDeleteView = JoinRequestDecideView = _Pending
CertificateDocumentView = _Pending
