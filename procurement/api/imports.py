"""API routes of the imports part (being built)."""

urlpatterns = []
