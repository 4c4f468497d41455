"""Pages of the purchases part (being built)."""

urlpatterns = []
