"""Procurement API v1: each part lists its own routes in its module; this file joins them."""

from . import applications, imports, lcr, purchases

urlpatterns = purchases.urlpatterns + imports.urlpatterns + lcr.urlpatterns + applications.urlpatterns
