"""Admin of demonstration projects: officials create and edit projects (with their history), correct measurements
and set each scenario's reference (the incumbent's LCOS the storage stations are held against)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from simple_history.admin import SimpleHistoryAdmin

from registry.admin import HistoryInWordsMixin, tag

from . import selectors
from .models import DemonstrationProject, Measurement, ScenarioReference


class HistoryReasonMixin:
    """Every save in the admin records who made it and in which words."""

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        obj._change_reason = gettext_noop("Edited in the admin") if change else gettext_noop("Added in the admin")
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            instance._history_user = request.user
            instance._change_reason = gettext_noop("Corrected in the admin")
            if isinstance(instance, Measurement) and instance.recorded_by_id is None:
                instance.recorded_by = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class MeasurementInline(admin.TabularInline):
    """The project's measurements, newest first; officials correct a value or add one."""

    model = Measurement
    extra = 0
    fields = ("measured_on", "figure", "value", "note", "recorded_by")
    readonly_fields = ("recorded_by",)
    ordering = ("-measured_on", "figure")


@admin.register(DemonstrationProject)
class DemonstrationProjectAdmin(HistoryReasonMixin, HistoryInWordsMixin, SimpleHistoryAdmin):
    list_display = ("name", "scenario", "status_shown", "operator_shown", "capacity_kwh", "units", "commissioned_on")
    list_filter = ("scenario", "status")
    search_fields = ("name", "site", "operator__name", "operator_name")
    search_help_text = _("Search by name, site or operator.")
    autocomplete_fields = ("operator", "suppliers")
    inlines = (MeasurementInline,)
    fieldsets = (
        (None, {"fields": ("scenario", "name", "site", "status", "commissioned_on", "description")}),
        (_("Operator and suppliers"), {"fields": ("operator", "operator_name", "suppliers")}),
        (_("Size"), {"fields": ("capacity_kwh", "units")}),
        (_("Grid-side storage: the station’s costs and output (for its LCOS)"), {
            "fields": ("capex_cny", "om_cny_per_year", "replacement_cny_per_year", "discharged_kwh_per_year",
                       "lifetime_years"),
        }),
        (_("Low-altitude drones: for the flight time"), {"fields": ("usable_fraction", "power_draw_w")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("operator")

    @admin.display(description=_("status"), ordering="status")
    def status_shown(self, project):
        return tag(project.status_tag, project.get_status_display())

    @admin.display(description=_("operator"))
    def operator_shown(self, project):
        return project.operator_display

    def has_delete_permission(self, request, obj=None):
        # A project with measurements is part of the published record: it ends, it is not deleted.
        if obj is not None and obj.measurements.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Measurement)
class MeasurementAdmin(HistoryReasonMixin, HistoryInWordsMixin, SimpleHistoryAdmin):
    list_display = ("project", "measured_on", "figure", "value", "recorded_by")
    list_filter = ("project__scenario", "figure")
    search_fields = ("project__name",)
    date_hierarchy = "measured_on"
    autocomplete_fields = ("project",)
    readonly_fields = ("recorded_by", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("project", "recorded_by")

    def save_model(self, request, obj, form, change):
        if obj.recorded_by_id is None:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ScenarioReference)
class ScenarioReferenceAdmin(HistoryReasonMixin, HistoryInWordsMixin, SimpleHistoryAdmin):
    """One record per scenario: the incumbent technology and its LCOS, and the discount rate of every LCOS."""

    list_display = ("scenario", "incumbent_technology", "incumbent_lcos_cny_per_kwh", "discount_rate",
                    "stations_lower")
    fields = ("scenario", "incumbent_technology", "incumbent_lcos_cny_per_kwh", "discount_rate", "source")

    @admin.display(description=_("stations with a lower LCOS"))
    def stations_lower(self, reference):
        if reference.scenario != "grid_storage":
            return "—"
        stations = selectors.projects_queryset().filter(scenario=reference.scenario)
        results = [selectors.station_lcos(p, reference, reference_given=True) for p in stations]
        known = [r for r in results if r.lower_than_incumbent is not None]
        return f"{sum(1 for r in known if r.lower_than_incumbent)} / {len(known)}"
