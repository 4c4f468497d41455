"""Alliance filters, defined once: the HTML lists and pages and the API viewsets use these FilterSets."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.filtersets import CategoryChoiceFilter, CompanyFilterSet, IdFilter, YesNoFilter, search_filter
from registry.models import Company, District, Product

from .models import Collaboration, Membership, SourcingRequest, Standard

# --- collaborations ----------------------------------------------------------------------------------------


class CollaborationFilterSet(django_filters.FilterSet):
    """Search, model, status, the two parties (company ids) and the year the collaboration started."""

    q = search_filter()
    model = django_filters.ChoiceFilter(label=_("Model"), choices=Collaboration.Model.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Collaboration.Status.choices)
    anchor = IdFilter(label=_("Anchor firm (company id)"), field_name="anchor_id")
    sme = IdFilter(label=_("SME (company id)"), field_name="sme_id")
    year = django_filters.NumberFilter(
        label=_("Year started"), field_name="started_on", lookup_expr="year", min_value=1900, max_value=9999
    )

    class Meta:
        model = Collaboration
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A whole number: a NumberFilter would accept 2025.5 and match nothing.
        self.form.fields["year"] = forms.IntegerField(
            label=_("Year started"), required=False, min_value=1900, max_value=9999
        )

    def filter_search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(
                Q(title__icontains=term) | Q(anchor__name__icontains=term) | Q(sme__name__icontains=term)
                | Q(anchor__uscc__iexact=term) | Q(sme__uscc__iexact=term)
            )
        return queryset

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by("-started_on", "-pk")

    # The removable chips of the HTML list, built the same way as the directory's.
    active_filters = CompanyFilterSet.active_filters


# --- members and standards -----------------------------------------------------------------------------------

class MembershipFilterSet(django_filters.FilterSet):
    """Search, tier, status, organisation type, category (with its children) and district of alliance members."""

    q = search_filter()
    tier = django_filters.ChoiceFilter(label=_("Tier"), choices=Membership.Tier.choices)
    status = django_filters.ChoiceFilter(label=_("Membership status"), choices=Membership.Status.choices)
    organisation_type = django_filters.ChoiceFilter(
        label=_("Organisation type"), field_name="organisation__organisation_type",
        choices=Company.OrganisationType.choices,
    )
    category = CategoryChoiceFilter(label=_("Category"), method="filter_category")
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=District.objects.all(), to_field_name="code", field_name="organisation__district"
    )

    class Meta:
        model = Membership
        fields = []

    def filter_search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(
                Q(organisation__name__icontains=term) | Q(organisation__name_en__icontains=term)
                | Q(organisation__uscc__iexact=term)
            )
        return queryset

    def filter_category(self, queryset, name, value):
        ids = value.descendant_ids()
        listed = Company.categories.through.objects.filter(company_id=OuterRef("organisation_id"), category_id__in=ids)
        products = Product.objects.filter(company_id=OuterRef("organisation_id"), category_id__in=ids)
        return queryset.filter(Exists(listed) | Exists(products))

    def filter_queryset(self, queryset):
        # Council first, then by name; the pk breaks ties so that pages never overlap.
        return super().filter_queryset(queryset).order_by("tier", "organisation__name", "pk")

    active_filters = CompanyFilterSet.active_filters


class StandardFilterSet(django_filters.FilterSet):
    """Search, body, level and status of standards."""

    q = search_filter()
    body = django_filters.ChoiceFilter(label=_("Body"), choices=Standard.Body.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Standard.Level.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Standard.Status.choices)

    class Meta:
        model = Standard
        fields = []

    def filter_search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(
                Q(code__icontains=term) | Q(title__icontains=term) | Q(title_zh__icontains=term)
            )
        return queryset

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by("code", "pk")

    active_filters = CompanyFilterSet.active_filters


# --- matchmaking -----------------------------------------------------------------------------------------------


class SourcingRequestFilterSet(django_filters.FilterSet):
    """Search, category (with its children), status as of today, local only, visibility and the anchor firm."""

    q = search_filter()
    category = CategoryChoiceFilter(label=_("Category"), method="filter_category")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=SourcingRequest.Status.choices, method="filter_status"
    )
    local_only = YesNoFilter(label=_("Local suppliers only"), field_name="local_only")
    visibility = django_filters.ChoiceFilter(label=_("Visibility"), choices=SourcingRequest.Visibility.choices)
    anchor = IdFilter(label=_("Anchor firm (company id)"), field_name="anchor_id")

    class Meta:
        model = SourcingRequest
        fields = []

    def filter_search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(
                Q(title__icontains=term) | Q(description__icontains=term) | Q(anchor__name__icontains=term)
            )
        return queryset

    def filter_category(self, queryset, name, value):
        return queryset.filter(category_id__in=value.descendant_ids())

    def filter_status(self, queryset, name, value):
        # The status as the pages show it: a live request past its deadline is expired even before the sweep.
        today = timezone.localdate()
        live = SourcingRequest.LIVE_STATUSES
        if value in live:
            return queryset.filter(status=value, deadline__gte=today)
        if value == SourcingRequest.Status.EXPIRED:
            return queryset.filter(Q(status=value) | Q(status__in=live, deadline__lt=today))
        return queryset.filter(status=value)

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by("-created_at", "-pk")

    active_filters = CompanyFilterSet.active_filters
