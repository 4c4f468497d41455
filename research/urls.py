app_name = "research"

urlpatterns = []
