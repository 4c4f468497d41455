"""Pages of the imports part (being built)."""

urlpatterns = []
