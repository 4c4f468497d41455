from .views import collaborations, public, standards

app_name = "alliance"

urlpatterns = public.urlpatterns + collaborations.urlpatterns + standards.urlpatterns
