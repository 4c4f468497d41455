"""API of the talent plan: /api/v1/talent/years/ (the public yearly totals) and the records behind them,
/api/v1/talent/training-bases/, training-years/, specialists/ and scholarships/, which only the organisation
that entered them and officials see (talent.permissions): anonymous callers get 401, another organisation's
record is a 404.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from calculators.talent import scholarship_fund
from registry.api.views import FilterBackend
from registry.filtersets import MAX_ID, UnknownParameters, refuse_unknown_parameters

from .. import selectors
from ..filtersets import ScholarshipFilterSet, SpecialistFilterSet, TrainingBaseFilterSet, TrainingYearFilterSet
from ..models import FIRST_YEAR, LAST_YEAR, OverseasSpecialist, Scholarship, TrainingBase, TrainingYear
from ..permissions import visible_talent_records


class TalentYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    graduates = serializers.IntegerField(allow_null=True, help_text=gettext_lazy(
        "Graduates entering the field (N_grad); null when no training base gave figures for the year."))
    retained = serializers.IntegerField(allow_null=True)
    retention_percent = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True,
        help_text=gettext_lazy("p_retain × 100; null when no graduate was counted."),
    )
    influx = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True, help_text=gettext_lazy(
        "I_talent = N_grad × p_retain; null when no graduate was counted."))
    internships = serializers.IntegerField(allow_null=True)
    placements = serializers.IntegerField(allow_null=True)
    specialists = serializers.IntegerField(help_text=gettext_lazy("Overseas specialists recruited that year."))
    scholarships = serializers.IntegerField()
    recipients = serializers.IntegerField()
    fund = serializers.DecimalField(max_digits=18, decimal_places=2, help_text=gettext_lazy(
        "Σ F = n × A_scholar over the year's scholarships, CNY."))

    def to_representation(self, row):
        data = super().to_representation(row)
        if not row.has_training_data:
            for name in ("graduates", "retained", "internships", "placements"):
                data[name] = None
        return data


YEAR_PARAMETERS = ("from", "to")


class TalentYearsView(APIView):
    """The talent plan's totals by year, for everyone (counts only; no person is named)."""

    permission_classes = [permissions.AllowAny]

    def _year(self, name):
        raw = self.request.query_params.get(name, "")
        if raw == "":
            return None
        if not (raw.isascii() and raw.isdigit() and FIRST_YEAR <= int(raw) <= LAST_YEAR):
            raise ValidationError({name: [_("Enter a year from %(first)d to %(last)d.") % {
                "first": FIRST_YEAR, "last": LAST_YEAR}]})
        return int(raw)

    @extend_schema(
        summary=gettext_lazy("The talent plan's totals by year"),
        parameters=[OpenApiParameter(name, int, description=gettext_lazy("First or last year (2000–2100)."))
                    for name in YEAR_PARAMETERS],
        responses=TalentYearSerializer(many=True),
    )
    def get(self, request):
        try:
            refuse_unknown_parameters(request.query_params, allowed=YEAR_PARAMETERS)
        except UnknownParameters as error:
            raise ValidationError({name: [_("Unknown query parameter.")] for name in error.names}) from None
        first, last = self._year("from"), self._year("to")
        if first is not None and last is not None and first > last:
            raise ValidationError({"to": [_("The last year comes after the first.")]})
        rows = selectors.talent_years()
        rows = [row for row in rows if (first is None or row.year >= first) and (last is None or row.year <= last)]
        return Response(TalentYearSerializer(rows, many=True).data)


class TrainingYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrainingYear
        fields = ("id", "base", "year", "internships", "placements", "graduates", "retained")


class TrainingBaseSerializer(serializers.ModelSerializer):
    years = TrainingYearSerializer(many=True, read_only=True)

    class Meta:
        model = TrainingBase
        fields = ("id", "name", "organisation", "institution", "companies", "established_year", "years")


class SpecialistSerializer(serializers.ModelSerializer):
    other_benefits = serializers.JSONField(help_text=gettext_lazy('[{"label": "...", "amount": "60000.00"}]'))

    class Meta:
        model = OverseasSpecialist
        fields = ("id", "company", "reference", "year", "field", "base_salary", "housing", "other_benefits",
                  "total_compensation")


class RecipientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    degree = serializers.CharField()
    field = serializers.CharField()


class ScholarshipSerializer(serializers.ModelSerializer):
    recipients = RecipientSerializer(many=True, read_only=True)
    recipient_count = serializers.SerializerMethodField(help_text=gettext_lazy("n"))
    fund = serializers.SerializerMethodField(help_text=gettext_lazy("F = n × A_scholar, CNY."))

    class Meta:
        model = Scholarship
        fields = ("id", "company", "name", "institution", "year", "award", "recipient_count", "fund", "recipients")

    def get_recipient_count(self, scholarship) -> int:
        return len(scholarship.recipients.all())

    def get_fund(self, scholarship) -> str:
        return str(scholarship_fund(len(scholarship.recipients.all()), scholarship.award))


class _TalentRecordViewSet(viewsets.ReadOnlyModelViewSet):
    """The rule of talent.permissions over a read-only list and record."""

    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [FilterBackend]
    model = None

    def base_queryset(self):
        return self.model.objects.all()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return visible_talent_records(self.request.user, self.base_queryset())

    def get_object(self):
        raw = str(self.kwargs.get("pk", ""))
        if not raw.isdigit() or int(raw) > MAX_ID:
            raise NotFound
        return super().get_object()


PRIVATE = gettext_lazy("Only your organisation's records; officials see every organisation's. Anonymous: 401.")


@extend_schema_view(list=extend_schema(summary=gettext_lazy("Training bases"), description=PRIVATE),
                    retrieve=extend_schema(summary=gettext_lazy("A training base")))
class TrainingBaseViewSet(_TalentRecordViewSet):
    model = TrainingBase
    serializer_class = TrainingBaseSerializer
    filterset_class = TrainingBaseFilterSet

    def base_queryset(self):
        return TrainingBase.objects.prefetch_related("companies", "years").order_by("name", "pk")


@extend_schema_view(list=extend_schema(summary=gettext_lazy("Training bases' yearly figures"), description=PRIVATE),
                    retrieve=extend_schema(summary=gettext_lazy("A training base's figures for a year")))
class TrainingYearViewSet(_TalentRecordViewSet):
    model = TrainingYear
    serializer_class = TrainingYearSerializer
    filterset_class = TrainingYearFilterSet

    def base_queryset(self):
        return TrainingYear.objects.order_by("-year", "base_id", "pk")


@extend_schema_view(list=extend_schema(summary=gettext_lazy("Overseas specialists"), description=PRIVATE),
                    retrieve=extend_schema(summary=gettext_lazy("An overseas specialist")))
class SpecialistViewSet(_TalentRecordViewSet):
    model = OverseasSpecialist
    serializer_class = SpecialistSerializer
    filterset_class = SpecialistFilterSet

    def base_queryset(self):
        return OverseasSpecialist.objects.order_by("-year", "pk")


@extend_schema_view(list=extend_schema(summary=gettext_lazy("Scholarships"), description=PRIVATE),
                    retrieve=extend_schema(summary=gettext_lazy("A scholarship with its recipients")))
class ScholarshipViewSet(_TalentRecordViewSet):
    model = Scholarship
    serializer_class = ScholarshipSerializer
    filterset_class = ScholarshipFilterSet

    def base_queryset(self):
        return Scholarship.objects.prefetch_related("recipients").order_by("-year", "name", "pk")
