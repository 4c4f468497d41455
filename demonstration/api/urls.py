from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import MeasurementViewSet, ProjectViewSet

router = SimpleRouter()
router.register("demonstration/projects", ProjectViewSet, basename="demonstration-project")

urlpatterns = [
    path("demonstration/projects/<int:project_id>/measurements/",
         MeasurementViewSet.as_view({"get": "list", "post": "create"}), name="demonstration-project-measurements"),
    *router.urls,
]
