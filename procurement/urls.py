"""Procurement pages: each part lists its own routes in its views module; this file joins them."""

from .views import applications, dashboard, imports, purchases

app_name = "procurement"

urlpatterns = purchases.urlpatterns + imports.urlpatterns + dashboard.urlpatterns + applications.urlpatterns
