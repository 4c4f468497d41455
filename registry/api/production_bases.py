"""API of a company's production bases and industrial land requests (registry.production_bases).

/api/v1/production-bases/ (filters stage, solid_state) and /api/v1/land-requests/ (filters status, base,
solid_state; always in the officials' priority order). A company's users see and write their own; officials
see all (they decide requests in the admin); anonymous callers nothing (401).
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError

from registry import production_bases as service
from registry.bounds import MAX_QUANTITY
from registry.filtersets import MAX_ID, LandRequestFilterSet, ProductionBaseFilterSet
from registry.identifiers import record_id
from registry.models import District, LandRequest, Product, ProductionBase
from registry.views.production_bases import MAX_AREA_M2

from .fields import DecimalText
from .views import FilterBackend


class RecordIdField(serializers.PrimaryKeyRelatedField):
    """A related record by id; an id that is not a whole number within the database's range is an error naming
    the field, never a driver's overflow."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or record_id(data) is None:
            self.fail("does_not_exist", pk_value=str(data)[:40])
        return super().to_internal_value(record_id(data))


class ProductionBaseSerializer(serializers.ModelSerializer):
    district = RecordIdField(queryset=District.objects.all(), allow_null=True, required=False)
    capacity = DecimalText(max_digits=14, decimal_places=2, min_value=0, max_value=MAX_QUANTITY)
    capacity_unit = serializers.ChoiceField(choices=Product.CapacityUnit.choices)
    stage = serializers.ChoiceField(choices=ProductionBase.Stage.choices, required=False)

    class Meta:
        model = ProductionBase
        fields = ("id", "company", "name", "address", "district", "capacity", "capacity_unit", "stage",
                  "is_solid_state", "created_at", "updated_at")
        read_only_fields = ("id", "company", "created_at", "updated_at")


class LandRequestSerializer(serializers.ModelSerializer):
    base = RecordIdField(
        queryset=ProductionBase.objects.none(),
        error_messages={"does_not_exist": gettext_lazy("Choose one of your company's production bases.")},
        help_text=gettext_lazy("The id of one of your company's production bases."),
    )
    area_m2 = DecimalText(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01"), max_value=MAX_AREA_M2
    )
    purpose = serializers.CharField(max_length=4000)
    status = serializers.CharField(read_only=True, help_text=gettext_lazy(
        "submitted, under_review, granted or declined."))
    solid_state = serializers.BooleanField(source="base.is_solid_state", read_only=True)

    class Meta:
        model = LandRequest
        fields = ("id", "base", "solid_state", "area_m2", "purpose", "requested_on", "status", "decision_reason",
                  "decided_at", "created_at")
        read_only_fields = ("id", "requested_on", "status", "decision_reason", "decided_at", "created_at")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        # Only the caller's own company's bases are accepted: another company's id is "does not exist" here.
        if user is not None and user.is_authenticated and user.company_id:
            self.fields["base"].queryset = ProductionBase.objects.filter(company_id=user.company_id)


def _raise_as_api_error(error: DjangoValidationError):
    if hasattr(error, "error_dict"):
        raise ValidationError(error.message_dict)
    raise ValidationError({"detail": error.messages})


class _OwnRecordsMixin:
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [FilterBackend]

    def get_object(self):
        raw = str(self.kwargs.get("pk", ""))
        if not raw.isdigit() or int(raw) > MAX_ID:
            raise NotFound
        return super().get_object()

    def _company(self):
        company = self.request.user.company
        if company is None:
            raise PermissionDenied(_("Only a company's own users record its production bases."))
        return company


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List production bases"), description=gettext_lazy(
        "Your company's production bases; officials see every company's.")),
    retrieve=extend_schema(summary=gettext_lazy("A production base")),
    create=extend_schema(summary=gettext_lazy("Record a production base of your company")),
    partial_update=extend_schema(summary=gettext_lazy("Change a production base of your company")),
)
class ProductionBaseViewSet(_OwnRecordsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = ProductionBaseSerializer
    filterset_class = ProductionBaseFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return service.visible_bases(self.request.user).order_by("company__name", "name", "pk")

    def perform_create(self, serializer):
        try:
            serializer.instance = service.production_base_save(
                by=self.request.user, company=self._company(), data=serializer.validated_data)
        except DjangoValidationError as error:
            _raise_as_api_error(error)

    def perform_update(self, serializer):
        base = serializer.instance
        try:
            serializer.instance = service.production_base_save(
                by=self.request.user, company=self._company(), data=serializer.validated_data, base=base)
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from None
        except DjangoValidationError as error:
            _raise_as_api_error(error)


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List industrial land requests"), description=gettext_lazy(
        "In priority order: solid-state battery production bases first, then the larger base (capacity in GWh a "
        "year), then the older request. Your company's requests; officials see all.")),
    retrieve=extend_schema(summary=gettext_lazy("An industrial land request")),
    create=extend_schema(summary=gettext_lazy("Request industrial land for one of your company's bases")),
)
class LandRequestViewSet(_OwnRecordsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = LandRequestSerializer
    filterset_class = LandRequestFilterSet

    def get_queryset(self):
        return service.in_priority_order(service.visible_land_requests(self.request.user))

    def perform_create(self, serializer):
        self._company()
        data = serializer.validated_data
        try:
            serializer.instance = service.land_request_submit(
                by=self.request.user, base=data["base"], area_m2=data["area_m2"], purpose=data["purpose"])
        except DjangoValidationError as error:
            _raise_as_api_error(error)
