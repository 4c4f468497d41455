"""API of the fund: /api/v1/research/projects/ (filters: q, direction, status, category, figure — the same
ResearchProjectFilterSet as /research/) and /api/v1/research/projects/{id}/reports/ (the lead organisation's users
and officials: list, and the lead's users file one). Applying goes through /api/v1/applications/ with the
`research_project` basis of the "R&D fund grant" kind."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse

from registry.api.views import FilterBackend
from registry.filtersets import MAX_ID

from .. import selectors, services
from ..filtersets import ResearchProjectFilterSet
from ..models import ProgressReport, ResearchProject
from ..permissions import can_see_reports, visible_projects


class NamedCompanySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class TargetProgressSerializer(serializers.Serializer):
    figure = serializers.CharField(source="target.figure")
    label = serializers.CharField(source="definition.label")
    unit = serializers.CharField(source="definition.unit")
    baseline = serializers.DecimalField(source="target.baseline", max_digits=28, decimal_places=12)
    target = serializers.DecimalField(source="target.target", max_digits=28, decimal_places=12)
    latest = serializers.SerializerMethodField()
    progress_percent = serializers.SerializerMethodField(help_text=_(
        "(latest − baseline) / (target − baseline) × 100; null when nothing was measured yet."))
    reached = serializers.BooleanField()
    path = serializers.SerializerMethodField(help_text=_("Each measured value with its date, oldest first."))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_latest(self, row) -> str | None:
        return str(row.latest.value) if row.latest else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_progress_percent(self, row) -> str | None:
        return str(row.latest.percent) if row.latest else None

    def get_path(self, row) -> list[dict]:
        return [{"reported_on": p.reported_on.isoformat(), "value": str(p.value), "progress_percent": str(p.percent)}
                for p in row.points]


class ResearchProjectSerializer(serializers.ModelSerializer):
    """A project of the fund: public facts, each target's path, and the grant once approved."""

    lead = NamedCompanySerializer(read_only=True)
    partners = NamedCompanySerializer(many=True, read_only=True)
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    status = serializers.CharField(source="application.status", read_only=True,
                                   help_text=_("draft, submitted, returned, approved, rejected or paid."))
    grant = serializers.SerializerMethodField()
    targets = serializers.SerializerMethodField()

    class Meta:
        model = ResearchProject
        fields = ("id", "title", "summary", "direction", "category", "lead", "partners", "status", "budget",
                  "amount_requested", "grant", "started_on", "ends_on", "targets")
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True))
    def get_grant(self, project) -> str | None:
        return str(project.application.amount) if project.is_granted and project.application.amount is not None \
            else None

    @extend_schema_field(TargetProgressSerializer(many=True))
    def get_targets(self, project) -> list[dict]:
        return TargetProgressSerializer(selectors.project_progress(project).targets, many=True).data


class ProgressReportSerializer(serializers.ModelSerializer):
    """A progress report: its date, measured values by figure, note, and the evidence's address."""

    measurements = serializers.SerializerMethodField()
    evidence_url = serializers.SerializerMethodField()

    class Meta:
        model = ProgressReport
        fields = ("id", "reported_on", "measurements", "note", "evidence_url", "filed_at")
        read_only_fields = fields

    def get_measurements(self, report) -> dict[str, str]:
        return {m.figure: str(m.value) for m in report.measurements.all()}

    def get_evidence_url(self, report) -> str:
        return reverse("research:report_evidence", args=[report.pk], request=self.context["request"])


class ProgressReportCreateSerializer(serializers.Serializer):
    reported_on = serializers.DateField()
    measurements = serializers.JSONField(
        binary=True, help_text=_('Measured values by figure, as a JSON object: {"ionic_conductivity": "8e-3"}.'))
    evidence = serializers.FileField(help_text=_("A PDF, PNG or JPEG file."))
    note = serializers.CharField(max_length=services.NOTE_MAX, required=False, allow_blank=True)

    def validate_measurements(self, value):
        if not isinstance(value, dict) or len(value) > 20 or not all(
            isinstance(v, str | int | float) and not isinstance(v, bool) for v in value.values()
        ):
            raise serializers.ValidationError(_("Give an object of figure codes and numbers."))
        return {str(k): str(v) for k, v in value.items()}


def _checked_pk(raw) -> int:
    raw = str(raw or "")
    if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_ID:
        raise NotFound
    return int(raw)


class ResearchProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Granted projects for everyone; a company's users also see their own in any status; officials all."""

    serializer_class = ResearchProjectSerializer
    filter_backends = [FilterBackend]
    filterset_class = ResearchProjectFilterSet
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ResearchProject.objects.none()
        return visible_projects(self.request.user).select_related("lead", "category", "application").prefetch_related(
            "partners", "targets").order_by("-pk")

    def get_object(self):
        self.kwargs["pk"] = _checked_pk(self.kwargs.get("pk"))
        return super().get_object()


class ProgressReportViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """A project's progress reports: the lead organisation's users and officials; a 404 for anyone else."""

    serializer_class = ProgressReportSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [FilterBackend]  # no filters: only refuses unknown parameters
    parser_classes = [MultiPartParser, FormParser]

    def project(self) -> ResearchProject:
        project = get_object_or_404(
            ResearchProject.objects.select_related("lead", "application"), pk=_checked_pk(self.kwargs["project_pk"])
        )
        if not can_see_reports(self.request.user, project):
            raise NotFound
        return project

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ProgressReport.objects.none()
        return self.project().reports.prefetch_related("measurements").order_by("reported_on", "pk")

    @extend_schema(request=ProgressReportCreateSerializer, responses={201: ProgressReportSerializer})
    def create(self, request, *args, **kwargs):
        """File a progress report (the lead organisation's users, on a granted project)."""
        project = self.project()
        data = ProgressReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            report = services.progress_report_file(by=request.user, project=project, **data.validated_data)
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from None
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict if hasattr(error, "error_dict") else
                                  {"non_field_errors": error.messages}) from None
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)


project_list = ResearchProjectViewSet.as_view({"get": "list"})
project_detail = ResearchProjectViewSet.as_view({"get": "retrieve"})
reports = ProgressReportViewSet.as_view({"get": "list", "post": "create"})

urlpatterns = [
    path("research/projects/", project_list, name="research-project-list"),
    path("research/projects/<str:pk>/", project_detail, name="research-project-detail"),
    path("research/projects/<str:project_pk>/reports/", reports, name="research-report-list"),
]
