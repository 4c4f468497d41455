from . import collaborations, matchmaking, members, standards

urlpatterns = members.urlpatterns + collaborations.urlpatterns + standards.urlpatterns + matchmaking.urlpatterns
