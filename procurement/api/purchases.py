"""API routes of the purchases part (being built)."""

urlpatterns = []
