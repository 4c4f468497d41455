from .views import urlpatterns as page_urlpatterns

app_name = "research"

urlpatterns = page_urlpatterns
