"""API v1 routes of the registry, under /api/v1/ (names in the "api" namespace, e.g. api:company-list)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import production_bases, views

app_name = "api"

router = DefaultRouter()
router.register("companies", views.CompanyViewSet, basename="company")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("products", views.ProductViewSet, basename="product")
router.register("production-bases", production_bases.ProductionBaseViewSet, basename="production-base")
router.register("land-requests", production_bases.LandRequestViewSet, basename="land-request")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    *router.urls,
]
