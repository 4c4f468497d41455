app_name = "talent"

urlpatterns = []
