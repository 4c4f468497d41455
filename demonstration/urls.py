from .views import urlpatterns as page_urlpatterns

app_name = "demonstration"

urlpatterns = page_urlpatterns
