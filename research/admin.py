"""Admin of the fund's projects: officials read them (filters by direction and status, targets and reports inline).

A project is decided on its grant application (procurement's application admin: Approve, Reject, Return); its
facts, targets and reports come from the lead organisation, so nothing here adds, changes or deletes.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from procurement.models import SubsidyApplication
from registry.admin import ReadOnlyInline
from registry.templatetags.platform_format import cny

from .models import ProgressReport, ProjectTarget, ReportMeasurement, ResearchProject
from .targets import TARGET_FIGURES


class StatusFilter(admin.SimpleListFilter):
    """The grant application's status."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return SubsidyApplication.Status.choices

    def queryset(self, request, queryset):
        if self.value() in SubsidyApplication.Status.values:
            return queryset.filter(application__status=self.value())
        return queryset


class ProjectTargetInline(ReadOnlyInline):
    model = ProjectTarget
    fields = ("figure_label", "baseline_shown", "target_shown")
    readonly_fields = fields

    @admin.display(description=_("figure"))
    def figure_label(self, obj):
        return obj.definition.label

    @admin.display(description=_("baseline"))
    def baseline_shown(self, obj):
        return obj.definition.display(obj.baseline)

    @admin.display(description=_("target"))
    def target_shown(self, obj):
        return obj.definition.display(obj.target)


class ProgressReportInline(ReadOnlyInline):
    model = ProgressReport
    fields = ("reported_on", "values", "note", "evidence_link", "filed_by", "filed_at")
    readonly_fields = fields

    @admin.display(description=_("measured values"))
    def values(self, obj):
        return "; ".join(str(m) for m in obj.measurements.all())

    @admin.display(description=_("evidence"))
    def evidence_link(self, obj):
        if not obj.evidence:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("research:report_evidence", args=[obj.pk]), _("Open"))


@admin.register(ResearchProject)
class ResearchProjectAdmin(admin.ModelAdmin):
    """Every project of the fund with its grant's status, its targets and its progress reports."""

    list_display = ("title", "direction", "lead", "category", "status_shown", "amount_requested_shown", "grant_shown",
                    "started_on", "ends_on")
    list_filter = ("direction", StatusFilter, "category")
    search_fields = ("title", "lead__name", "lead__uscc")
    list_select_related = ("lead", "category", "application")
    inlines = (ProjectTargetInline, ProgressReportInline)
    fields = ("title", "summary", "direction", "category", "lead", "partners", "application_link", "budget",
              "amount_requested", "started_on", "ends_on", "created_at")
    readonly_fields = fields

    @admin.display(description=_("status"), ordering="application__status")
    def status_shown(self, obj):
        return obj.application.get_status_display()

    @admin.display(description=_("amount requested"), ordering="amount_requested")
    def amount_requested_shown(self, obj):
        return cny(obj.amount_requested)

    @admin.display(description=_("grant"))
    def grant_shown(self, obj):
        return cny(obj.application.amount) if obj.is_granted else "—"

    @admin.display(description=_("application"))
    def application_link(self, obj):
        url = reverse("admin:procurement_subsidyapplication_change", args=[obj.application_id])
        return format_html('<a href="{}">#{} · {}</a>', url, obj.application_id, obj.application.get_status_display())

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    """Every progress report, newest first, with its measured values."""

    list_display = ("project", "reported_on", "filed_by", "filed_at")
    list_filter = ("project__direction",)
    search_fields = ("project__title", "project__lead__name")
    list_select_related = ("project", "filed_by")
    fields = ("project", "reported_on", "note", "filed_by", "filed_at")
    readonly_fields = fields

    class MeasurementInline(ReadOnlyInline):
        model = ReportMeasurement
        fields = ("figure_label", "value_shown")
        readonly_fields = fields

        @admin.display(description=_("figure"))
        def figure_label(self, obj):
            return TARGET_FIGURES[obj.figure].label

        @admin.display(description=_("measured value"))
        def value_shown(self, obj):
            return TARGET_FIGURES[obj.figure].display(obj.value)

    inlines = (MeasurementInline,)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
