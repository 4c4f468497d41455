from django.urls import path

from .views import ScoreboardFileView, ScoreboardView

app_name = "policy"

urlpatterns = [
    path("policy/", ScoreboardView.as_view(), name="scoreboard"),
    path("policy/targets.xlsx", ScoreboardFileView.as_view(file_format="xlsx"), name="targets_xlsx"),
    path("policy/targets.csv", ScoreboardFileView.as_view(file_format="csv"), name="targets_csv"),
]
