from django.urls import path

from . import views

app_name = "talent"

urlpatterns = [
    path("talent/", views.TalentIndexView.as_view(), name="index"),
    path("my/talent/", views.MyTalentView.as_view(), name="my_talent"),
    path("my/talent/bases/new/", views.TrainingBaseFormView.as_view(), name="base_create"),
    path("my/talent/bases/<int:pk>/edit/", views.TrainingBaseFormView.as_view(), name="base_update"),
    path("my/talent/bases/<int:pk>/year/", views.TrainingYearFormView.as_view(), name="year_save"),
    path("my/talent/specialists/new/", views.SpecialistFormView.as_view(), name="specialist_create"),
    path("my/talent/specialists/<int:pk>/edit/", views.SpecialistFormView.as_view(), name="specialist_update"),
    path("my/talent/scholarships/new/", views.ScholarshipFormView.as_view(), name="scholarship_create"),
    path("my/talent/scholarships/<int:pk>/", views.ScholarshipDetailView.as_view(), name="scholarship_detail"),
    path("my/talent/scholarships/<int:pk>/edit/", views.ScholarshipFormView.as_view(), name="scholarship_update"),
    path("my/talent/recipients/<int:pk>/remove/", views.RecipientRemoveView.as_view(), name="recipient_remove"),
]
