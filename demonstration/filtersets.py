"""Demonstration filters, defined once: the public list /demonstration/ and /api/v1/demonstration/projects/."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from registry.filtersets import CompanyFilterSet, IdFilter, YesNoFilter, search_filter

from .models import DemonstrationProject
from .scenarios import Scenario


class DemonstrationProjectFilterSet(django_filters.FilterSet):
    """Search, scenario, status, a battery supplier (company id) and whether a local supplier takes part."""

    q = search_filter()
    scenario = django_filters.ChoiceFilter(label=_("Scenario"), choices=Scenario.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DemonstrationProject.Status.choices)
    supplier = IdFilter(label=_("Battery supplier"), field_name="suppliers", distinct=True)
    local = YesNoFilter(label=_("With a local battery supplier"), method="filter_local")

    class Meta:
        model = DemonstrationProject
        fields = []

    def filter_search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(
                Q(name__icontains=term) | Q(site__icontains=term) | Q(operator__name__icontains=term)
                | Q(operator_name__icontains=term)
            )
        return queryset

    def filter_local(self, queryset, name, value):
        # The confirmed locality is what counts (DOMAIN: "Officials confirm locality at verification").
        local = DemonstrationProject.suppliers.through.objects.filter(
            demonstrationproject_id=OuterRef("pk"), company__locality_confirmed=True
        )
        return queryset.filter(Exists(local)) if value else queryset.exclude(Exists(local))

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by("scenario", "name", "pk")

    active_filters = CompanyFilterSet.active_filters
