"""API v1 routes of the policy calculators, under /api/v1/calculators/ (one operation per calculator)."""

from django.urls import path

from ..catalogue import CALCULATORS
from . import views

urlpatterns = [
    path("calculators/", views.CalculatorListView.as_view(), name="calculator-list"),
    *(path(f"calculators/{name}/", views.calculator_view(calculator).as_view(), name=f"calculator-{name}")
      for name, calculator in CALCULATORS.items()),
]
