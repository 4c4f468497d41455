"""Pages of the dashboard part (being built)."""

urlpatterns = []
