"""API of matchmaking: /api/v1/sourcing-requests/ (filters as the HTML list: alliance.filtersets), the ranked
suppliers of a request (/matches/, for its anchor firm and officials), its offers (/offers/: all for the anchor firm,
its own for a supplier; a supplier creates one there), and the anchor firm's decisions on an offer.

Who sees what is alliance.permissions; every write goes through alliance.matchmaking. A request or offer the caller
may not see is a 404, whoever's it is.
"""

import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from registry.api.views import FilterBackend
from registry.bounds import validate_amount_bound, validate_quantity_bound
from registry.figures import FIGURES
from registry.models import Category, Certificate, Product

from .. import selectors
from ..filtersets import SourcingRequestFilterSet
from ..matchmaking import (
    offer_accept,
    offer_decline,
    offer_shortlist,
    offer_submit,
    sourcing_request_create,
    sourcing_request_withdraw,
)
from ..models import Offer, SourcingRequest, SourcingRequirement
from ..permissions import can_see_matches, can_view_offer, owns_sourcing_request, visible_sourcing_requests
from .collaborations import NoNulSlugRelatedField, ReasonSerializer


def _raise_for(error):
    if isinstance(error, DjangoPermissionDenied):
        raise PermissionDenied(str(error))
    if hasattr(error, "error_dict"):
        raise ValidationError(error.message_dict)
    raise ValidationError({"non_field_errors": error.messages})


class RequirementSerializer(serializers.ModelSerializer):
    """A figure threshold, in the unit registry.figures gives the figure."""

    figure = serializers.ChoiceField(choices=[(k, f.label) for k, f in FIGURES.items()])
    bound = serializers.ChoiceField(choices=SourcingRequirement.Bound.choices)
    value = serializers.FloatField()
    unit = serializers.SerializerMethodField()

    class Meta:
        model = SourcingRequirement
        fields = ("figure", "bound", "value", "unit")

    def get_unit(self, requirement) -> str:
        return str(FIGURES[requirement.figure].unit)

    def validate_value(self, value):
        if not math.isfinite(value):
            raise serializers.ValidationError(_("Enter a number."))
        return value


class SourcingRequestSerializer(serializers.ModelSerializer):
    """A sourcing request, with its status as of today (a live request past its deadline reads as expired)."""

    anchor = serializers.PrimaryKeyRelatedField(read_only=True)
    anchor_name = serializers.CharField(source="anchor.name", read_only=True)
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    status = serializers.SerializerMethodField(
        help_text=_("open, shortlisted, awarded, withdrawn or expired (as of today).")
    )
    requirements = RequirementSerializer(many=True, read_only=True)
    required_certificates = serializers.ListField(child=serializers.CharField(), read_only=True)
    quantity_unit = serializers.CharField(read_only=True)

    class Meta:
        model = SourcingRequest
        fields = ("id", "anchor", "anchor_name", "title", "description", "category", "quantity", "quantity_unit",
                  "requirements", "required_certificates", "local_only", "deadline", "visibility", "status",
                  "status_reason", "created_at")
        read_only_fields = fields

    def get_status(self, sourcing_request) -> str:
        return sourcing_request.current_status


class SourcingRequestInputSerializer(serializers.Serializer):
    """A new sourcing request: the category by slug, thresholds as {figure, bound, value}, certificate types."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    category = NoNulSlugRelatedField(slug_field="slug", queryset=Category.objects.all())
    quantity = serializers.DecimalField(
        max_digits=16, decimal_places=3, min_value=0, validators=[validate_quantity_bound]
    )
    # Plain strings checked here: enums would clash in the schema with the products' and certificates' enums.
    quantity_unit = serializers.CharField(max_length=10, help_text=_("t, GWh, MWh, units, sets or m2 (per year)."))
    requirements = RequirementSerializer(many=True, required=False)
    required_certificates = serializers.ListField(
        child=serializers.CharField(max_length=30), required=False, max_length=20,
        help_text=_("Certificate types, e.g. iso9001, iatf16949."),
    )
    local_only = serializers.BooleanField(required=False, default=False)
    deadline = serializers.DateField()
    visibility = serializers.ChoiceField(choices=SourcingRequest.Visibility.choices, required=False)

    def validate_quantity_unit(self, value):
        if value not in Product.CapacityUnit.values:
            raise serializers.ValidationError(_("Choose one of: %(units)s.")
                                              % {"units": ", ".join(Product.CapacityUnit.values)})
        return value

    def validate_required_certificates(self, value):
        unknown = [item for item in value if item not in Certificate.Type.values]
        if unknown:
            raise serializers.ValidationError(_("Unknown certificate type."))
        return value


class OfferSerializer(serializers.ModelSerializer):
    """An offer to a sourcing request."""

    supplier = serializers.PrimaryKeyRelatedField(read_only=True)
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)
    products = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    status = serializers.CharField(read_only=True, help_text=_("submitted, shortlisted, accepted or declined."))
    collaboration = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Offer
        fields = ("id", "request", "supplier", "supplier_name", "products", "note", "price_low", "price_high",
                  "lead_time_days", "status", "status_reason", "collaboration", "created_at")
        read_only_fields = fields


class OfferInputSerializer(serializers.Serializer):
    """A supplier's offer: its own products (ids) in the requested category, a price range per unit, lead time."""

    products = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
                                     min_length=1, max_length=50)
    price_low = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, validators=[validate_amount_bound]
    )
    price_high = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, validators=[validate_amount_bound]
    )
    lead_time_days = serializers.IntegerField(min_value=0, max_value=3650)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class MatchSerializer(serializers.Serializer):
    """A suggested supplier: rank, score out of 100 (and its parts), the best-fitting product, the reasons."""

    rank = serializers.IntegerField()
    company = serializers.IntegerField(source="company.pk")
    company_name = serializers.CharField(source="company.name")
    product = serializers.IntegerField(source="product.pk", allow_null=True, default=None)
    score = serializers.DecimalField(source="score.total", max_digits=5, decimal_places=1)
    score_figures = serializers.DecimalField(source="score.figures", max_digits=5, decimal_places=1)
    score_capacity = serializers.DecimalField(source="score.capacity", max_digits=5, decimal_places=1)
    score_certificates = serializers.DecimalField(source="score.certificates", max_digits=5, decimal_places=1)
    score_local = serializers.DecimalField(source="score.local", max_digits=5, decimal_places=1)
    score_collaboration = serializers.DecimalField(source="score.collaboration", max_digits=5, decimal_places=1)
    reasons = serializers.ListField(child=serializers.CharField())


@extend_schema_view(
    list=extend_schema(summary=_("List sourcing requests"), description=_(
        "Public requests for everyone; members-only requests for alliance members, the anchor firm and officials."
    )),
    retrieve=extend_schema(summary=_("A sourcing request")),
    create=extend_schema(summary=_("Post a sourcing request (a verified anchor firm's users)"),
                         request=SourcingRequestInputSerializer, responses={201: SourcingRequestSerializer}),
)
class SourcingRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                             viewsets.GenericViewSet):
    """Sourcing requests of anchor firms, the suppliers that fit, and the offers suppliers make."""

    serializer_class = SourcingRequestSerializer
    filter_backends = [FilterBackend]
    filterset_class = SourcingRequestFilterSet
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SourcingRequest.objects.none()
        return visible_sourcing_requests(
            self.request.user, SourcingRequest.objects.select_related("anchor", "category")
        ).prefetch_related("requirements").order_by("-created_at", "-pk")

    def create(self, request, *args, **kwargs):
        serializer = SourcingRequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        requirements = [(r["figure"], r["bound"], r["value"]) for r in data.pop("requirements", [])]
        certificates = data.pop("required_certificates", [])
        try:
            sourcing_request = sourcing_request_create(
                by=request.user, data=data, requirements=requirements, certificates=certificates
            )
        except (DjangoPermissionDenied, DjangoValidationError) as error:
            if hasattr(error, "error_dict"):
                # The service names thresholds min_<figure>/max_<figure>; here they arrive as "requirements".
                raise ValidationError({
                    ("requirements" if key.startswith(("min_", "max_")) else key): messages
                    for key, messages in error.message_dict.items()
                }) from None
            _raise_for(error)
        return Response(self.get_serializer(self.get_queryset().get(pk=sourcing_request.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Withdraw a sourcing request (its anchor firm)"), request=ReasonSerializer,
                   responses=SourcingRequestSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def withdraw(self, request, pk=None):
        sourcing_request = self.get_object()
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            sourcing_request_withdraw(by=request.user, sourcing_request=sourcing_request,
                                      reason=serializer.validated_data["reason"])
        except (DjangoPermissionDenied, DjangoValidationError) as error:
            _raise_for(error)
        return Response(self.get_serializer(self.get_queryset().get(pk=sourcing_request.pk)).data)

    @extend_schema(summary=_("The verified suppliers that fit, best first, with the reasons (the anchor firm)"),
                   request=None, responses=MatchSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def matches(self, request, pk=None):
        sourcing_request = self.get_object()
        if not can_see_matches(request.user, sourcing_request):
            raise NotFound
        matches = selectors.suggested_suppliers(sourcing_request)
        page = self.paginate_queryset(matches)
        return self.get_paginated_response(MatchSerializer(page, many=True).data)

    @extend_schema(methods=["GET"], summary=_("Offers to a request: all for its anchor firm, your own for a supplier"),
                   request=None, responses=OfferSerializer(many=True))
    @extend_schema(methods=["POST"], summary=_("Answer a request with an offer (a verified supplier's users)"),
                   request=OfferInputSerializer, responses={201: OfferSerializer})
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def offers(self, request, pk=None):
        sourcing_request = self.get_object()
        if request.method == "GET":
            offers = sourcing_request.offers.select_related("supplier").prefetch_related("products")
            if not (owns_sourcing_request(request.user, sourcing_request) or can_see_matches(request.user,
                                                                                            sourcing_request)):
                company_id = request.user.company_id if request.user.is_authenticated else None
                offers = offers.filter(supplier_id=company_id) if company_id else offers.none()
            page = self.paginate_queryset(offers.order_by("-created_at", "-pk"))
            return self.get_paginated_response(OfferSerializer(page, many=True).data)
        serializer = OfferInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        ids = data.pop("products")
        company_id = request.user.company_id if request.user.is_authenticated else None
        # Only the caller's own products are looked up: another company's id reads as "not yours", nothing more.
        products = list(Product.objects.filter(pk__in=ids, company_id=company_id)) if company_id else []
        try:
            if company_id and len(products) != len(set(ids)):
                raise DjangoValidationError({"products": [_("Choose your own products in the requested category.")]})
            offer = offer_submit(by=request.user, sourcing_request=sourcing_request, data=data, products=products)
        except (DjangoPermissionDenied, DjangoValidationError) as error:
            _raise_for(error)
        return Response(OfferSerializer(offer).data, status=status.HTTP_201_CREATED)

    def _offer(self, offer_pk):
        sourcing_request = self.get_object()
        offer = get_object_or_404(
            Offer.objects.select_related("supplier", "request__anchor", "request__category"),
            pk=offer_pk, request=sourcing_request,
        )
        if not can_view_offer(self.request.user, offer):
            raise NotFound
        return offer

    def _decide(self, service, offer_pk, **kwargs):
        offer = self._offer(offer_pk)
        try:
            offer = service(by=self.request.user, offer=offer, **kwargs)
        except (DjangoPermissionDenied, DjangoValidationError) as error:
            _raise_for(error)
        return Response(OfferSerializer(Offer.objects.get(pk=offer.pk)).data)

    @extend_schema(summary=_("Shortlist an offer (the anchor firm)"), request=None, responses=OfferSerializer)
    @action(detail=True, methods=["post"], url_path=r"offers/(?P<offer_pk>\d+)/shortlist", filter_backends=[])
    def shortlist(self, request, pk=None, offer_pk=None):
        return self._decide(offer_shortlist, offer_pk)

    @extend_schema(summary=_("Decline an offer, with a reason (the anchor firm)"), request=ReasonSerializer,
                   responses=OfferSerializer)
    @action(detail=True, methods=["post"], url_path=r"offers/(?P<offer_pk>\d+)/decline", filter_backends=[])
    def decline(self, request, pk=None, offer_pk=None):
        self._offer(offer_pk)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._decide(offer_decline, offer_pk, reason=serializer.validated_data["reason"])

    @extend_schema(summary=_("Accept an offer: it becomes a proposed supply agreement (the anchor firm)"),
                   request=None, responses=OfferSerializer)
    @action(detail=True, methods=["post"], url_path=r"offers/(?P<offer_pk>\d+)/accept", filter_backends=[])
    def accept(self, request, pk=None, offer_pk=None):
        return self._decide(offer_accept, offer_pk)


router = SimpleRouter()
router.register("sourcing-requests", SourcingRequestViewSet, basename="sourcing-request")

urlpatterns = router.urls
