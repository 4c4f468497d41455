"""Admin of the alliance's standards and of companies' participations in them.

Officials add and edit standards; participations are recorded by the companies on their own pages, and officials
verify or reject them here through alliance.standards, one at a time, with the history of each decision.
"""

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext
from simple_history.admin import SimpleHistoryAdmin

from registry.admin import (
    HistoryInWordsMixin,
    HistoryWithoutRevertMixin,
    ReadOnlyInline,
    WorkQueue,
    WorkQueueMixin,
    tag,
)

from .. import standards as service
from ..models import Standard, StandardParticipation
from .members import action_form_step, apply_service

STATUS_TAGS = {"pending": "pending", "verified": "verified", "rejected": "rejected"}


def evidence_link(participation) -> str:
    if not participation.evidence:
        return "—"
    return format_html(
        '<a href="{}" target="_blank" rel="noopener">{}</a>',
        reverse("alliance:participation_evidence", args=[participation.pk]), _("View the evidence"),
    )


class ParticipationInline(ReadOnlyInline):
    """Who leads or takes part in the standard, and whether an official verified it."""

    model = StandardParticipation
    fields = ("company", "role", "status", "verified_at", "evidence_shown")
    readonly_fields = fields

    @admin.display(description=_("evidence"))
    def evidence_shown(self, participation):
        return evidence_link(participation)


@admin.register(Standard)
class StandardAdmin(HistoryInWordsMixin, SimpleHistoryAdmin):
    """Standards: added and edited by officials, with their history; never deleted once companies refer to them."""

    list_display = ("code", "title", "body", "level", "status", "lead_count", "participant_count")
    list_filter = ("body", "level", "status")
    search_fields = ("code", "title", "title_zh")
    search_help_text = _("Search by code or title.")
    inlines = (ParticipationInline,)

    def get_queryset(self, request):
        return service.standards_with_counts(super().get_queryset(request))

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        # Participations and collaborations refer to standards (PROTECT): a standard is edited, not deleted.
        return False

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        obj._change_reason = gettext_noop("Edited in the admin") if change else gettext_noop("Added in the admin")
        super().save_model(request, obj, form, change)

    @admin.display(description=_("members leading (verified)"), ordering="lead_count")
    def lead_count(self, standard):
        return standard.lead_count

    @admin.display(description=_("members taking part (verified)"), ordering="participant_count")
    def participant_count(self, standard):
        return standard.participant_count


class RejectForm(forms.Form):
    """The official's reason for rejecting the chosen participations; the company reads it."""

    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text=_("The company sees this reason. Say what is wrong with the evidence and what it can send instead."),
        error_messages={"required": _("Give the reason for rejecting.")},
    )



@admin.register(StandardParticipation)
class StandardParticipationAdmin(WorkQueueMixin, HistoryWithoutRevertMixin, SimpleHistoryAdmin):
    """Companies' participations in standards: officials check the evidence, then verify or reject."""

    work_queue = WorkQueue(
        label=_("Participations in standards waiting for verification"),
        query={"status__exact": StandardParticipation.Status.PENDING},
        condition=Q(status=StandardParticipation.Status.PENDING), since="created_at",
    )

    list_display = ("company", "standard", "role", "status_shown", "created_at", "evidence_shown", "verified_by")
    list_filter = ("status", "role", "standard__body", "standard__level")
    search_fields = ("company__name", "company__uscc", "standard__code", "standard__title")
    search_help_text = _("Search by company name, USCC or standard code.")
    list_select_related = ("company", "standard", "verified_by")
    actions = ("verify_participations", "reject_participations")
    fields = ("company", "standard", "role", "status", "status_reason", "evidence_shown", "note", "created_by",
              "created_at", "verified_by", "verified_at")
    readonly_fields = fields
    history_list_display = ["status"]

    def has_add_permission(self, request):
        return False  # the company records its participations on its own pages

    def has_delete_permission(self, request, obj=None):
        return False

    def has_verify_permission(self, request):
        return request.user.has_perm("alliance.verify_standardparticipation")

    @admin.display(description=_("status"), ordering="status")
    def status_shown(self, participation):
        return tag(STATUS_TAGS.get(participation.status, participation.status), participation.get_status_display())

    @admin.display(description=_("evidence"))
    def evidence_shown(self, participation):
        return evidence_link(participation)

    @admin.action(description=_("Verify the selected participations"), permissions=["verify"])
    def verify_participations(self, request, queryset):
        apply_service(
            self, request, queryset.select_related("company", "standard"),
            lambda participation: service.participation_verify(participation=participation, by=request.user),
            lambda n: ngettext("%(n)d participation verified.", "%(n)d participations verified.", n) % {"n": n},
        )

    @admin.action(description=_("Reject the selected participations (reason required)"), permissions=["verify"])
    def reject_participations(self, request, queryset):
        queryset = queryset.select_related("company", "standard")
        return action_form_step(
            self, request, queryset, RejectForm, title=_("Reject participations"), button=_("Reject"),
            act=lambda data: apply_service(
                self, request, queryset,
                lambda participation: service.participation_reject(
                    participation=participation, by=request.user, reason=data["reason"]
                ),
                lambda n: ngettext("%(n)d participation rejected.", "%(n)d participations rejected.", n) % {"n": n},
            ),
        )

