from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("talent/training-bases", views.TrainingBaseViewSet, basename="talent-training-base")
router.register("talent/training-years", views.TrainingYearViewSet, basename="talent-training-year")
router.register("talent/specialists", views.SpecialistViewSet, basename="talent-specialist")
router.register("talent/scholarships", views.ScholarshipViewSet, basename="talent-scholarship")

urlpatterns = [
    path("talent/years/", views.TalentYearsView.as_view(), name="talent-years"),
    *router.urls,
]
