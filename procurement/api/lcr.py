"""API of the local content ratio: figures for any slice, the yearly trend against the target, the per-anchor table.

City-wide figures are public indicators; one buyer's figures and the per-anchor table are for that buyer's
users and officials (procurement.permissions.can_view_buyer_figures). The numbers come from
procurement.selectors, the formula from calculators.local_content.
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from procurement.permissions import can_view_buyer_figures
from procurement.selectors import LcrSlice, lcr_by, lcr_figures, lcr_trend
from registry.identifiers import normalise_uscc, record_id
from registry.models import Category, Company, District
from registry.permissions import is_official


@extend_schema_field(OpenApiTypes.STR)
class BuyerField(serializers.Field):
    """A company given by its id or its USCC."""

    default_error_messages = {"unknown": _("No company with this id or USCC.")}

    def to_internal_value(self, data):
        value = str(data).strip()
        company = None
        if value.isdigit() and len(value) < 18:
            pk = record_id(value)
            company = Company.objects.filter(pk=pk).first() if pk else None
        else:
            company = Company.objects.filter(uscc=normalise_uscc(value)).first()
        if company is None:
            self.fail("unknown")
        return company

    def to_representation(self, value):
        return value.uscc


class LcrQuerySerializer(serializers.Serializer):
    """The slice a figure covers; every parameter optional (none: the whole city, all years)."""

    buyer = BuyerField(required=False, help_text=_("The buying company's id or USCC (its users and officials only)."))
    year = serializers.IntegerField(required=False, min_value=1900, max_value=9999, help_text=_("Calendar year."))
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.all(), required=False,
        help_text=_("A category code (the slug listed at GET /api/v1/categories/); includes every category below it."),
    )
    district = serializers.SlugRelatedField(
        slug_field="code", queryset=District.objects.all(), required=False,
        help_text=_("Six-digit division code of the buying firm's district."),
    )
    size = serializers.ChoiceField(
        choices=Company.SizeClass.choices, required=False, help_text=_("The supplier's size class.")
    )


class TrendQuerySerializer(serializers.Serializer):
    """Whose trend: one buyer's, or the city's when no buyer is given."""

    buyer = BuyerField(required=False, help_text=_("The buying company's id or USCC (its users and officials only)."))


class YearQuerySerializer(serializers.Serializer):
    """The year of the per-anchor table (all years when absent)."""

    year = serializers.IntegerField(required=False, min_value=1900, max_value=9999, help_text=_("Calendar year."))


def _money():
    return serializers.DecimalField(max_digits=18, decimal_places=2)


def _percent():
    return serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


class LcrFiguresSerializer(serializers.Serializer):
    """Sums of a slice and its LCR; lcr_percent is null (with a message) when the slice has no purchases."""

    local_amount = _money()
    total_amount = _money()
    lcr_percent = _percent()
    purchase_count = serializers.IntegerField()
    message = serializers.CharField(required=False, help_text=_("Why there is no ratio, when there is none."))

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not instance.get("message"):
            data.pop("message", None)
        return data


class TrendPointSerializer(serializers.Serializer):
    """One year of the series beside the city's target for that year."""

    year = serializers.IntegerField()
    local_amount = _money()
    total_amount = _money()
    purchase_count = serializers.IntegerField()
    lcr_percent = _percent()
    target_percent = _percent()


class TrendSerializer(serializers.Serializer):
    """The yearly series from the first purchase year (or the baseline, if earlier) to the current year."""

    baseline_year = serializers.IntegerField()
    series = TrendPointSerializer(many=True)


class AnchorRowSerializer(serializers.Serializer):
    """One anchor firm's figures."""

    id = serializers.IntegerField(source="key")
    uscc = serializers.CharField()
    name = serializers.CharField(source="label")
    local_amount = _money()
    total_amount = _money()
    purchase_count = serializers.IntegerField()
    lcr_percent = _percent()

    def to_representation(self, row):
        # A table has a row per anchor firm (hundreds at city scale, thousands nationally): the fields' own
        # formatting, without the generic per-field lookups that took a third of the answer's time.
        money, percent = self.fields["local_amount"], self.fields["lcr_percent"]
        ratio = row["lcr_percent"]
        return {
            "id": row["key"], "uscc": row["uscc"], "name": row["label"],
            "local_amount": money.to_representation(row["local_amount"]),
            "total_amount": money.to_representation(row["total_amount"]),
            "purchase_count": row["purchase_count"],
            "lcr_percent": None if ratio is None else percent.to_representation(ratio),
        }


class AnchorTableSerializer(serializers.Serializer):
    """The anchor firms with purchases in the year, highest LCR first."""

    year = serializers.IntegerField(allow_null=True)
    results = AnchorRowSerializer(many=True)


def _query(serializer_class, request):
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


class _LcrView(APIView):
    permission_classes = [permissions.AllowAny]

    def check_buyer(self, request, buyer):
        if buyer is not None and not can_view_buyer_figures(request.user, buyer):
            # Anonymous callers get 401 (log in), logged-in strangers 403.
            self.permission_denied(request, message=_("Only the buyer's own users and officials see its figures."))


class LcrView(_LcrView):
    """The LCR of any slice: buyer, year, category (with its children), district (of the buyer), supplier size."""

    @extend_schema(parameters=[LcrQuerySerializer], responses=LcrFiguresSerializer, operation_id="lcr_retrieve")
    def get(self, request):
        params = _query(LcrQuerySerializer, request)
        self.check_buyer(request, params.get("buyer"))
        figures = lcr_figures(LcrSlice(
            buyer=params.get("buyer"), year=params.get("year"), category=params.get("category"),
            district=params.get("district"), size_class=params.get("size"),
        ))
        return Response(LcrFiguresSerializer(figures).data)


class LcrTrendView(_LcrView):
    """The yearly LCR (of the city, or of one buyer) beside the city's target path."""

    @extend_schema(parameters=[TrendQuerySerializer], responses=TrendSerializer, operation_id="lcr_trend")
    def get(self, request):
        buyer = _query(TrendQuerySerializer, request).get("buyer")
        self.check_buyer(request, buyer)
        return Response(TrendSerializer(lcr_trend(buyer)).data)


class LcrByBuyerView(_LcrView):
    """The per-anchor table: each anchor firm's figures for a year (officials only)."""

    # 403 for everyone but officials (config/schema.py documents the answer's body).
    @extend_schema(parameters=[YearQuerySerializer], responses={200: AnchorTableSerializer, 403: None},
                   operation_id="lcr_by_buyer")
    def get(self, request):
        if not is_official(request.user):
            self.permission_denied(request, message=_("Only officials see the per-anchor table."))
        year = _query(YearQuerySerializer, request).get("year")
        rows = lcr_by("buyer", LcrSlice(year=year))
        return Response(AnchorTableSerializer({"year": year, "results": rows}).data)


urlpatterns = [
    path("lcr/", LcrView.as_view(), name="api_lcr"),
    path("lcr/trend/", LcrTrendView.as_view(), name="api_lcr_trend"),
    path("lcr/by-buyer/", LcrByBuyerView.as_view(), name="api_lcr_by_buyer"),
]
