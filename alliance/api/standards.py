"""API of standards: /api/v1/standards/ (filters: q, body, level, status, the same StandardFilterSet as the HTML
list) and /api/v1/standards/{id}/participations/ (verified ones for the public; a company's users also see its
own pending and rejected ones; officials all). Participations are recorded on /my/ and decided in the admin."""

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.reverse import reverse
from rest_framework.routers import SimpleRouter

from registry.api.views import FilterBackend
from registry.filtersets import MAX_ID
from registry.permissions import is_company_member, is_official

from .. import standards as service
from ..filtersets import StandardFilterSet
from ..models import Standard, StandardParticipation
from ..permissions import can_view_participation_evidence


class StandardSerializer(serializers.ModelSerializer):
    """A standard, with how many companies lead it and take part in it (verified participations only)."""

    body = serializers.CharField(read_only=True, help_text=_("ISO, IEC, ITU, national, industry or group."))
    level = serializers.CharField(read_only=True, help_text=_("international, national, industry or group."))
    status = serializers.CharField(read_only=True, help_text=_("proposed, in_development or published."))
    is_international = serializers.BooleanField(read_only=True)
    lead_count = serializers.IntegerField(read_only=True, help_text=_("Companies leading it (verified)."))
    participant_count = serializers.IntegerField(read_only=True, help_text=_("Companies taking part (verified)."))

    class Meta:
        model = Standard
        fields = ("id", "code", "title", "title_zh", "body", "level", "status", "is_international", "proposed_on",
                  "published_on", "lead_count", "participant_count")
        read_only_fields = fields


class ParticipationCompanySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class ParticipationSerializer(serializers.ModelSerializer):
    """A company's part in a standard. The note, the official's reason and the evidence only reach the company's
    own users and officials; for everyone else they are null."""

    company = ParticipationCompanySerializer(read_only=True)
    role = serializers.CharField(read_only=True, help_text=_("lead or participant."))
    status = serializers.CharField(read_only=True, help_text=_("pending, verified or rejected."))
    note = serializers.SerializerMethodField()
    status_reason = serializers.SerializerMethodField()
    evidence_url = serializers.SerializerMethodField()

    class Meta:
        model = StandardParticipation
        fields = ("id", "company", "standard", "role", "status", "status_reason", "note", "verified_at",
                  "created_at", "evidence_url")
        read_only_fields = fields

    def _private(self, participation) -> bool:
        user = self.context["request"].user
        return is_company_member(user, participation.company) or is_official(user)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_note(self, participation) -> str | None:
        return participation.note if self._private(participation) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_status_reason(self, participation) -> str | None:
        return participation.status_reason if self._private(participation) else None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_evidence_url(self, participation) -> str | None:
        request = self.context["request"]
        if not participation.evidence or not can_view_participation_evidence(request.user, participation):
            return None
        return reverse("alliance:participation_evidence", args=[participation.pk], request=request)


@extend_schema_view(
    list=extend_schema(summary=_("List standards")),
    retrieve=extend_schema(summary=_("A standard")),
)
class StandardViewSet(viewsets.ReadOnlyModelViewSet):
    """The standards the alliance's members lead or take part in; officials add and edit them in the admin."""

    serializer_class = StandardSerializer
    filter_backends = [FilterBackend]
    filterset_class = StandardFilterSet
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return service.standards_with_counts().order_by("code", "pk")

    def get_object(self):
        # An id beyond the database's integer range names no standard: a 404, not a driver's overflow.
        raw = str(self.kwargs.get("pk", ""))
        if not raw.isdigit() or int(raw) > MAX_ID:
            raise NotFound
        return super().get_object()


@extend_schema_view(list=extend_schema(
    summary=_("Participations in a standard"),
    description=_("Verified participations for everyone; a company's users also see their own company's pending "
                  "and rejected ones; officials see all."),
))
class ParticipationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Who leads or takes part in one standard, as far as the caller may see."""

    serializer_class = ParticipationSerializer
    permission_classes = [permissions.AllowAny]
    filter_backends = [FilterBackend]  # no filters: only refuses unknown parameters

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return StandardParticipation.objects.none()
        standard_id = self.kwargs["standard_id"]
        if standard_id > MAX_ID:
            raise NotFound
        standard = get_object_or_404(Standard, pk=standard_id)
        return service.participations_for(self.request.user, standard)


router = SimpleRouter()
router.register("standards", StandardViewSet, basename="standard")

urlpatterns = [
    path("standards/<int:standard_id>/participations/", ParticipationViewSet.as_view({"get": "list"}),
         name="standard-participations"),
    *router.urls,
]
