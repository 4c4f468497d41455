"""Pages of the applications part (being built)."""

urlpatterns = []
