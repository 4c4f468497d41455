"""API routes of the local content ratio part (being built)."""

urlpatterns = []
