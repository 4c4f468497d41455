"""The officials' side of the talent plan: every organisation's records, to look at and correct, with history.

What an official may see is talent.permissions' rule, the same as the pages' and the API's. Organisations enter
their records on their own pages; a correction here goes through talent.services too, so a specialist's total
package is computed again from its parts.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from simple_history.admin import SimpleHistoryAdmin

from registry.admin import HistoryInWordsMixin
from registry.bounds import bound_numbers

from . import services
from .models import OverseasSpecialist, Scholarship, ScholarshipRecipient, TrainingBase, TrainingYear
from .permissions import can_see_talent_record, visible_talent_records


class TalentRecordAdmin(HistoryInWordsMixin, SimpleHistoryAdmin):
    """Shared rules: the permission predicate on the list and each record; never added or deleted here."""

    def get_queryset(self, request):
        return visible_talent_records(request.user, super().get_queryset(request))

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (obj is None or can_see_talent_record(request.user, obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or can_see_talent_record(request.user, obj))

    def has_add_permission(self, request, obj=None):
        return False  # organisations enter their records on their own pages

    def has_delete_permission(self, request, obj=None):
        return False  # the plan's figures rest on them; a correction is a change, kept in the history

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        obj._change_reason = gettext_noop("Corrected in the admin")
        super().save_model(request, obj, form, change)


class TrainingYearInline(admin.TabularInline):
    model = TrainingYear
    extra = 0
    can_delete = False
    fields = ("year", "internships", "placements", "graduates", "retained")


@admin.register(TrainingBase)
class TrainingBaseAdmin(TalentRecordAdmin):
    list_display = ("name", "institution", "organisation", "established_year")
    search_fields = ("name", "institution__name", "organisation__name")
    list_select_related = ("institution", "organisation")
    raw_id_fields = ("companies",)
    readonly_fields = ("organisation",)
    fields = ("name", "organisation", "institution", "companies", "established_year")
    inlines = (TrainingYearInline,)


class SpecialistAdminForm(forms.ModelForm):
    class Meta:
        model = OverseasSpecialist
        fields = ("reference", "year", "field", "base_salary", "housing", "other_benefits")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_numbers(self.fields, amounts=("base_salary", "housing"))
        self.fields["other_benefits"].help_text = _(
            'A list such as [{"label": "children’s schooling", "amount": "60000.00"}].')

    def clean_other_benefits(self):
        try:
            return services.clean_other_benefits(self.cleaned_data.get("other_benefits"))
        except ValidationError as error:
            raise ValidationError(error.messages) from None


@admin.register(OverseasSpecialist)
class OverseasSpecialistAdmin(TalentRecordAdmin):
    form = SpecialistAdminForm
    list_display = ("__str__", "company", "year", "field", "total_compensation")
    list_filter = ("year", "field")
    search_fields = ("reference", "company__name", "company__uscc")
    list_select_related = ("company",)
    readonly_fields = ("company", "total_compensation", "created_by", "created_at")
    history_list_display = ["total_compensation"]

    def save_model(self, request, obj, form, change):
        # Through the service: C_total is computed again from the corrected parts.
        data = {name: form.cleaned_data[name] for name in SpecialistAdminForm.Meta.fields}
        services.specialist_save(by=request.user, company=obj.company, data=data, specialist=obj)


class RecipientInline(admin.TabularInline):
    model = ScholarshipRecipient
    extra = 0
    can_delete = False
    fields = ("reference", "degree", "field")


@admin.register(Scholarship)
class ScholarshipAdmin(TalentRecordAdmin):
    list_display = ("name", "company", "year", "award", "recipient_count")
    list_filter = ("year",)
    search_fields = ("name", "company__name", "company__uscc")
    list_select_related = ("company", "institution")
    readonly_fields = ("company", "created_by", "created_at")
    fields = ("name", "company", "institution", "year", "award", "created_by", "created_at")
    inlines = (RecipientInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(recipients_n=Count("recipients"))

    @admin.display(description=_("recipients"), ordering="recipients_n")
    def recipient_count(self, scholarship):
        return scholarship.recipients_n
