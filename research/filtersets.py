"""The fund's project filters, defined once: the /research/ page and /api/v1/research/projects/ use this FilterSet."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from procurement.models import SubsidyApplication
from registry.filtersets import CategoryChoiceFilter, CompanyFilterSet, search_filter
from registry.models import Category

from .models import ResearchProject
from .targets import TARGET_FIGURES, Direction, direction_categories


class ResearchProjectFilterSet(django_filters.FilterSet):
    """Search (title, lead), direction, status, material category (with its children) and target figure."""

    q = search_filter()
    direction = django_filters.ChoiceFilter(label=_("Direction"), choices=Direction.choices)
    status = django_filters.ChoiceFilter(
        label=_("Status"), field_name="application__status", choices=SubsidyApplication.Status.choices
    )
    category = CategoryChoiceFilter(label=_("Material category"), method="filter_category")
    figure = django_filters.ChoiceFilter(
        label=_("Target figure"), method="filter_figure",
        choices=[(code, definition.label) for code, definition in TARGET_FIGURES.items()],
    )

    class Meta:
        model = ResearchProject
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Labels in the reader's language, resolved per request; only the materials the fund's directions cover.
        self.filters["figure"].extra["choices"] = [(c, d.label) for c, d in TARGET_FIGURES.items()]
        self.filters["category"].queryset = direction_categories()

    def filter_search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(
                Q(title__icontains=term) | Q(lead__name__icontains=term) | Q(lead__name_en__icontains=term)
            )
        return queryset

    def filter_category(self, queryset, name, value: Category):
        return queryset.filter(category_id__in=value.descendant_ids())

    def filter_figure(self, queryset, name, value):
        return queryset.filter(targets__figure=value).distinct()

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by("-application__decided_at", "-pk")

    active_filters = CompanyFilterSet.active_filters
