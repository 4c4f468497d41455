from .views import collaborations, matchmaking, public, standards

app_name = "alliance"

urlpatterns = public.urlpatterns + collaborations.urlpatterns + standards.urlpatterns + matchmaking.urlpatterns
