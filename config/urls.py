"""The site map: pages, the admin, the API and its documentation."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import health
from config.views import HomeView
from registry.language import set_language

# A list's unknown query parameters (registry.filtersets.UnknownParameters) get a page naming them.
handler400 = "config.views.bad_request"
# Under /api/ the errors are JSON ({"detail": ...}) even for URLs no view matched; elsewhere the styled pages.
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"

admin.site.site_header = _("Solid-state battery industry platform — officials")
admin.site.site_title = _("Industry platform admin")
# The lists officials work in need the width (amount, status, applicant at 1280 px, and on a tablet); the index and
# the breadcrumbs lead everywhere the sidebar did.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("", include("registry.urls")),
    path("", include("procurement.urls")),
    path("", include("alliance.urls")),
    path("", include("calculators.urls")),
    path("", include("research.urls")),
    path("", include("demonstration.urls")),
    path("", include("talent.urls")),
    path("", include("policy.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    # Before Django's own: the same view, which also remembers the choice on a logged-in person's account.
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("registry.api.urls")),
    path("api/v1/", include("procurement.api.urls")),
    path("api/v1/", include("alliance.api.urls")),
    path("api/v1/", include("calculators.api.urls")),
    path("api/v1/", include("research.api.urls")),
    path("api/v1/", include("demonstration.api.urls")),
    path("api/v1/", include("talent.api.urls")),
    path("api/v1/", include("policy.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves Swagger UI's start-up script from a URL rather than inline (Content-Security-Policy).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api_schema", template_name="api_docs.html"),
        name="api_docs",
    ),
    path("accessibility/", TemplateView.as_view(template_name="accessibility.html"), name="accessibility"),
    path("healthz", health.healthz, name="healthz"),
]
