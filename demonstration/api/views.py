"""API of demonstration projects: /api/v1/demonstration/projects/ (filters: q, scenario, status, supplier, local —
the same DemonstrationProjectFilterSet as /demonstration/), each with its latest values against the targets, its
LCOS (storage) or flight time (drones); /api/v1/demonstration/projects/{id}/measurements/ lists every measurement,
and the operating company's users POST a day's measurements to it (the same service as the form on /my/).
Officials edit projects in the admin."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from registry.api.fields import NumberText
from registry.api.serializers import service_errors
from registry.api.views import FilterBackend
from registry.filtersets import MAX_ID

from .. import selectors, services
from ..filtersets import DemonstrationProjectFilterSet
from ..models import DemonstrationProject, Measurement
from ..scenarios import SCENARIO_FIGURES


class SupplierSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    local = serializers.BooleanField(source="is_local", read_only=True,
                                     help_text=_("Locality as confirmed by officials in the registry."))


class MeasurementSerializer(serializers.ModelSerializer):
    """One measured figure, in the unit `unit` names, and whether it meets the scenario's target."""

    figure = serializers.CharField(read_only=True, help_text=_("A figure of the registry's figure definitions."))
    unit = serializers.SerializerMethodField()
    meets_target = serializers.SerializerMethodField()

    class Meta:
        model = Measurement
        fields = ("id", "measured_on", "figure", "value", "unit", "meets_target", "note")
        read_only_fields = fields

    def get_unit(self, measurement) -> str:
        return str(measurement.definition.unit)

    @extend_schema_field(serializers.BooleanField())
    def get_meets_target(self, measurement) -> bool:
        from ..scenarios import target_for

        return target_for(measurement.project.scenario, measurement.figure).met_by(measurement.value)


class ProjectSerializer(serializers.ModelSerializer):
    """A demonstration project; `targets` holds each figure's latest value and status (met, not_met, no_data)."""

    # Plain strings (documented here) rather than enums: other apps' "status" choices would collide in the schema.
    scenario = serializers.CharField(read_only=True, help_text=_("grid_storage, drone or robot."))
    status = serializers.CharField(read_only=True,
                                   help_text=_("planned, under_construction, in_operation or ended."))
    operator = serializers.SerializerMethodField()
    suppliers = SupplierSerializer(many=True, read_only=True)
    targets = serializers.SerializerMethodField()
    target_status = serializers.SerializerMethodField()
    lcos = serializers.SerializerMethodField()
    flight_time_minutes = serializers.SerializerMethodField()

    class Meta:
        model = DemonstrationProject
        fields = ("id", "scenario", "name", "site", "operator", "suppliers", "capacity_kwh", "units",
                  "commissioned_on", "status", "target_status", "targets", "lcos", "flight_time_minutes")
        read_only_fields = fields

    def _standing(self, project):
        standings = self.context.setdefault("standings", {})
        if project.pk not in standings:
            standings[project.pk] = selectors.standings([project])[0]
        return standings[project.pk]

    @extend_schema_field(serializers.DictField())
    def get_operator(self, project) -> dict:
        return {"id": project.operator_id, "name": project.operator_display}

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_targets(self, project) -> list:
        return [
            {"figure": f.target.figure, "unit": str(f.target.unit), "target": f.target.text,
             "latest_value": str(f.latest.value) if f.latest else None,
             "measured_on": f.latest.measured_on if f.latest else None, "status": f.status}
            for f in self._standing(project).figures
        ]

    def get_target_status(self, project) -> str:
        return self._standing(project).status

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_lcos(self, project) -> dict | None:
        result = selectors.station_lcos(project, self.context.get("reference"), reference_given=True)
        if result is None:
            return None
        return {
            "lcos_cny_per_kwh": str(result.value) if result.value is not None else None,
            "incumbent_lcos_cny_per_kwh": str(result.incumbent) if result.incumbent is not None else None,
            "lower_than_incumbent": result.lower_than_incumbent,
        }

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True))
    def get_flight_time_minutes(self, project) -> str | None:
        flight = selectors.drone_flight_time(project)
        return f"{flight.minutes:.1f}" if flight and flight.minutes is not None else None


class ProjectDetailSerializer(ProjectSerializer):
    measurements = serializers.SerializerMethodField()

    class Meta(ProjectSerializer.Meta):
        fields = (*ProjectSerializer.Meta.fields, "measurements")
        read_only_fields = fields

    @extend_schema_field(MeasurementSerializer(many=True))
    def get_measurements(self, project) -> list:
        rows = project.measurements.select_related("project").order_by("measured_on", "figure")
        return MeasurementSerializer(rows, many=True, context=self.context).data


def _prefetch_standings(serializer_context, projects):
    serializer_context["standings"] = {s.project.pk: s for s in selectors.standings(projects)}


@extend_schema_view(
    list=extend_schema(summary=_("List demonstration projects")),
    retrieve=extend_schema(summary=_("A demonstration project, with its measurements")),
)
class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Demonstration projects of the three scenarios; public."""

    filter_backends = [FilterBackend]
    filterset_class = DemonstrationProjectFilterSet
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return selectors.projects_queryset().order_by("scenario", "name", "pk")

    def get_serializer_class(self):
        return ProjectSerializer if self.action == "list" else ProjectDetailSerializer

    def get_serializer_context(self):
        from ..scenarios import Scenario

        return {**super().get_serializer_context(), "reference": selectors.reference_for(Scenario.GRID_STORAGE)}

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if args and kwargs.get("many"):
            # One query for the page's latest values instead of one per project.
            _prefetch_standings(serializer.context, list(args[0]))
        return serializer

    def get_object(self):
        raw = str(self.kwargs.get("pk", ""))
        if not raw.isdigit() or int(raw) > MAX_ID:
            raise NotFound
        return super().get_object()


# More figures than any scenario measures: a longer object is not a day's measurements.
MAX_VALUES = max(len(figures) for figures in SCENARIO_FIGURES.values())


class MeasurementCreateSerializer(serializers.Serializer):
    measured_on = serializers.DateField(help_text=_("The date of the measurement; not in the future."))
    values = serializers.DictField(
        child=NumberText(max_length=40), allow_empty=False,
        help_text=_("The day’s measured values by figure, each as a string in the figure’s unit: "
                    '{"cycle_life": "6200", "round_trip_efficiency": "91.5"}. Only the scenario’s figures.'),
    )
    note = serializers.CharField(max_length=services.NOTE_MAX_LENGTH, required=False, allow_blank=True)

    def validate_values(self, values):
        if len(values) > MAX_VALUES:
            raise serializers.ValidationError(_("Give at most %(n)d figures.") % {"n": MAX_VALUES})
        return values


@extend_schema_view(list=extend_schema(summary=_("Measurements of a demonstration project")))
class MeasurementViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A project's measurements: public to read; the operating company's users add a day's values."""

    serializer_class = MeasurementSerializer
    filter_backends = [FilterBackend]  # no filters: only refuses unknown parameters

    def get_permissions(self):
        if self.request.method == "POST":
            return [permissions.IsAuthenticated()]
        return [permissions.AllowAny()]

    def project(self) -> DemonstrationProject:
        project_id = self.kwargs["project_id"]
        if project_id > MAX_ID:
            raise NotFound
        return get_object_or_404(DemonstrationProject, pk=project_id)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Measurement.objects.none()
        return self.project().measurements.select_related("project").order_by("measured_on", "figure", "pk")

    @extend_schema(summary=_("Record a day's measurements (the operating company's users)"),
                   request=MeasurementCreateSerializer, responses={201: MeasurementSerializer(many=True)})
    def create(self, request, *args, **kwargs):
        project = self.project()
        data = MeasurementCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data["values"]
        try:
            saved = services.measurement_record(
                by=request.user, project=project, measured_on=data.validated_data["measured_on"], values=values,
                note=data.validated_data.get("note", ""),
            )
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from None
        except DjangoValidationError as error:
            # The service keys a figure's problem by the figure; the client sent it inside "values".
            raise service_errors(error, nest={key: "values" for key in values}) from None
        return Response(MeasurementSerializer(saved, many=True, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)
