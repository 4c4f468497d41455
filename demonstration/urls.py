app_name = "demonstration"

urlpatterns = []
