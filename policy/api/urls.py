from django.urls import path

from .views import TargetsView

urlpatterns = [
    path("policy/targets/", TargetsView.as_view(), name="policy_api_targets"),
]
