"""API of alliance members: /api/v1/alliance/members/ (filters: q, tier, status, organisation_type, category,
district), the same MembershipFilterSet as the HTML list of members."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.reverse import reverse
from rest_framework.routers import SimpleRouter

from registry.api.views import FilterBackend
from registry.models import Company

from ..filtersets import MembershipFilterSet
from ..models import Membership


class MemberOrganisationSerializer(serializers.ModelSerializer):
    """The member organisation: who it is; `url` leads to its directory record while it is published."""

    district = serializers.SlugRelatedField(slug_field="code", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Company
        fields = ("id", "name", "name_en", "organisation_type", "district", "url")
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, company) -> str | None:
        if not company.is_published:
            return None
        return reverse("api:company-detail", args=[company.pk], request=self.context.get("request"))


class MembershipSerializer(serializers.ModelSerializer):
    """One membership of the alliance: the organisation, its tier, and when it joined (and left)."""

    organisation = MemberOrganisationSerializer(read_only=True)
    tier = serializers.CharField(read_only=True, help_text=_("council or member."))
    status = serializers.CharField(read_only=True, help_text=_("active or ended."))

    class Meta:
        model = Membership
        fields = ("id", "organisation", "tier", "status", "joined_on", "left_on")
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary=_("List alliance members"), description=_(
        "Every membership, current and past (filter status=active for the current members), council first."
    )),
    retrieve=extend_schema(summary=_("An alliance membership")),
)
class MembershipViewSet(viewsets.ReadOnlyModelViewSet):
    """The alliance's memberships, public; officials admit and end them in the admin."""

    serializer_class = MembershipSerializer
    filter_backends = [FilterBackend]
    filterset_class = MembershipFilterSet
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return Membership.objects.select_related("organisation", "organisation__district").order_by(
            "tier", "organisation__name", "pk"
        )


router = SimpleRouter()
router.register("alliance/members", MembershipViewSet, basename="alliance-member")

urlpatterns = router.urls
