"""The site map: pages, the admin, the API and its documentation."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.views import HomeView

admin.site.site_header = _("Solid-state battery industry platform — officials")
admin.site.site_title = _("Industry platform admin")

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("", include("registry.urls")),
    path("", include("procurement.urls")),
    path("", include("alliance.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("registry.api.urls")),
    path("api/v1/", include("procurement.api.urls")),
    path("api/v1/", include("alliance.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("accessibility/", TemplateView.as_view(template_name="accessibility.html"), name="accessibility"),
]
