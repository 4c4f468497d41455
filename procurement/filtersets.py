"""Purchase filters, defined once: the buyer's HTML list of purchases and the purchases API both use them."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.filtersets import (
    SEARCH_MAX_LENGTH,
    CategoryChoiceFilter,
    CompanyFilterSet,
    YesNoFilter,
    validate_search,
)

from .models import Purchase

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]


class PurchaseFilterForm(forms.Form):
    """The filters' form: a date range that ends before it starts is refused rather than matching nothing."""

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the date range is before its start."))
        return data


class PurchaseFilterSet(django_filters.FilterSet):
    """Search, year, date range, category (with its children), locality, source and supplier of purchases."""

    q = django_filters.CharFilter(
        label=_("Search"), method="filter_search", max_length=SEARCH_MAX_LENGTH, validators=[validate_search]
    )
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="purchased_on", lookup_expr="year", min_value=1900, max_value=9999
    )
    # The two spellings purchase files use; Django's default formats would also read 01/02/2025, month first.
    date_from = django_filters.DateFilter(
        label=_("Purchased from"), field_name="purchased_on", lookup_expr="gte", input_formats=DATE_FORMATS
    )
    date_to = django_filters.DateFilter(
        label=_("Purchased until"), field_name="purchased_on", lookup_expr="lte", input_formats=DATE_FORMATS
    )
    category = CategoryChoiceFilter(label=_("Category"), method="filter_category")
    local = YesNoFilter(label=_("Local supplier (at purchase)"), field_name="supplier_is_local")
    source = django_filters.ChoiceFilter(label=_("Recorded through"), choices=Purchase.Source.choices)
    supplier = django_filters.CharFilter(label=_("Supplier USCC or identifier"), method="filter_supplier",
                                         max_length=40)

    class Meta:
        model = Purchase
        fields = []
        form = PurchaseFilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A whole number in a text box: the year filter's NumberFilter would otherwise accept 2025.5.
        self.form.fields["year"] = forms.IntegerField(
            label=_("Year"), required=False, min_value=1900, max_value=9999
        )

    def filter_search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(
                Q(supplier_name__icontains=term) | Q(supplier_identifier__iexact=term)
                | Q(invoice_number__icontains=term) | Q(description__icontains=term)
            )
        return queryset

    def filter_category(self, queryset, name, value):
        return queryset.filter(category_id__in=value.descendant_ids())

    def filter_supplier(self, queryset, name, value):
        # Identifiers are stored upper-case (USCCs and outside suppliers' codes alike).
        return queryset.filter(supplier_identifier=value.strip().upper())

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by("-purchased_on", "-pk")

    # The removable chips of the HTML list, built the same way as the directory's.
    active_filters = CompanyFilterSet.active_filters
