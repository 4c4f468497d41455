"""API routes of the applications part (being built)."""

urlpatterns = []
