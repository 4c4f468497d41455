"""API of subsidy applications: the open programmes, and the caller's company's applications (draft, submit).

Decisions are taken in the admin only; nothing here approves. Amounts are read-only: the server computes them.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from procurement import applications as workflow
from procurement.models import ApplicationEvent, SubsidyApplication, SubsidyProgramme


class ProgrammeSerializer(serializers.ModelSerializer):
    """One programme version open for applications."""

    eligible_category = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = SubsidyProgramme
        fields = ("id", "code", "version", "name", "kind", "rate", "fixed_amount", "period_start", "period_end",
                  "cap_per_applicant_year", "eligible_category", "active_from", "active_until")
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    """One status change."""

    class Meta:
        model = ApplicationEvent
        fields = ("from_status", "to_status", "at", "reason")
        extra_kwargs = {"from_status": {"help_text": _("The status before; empty when the draft was created.")}}
        read_only_fields = fields


class ApplicationSerializer(serializers.ModelSerializer):
    """An application of the caller's company; `purchases` are ids; amounts are the server's, never the caller's."""

    programme = serializers.PrimaryKeyRelatedField(queryset=SubsidyProgramme.objects.all())
    purchases = serializers.ListField(
        child=serializers.IntegerField(min_value=1), write_only=True, allow_empty=False,
        help_text=_("Ids of the purchases to claim."),
    )
    # A plain string: an enum here would clash in the schema with the company's "status" enum.
    status = serializers.CharField(
        read_only=True, help_text=_("draft, submitted, returned, approved, rejected or paid.")
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    claimed_purchases = serializers.SerializerMethodField()
    events = EventSerializer(many=True, read_only=True)

    class Meta:
        model = SubsidyApplication
        fields = ("id", "programme", "status", "status_display", "eligible_total", "amount", "status_reason",
                  "purchases", "claimed_purchases", "created_at", "submitted_at", "decided_at", "paid_on", "events")
        read_only_fields = ("status", "eligible_total", "amount", "status_reason", "created_at", "submitted_at",
                            "decided_at", "paid_on")

    def get_claimed_purchases(self, application) -> list[int]:
        return sorted(claim.purchase_id for claim in application.claims.all() if claim.live)


def _raise_for(error, field="purchases"):
    if isinstance(error, DjangoPermissionDenied):
        raise PermissionDenied(str(error))
    if hasattr(error, "error_dict"):
        raise ValidationError(error.message_dict)
    raise ValidationError({field: error.messages})


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    """Subsidy programme versions open for applications today."""

    serializer_class = ProgrammeSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return workflow.open_programmes().order_by("code", "-version")


class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         viewsets.GenericViewSet):
    """The caller's company's applications: list, read, create a draft, submit."""

    serializer_class = ApplicationSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        user = self.request.user
        if getattr(self, "swagger_fake_view", False) or not getattr(user, "company_id", None):
            return SubsidyApplication.objects.none()
        return (
            SubsidyApplication.objects.filter(applicant_id=user.company_id)
            .select_related("programme").prefetch_related("claims", "events").order_by("-created_at")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            application = workflow.application_create_draft(
                by=request.user, programme=serializer.validated_data["programme"],
                purchase_ids=serializer.validated_data["purchases"],
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
