"""API of applications under every programme: the open programmes, and the caller's company's applications
(create a draft with the basis its programme's kind asks for, submit).

Decisions are taken in the admin only; nothing here approves. Amounts are read-only: the server computes them
from the stored basis and the programme's parameters.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from procurement import applications as workflow
from procurement import programme_kinds
from procurement.models import ApplicationEvent, SubsidyApplication, SubsidyProgramme
from registry.api.views import FilterBackend


class ProgrammeSerializer(serializers.ModelSerializer):
    """One programme version open for applications."""

    eligible_category = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = SubsidyProgramme
        fields = ("id", "code", "version", "name", "kind", "rate", "lead_reward", "participant_reward", "quota_factor",
                  "period_start", "period_end", "cap_per_applicant_year", "cap_per_application", "eligible_category",
                  "active_from", "active_until")
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    """One status change."""

    class Meta:
        model = ApplicationEvent
        fields = ("from_status", "to_status", "at", "reason")
        extra_kwargs = {"from_status": {"help_text": _("The status before; empty when the draft was created.")}}
        read_only_fields = fields


class ApplicationSerializer(serializers.ModelSerializer):
    """An application of the caller's company; amounts are the server's, never the caller's.

    `basis` is what the application rests on, in the shape its programme's kind gives it: `purchases` (local
    procurement subsidy), `participation` (standards reward), `major_project` (R&D matching fund) or
    `energy_quota` (energy quota uplift). A quota is granted in `quota_unit` and never as money.
    """

    programme = serializers.PrimaryKeyRelatedField(queryset=SubsidyProgramme.objects.all())
    kind = serializers.CharField(source="programme.kind", read_only=True)
    # A plain string: an enum here would clash in the schema with the company's "status" enum.
    status = serializers.CharField(
        read_only=True, help_text=_("draft, submitted, returned, approved, rejected or paid.")
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    basis = serializers.SerializerMethodField()
    claimed_purchases = serializers.SerializerMethodField()
    events = EventSerializer(many=True, read_only=True)

    class Meta:
        model = SubsidyApplication
        fields = ("id", "programme", "kind", "status", "status_display", "eligible_total", "amount", "quota_granted",
                  "quota_unit", "status_reason", "basis", "claimed_purchases", "created_at", "submitted_at",
                  "decided_at", "paid_on", "events")
        read_only_fields = ("status", "eligible_total", "amount", "quota_granted", "quota_unit", "status_reason",
                            "created_at", "submitted_at", "decided_at", "paid_on")

    def get_basis(self, application) -> dict:
        return programme_kinds.kind_of(application.programme).api_basis(application)

    def get_claimed_purchases(self, application) -> list[int]:
        return sorted(claim.purchase_id for claim in application.claims.all() if claim.live)


class ProgrammeChoiceSerializer(serializers.Serializer):
    programme = serializers.PrimaryKeyRelatedField(
        queryset=SubsidyProgramme.objects.all(), help_text=_("Id of an open programme version.")
    )


def create_request_schema():
    """The create request for each registered kind: the programme and that kind's basis."""
    variants = [
        type(f"{type(kind).__name__.removesuffix('Kind')}ApplicationCreate",
             (ProgrammeChoiceSerializer, kind.serializer_class), {})
        for kind in programme_kinds.all_kinds() if kind.serializer_class is not None
    ]
    return PolymorphicProxySerializer(
        component_name="ApplicationCreate", serializers=variants, resource_type_field_name=None
    )


def _raise_for(error, field="non_field_errors"):
    if isinstance(error, DjangoPermissionDenied):
        raise PermissionDenied(str(error))
    if hasattr(error, "error_dict"):
        raise ValidationError(error.message_dict)
    raise ValidationError({field: error.messages})


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    """Subsidy programme versions open for applications today."""

    serializer_class = ProgrammeSerializer
    permission_classes = [permissions.AllowAny]
    filter_backends = [FilterBackend]  # no filters: only refuses unknown parameters

    def get_queryset(self):
        return workflow.open_programmes().order_by("code", "-version")


class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         viewsets.GenericViewSet):
    """The caller's company's applications: list, read, create a draft, submit."""

    serializer_class = ApplicationSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [FilterBackend]  # no filters: only refuses unknown parameters

    def get_queryset(self):
        user = self.request.user
        if getattr(self, "swagger_fake_view", False) or not getattr(user, "company_id", None):
            return SubsidyApplication.objects.none()
        return (
            SubsidyApplication.objects.filter(applicant_id=user.company_id)
            .select_related("programme").prefetch_related("claims", "events").order_by("-created_at")
        )

    @extend_schema(request=create_request_schema(), responses={201: ApplicationSerializer})
    def create(self, request, *args, **kwargs):
        """A draft under the programme, resting on the basis its kind asks for (see the request variants)."""
        choice = ProgrammeChoiceSerializer(data=request.data)
        choice.is_valid(raise_exception=True)
        programme = choice.validated_data["programme"]
        allowed, reason = workflow.can_apply(request.user, programme)
        if not allowed:
            raise PermissionDenied(reason)
        basis = programme_kinds.kind_of(programme).serializer_class(data=request.data, context={"request": request})
        basis.is_valid(raise_exception=True)
        try:
            application = workflow.application_create_draft(
                by=request.user, programme=programme, basis=basis.validated_data
            )
        except (DjangoPermissionDenied, DjangoValidationError) as error:
            _raise_for(error)
        return Response(self.get_serializer(self.get_queryset().get(pk=application.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit a draft or returned application; the amount is recomputed on the server."""
        application = self.get_object()
        try:
            workflow.application_submit(by=request.user, application=application)
        except (DjangoPermissionDenied, DjangoValidationError) as error:
            _raise_for(error, field="non_field_errors")
        return Response(self.get_serializer(self.get_queryset().get(pk=application.pk)).data)


router = SimpleRouter()
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("applications", ApplicationViewSet, basename="application")

urlpatterns = router.urls
