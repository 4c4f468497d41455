from . import collaborations, members, standards

urlpatterns = members.urlpatterns + collaborations.urlpatterns + standards.urlpatterns
