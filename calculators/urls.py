from django.urls import path

from . import views

app_name = "calculators"

urlpatterns = [
    path("calculators/", views.CalculatorsView.as_view(), name="index"),
]
