"""Admin of the alliance's collaborations: officials read them (list, filters, milestones, history), never move them.

Collaborations are proposed, confirmed, completed and terminated by the two companies' users on their own pages
(through alliance.collaborations); the bureau watches. Nothing here adds, changes or deletes.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from registry.admin import HistoryWithoutRevertMixin, ReadOnlyInline, tag
from registry.identifiers import normalise_uscc

from ..models import Collaboration, Milestone

Status = Collaboration.Status
# The registry admin's colour pairs (its TAG_COLOURS keys).
STATUS_TAG = {Status.PROPOSED: "pending", Status.ACTIVE: "valid", Status.COMPLETED: "verified",
              Status.TERMINATED: "expired"}


class StartYearFilter(admin.SimpleListFilter):
    """The year the collaboration started (the overview counts by this year too)."""

    title = _("year started")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Collaboration.objects.dates("started_on", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isascii() and value.isdigit() and len(value) == 4:
            return queryset.filter(started_on__year=int(value))
        return queryset


class MilestoneInline(ReadOnlyInline):
    """The collaboration's milestones, as its parties recorded them."""

    model = Milestone
    fields = ("title", "due_on", "done_on", "outcome", "created_by", "created_at")
    readonly_fields = fields


@admin.register(Collaboration)
class CollaborationAdmin(HistoryWithoutRevertMixin, SimpleHistoryAdmin):
    """Every collaboration, its terms and milestones, and the history of its changes with who made them."""

    list_display = ("title", "anchor", "sme", "model", "status_shown", "started_on", "ends_on")
    list_filter = ("model", "status", StartYearFilter)
    search_fields = ("title", "anchor__name", "anchor__uscc", "sme__name", "sme__uscc")
    list_select_related = ("anchor", "sme")
    date_hierarchy = "started_on"
    inlines = (MilestoneInline,)
    fields = (
        "title", "anchor", "sme", "model", "status", "status_reason", "started_on", "ends_on", "description",
        "proposed_by_company", "proposed_by", "confirmed_by", "confirmed_at", "licensed_patents", "joint_outputs",
        "committed_quantity", "quantity_unit", "committed_value_per_year", "categories", "standard", "created_at",
    )
    # Read-only: the two companies keep their collaborations; the services are the only way to move one.
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        code = normalise_uscc(search_term)
        if len(code) == 18 and code != search_term:
            results = results | queryset.filter(anchor__uscc=code) | queryset.filter(sme__uscc=code)
        return results, may_have_duplicates

    @admin.display(description=_("status"), ordering="status")
    def status_shown(self, collaboration):
        return tag(STATUS_TAG.get(collaboration.status, ""), collaboration.get_status_display())
