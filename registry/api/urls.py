"""API v1 routes of the registry."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

urlpatterns = router.urls
