"""Reads of the local content ratio: one database aggregation over any slice of purchases.

The formula itself lives once, in calculators.local_content; these selectors only fetch the two sums
(local and total) and hand them to it. Slices: buyer, year, category (with everything below it), district
and supplier size class.

The district of a slice is the district of the BUYER (the purchasing anchor firm), not of the supplier: the
city measures where local demand sits, and a local supplier's district says nothing about whose purchases
moved the ratio.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, Count, DecimalField, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calculators.local_content import lcr_target_percent, local_content_ratio
from registry.models import Category, Company, District

from .models import MONEY, Purchase

EMPTY_SLICE_MESSAGE = _("No purchases recorded for this selection.")

DIMENSIONS = ("year", "category", "buyer", "district")

_ZERO = Decimal("0")


@dataclass(frozen=True)
class LcrSlice:
    """Which purchases a figure covers; every part is optional, none at all means the whole city."""

    buyer: Company | None = None
    year: int | None = None
    category: Category | None = None
    district: District | None = None
    size_class: str | None = None


def lcr_purchases(lcr_slice: LcrSlice | None = None) -> QuerySet:
    """The purchases of a slice (the whole city when no slice is given)."""
    lcr_slice = lcr_slice or LcrSlice()
    queryset = Purchase.objects.order_by()
    if lcr_slice.buyer is not None:
        queryset = queryset.filter(buyer=lcr_slice.buyer)
    if lcr_slice.year is not None:
        queryset = queryset.filter(purchased_on__year=lcr_slice.year)
    if lcr_slice.category is not None:
        queryset = queryset.filter(category_id__in=lcr_slice.category.descendant_ids())
    if lcr_slice.district is not None:
        queryset = queryset.filter(buyer__district=lcr_slice.district)
    if lcr_slice.size_class:
        queryset = queryset.filter(supplier__size_class=lcr_slice.size_class)
    return queryset


def _sums() -> dict:
    money = DecimalField(**MONEY)
    return {
        "local_amount": Coalesce(
            Sum("amount", filter=Q(supplier_is_local=True)), Value(_ZERO), output_field=money
        ),
        "total_amount": Coalesce(Sum("amount"), Value(_ZERO), output_field=money),
        "purchase_count": Count("pk"),
    }


def _as_queryset(queryset_or_slice) -> QuerySet:
    if isinstance(queryset_or_slice, QuerySet):
        return queryset_or_slice.order_by()
    if isinstance(queryset_or_slice, dict):
        return lcr_purchases(LcrSlice(**queryset_or_slice))
    return lcr_purchases(queryset_or_slice)


def lcr_totals(queryset_or_slice=None) -> dict:
    """{"local_amount", "total_amount", "purchase_count"} of a queryset, an LcrSlice or a dict of its parts."""
    totals = _as_queryset(queryset_or_slice).aggregate(**_sums())
    return {
        "local_amount": Decimal(totals["local_amount"]),
        "total_amount": Decimal(totals["total_amount"]),
        "purchase_count": totals["purchase_count"],
    }


def _with_ratio(row: dict) -> dict:
    row["local_amount"] = Decimal(row["local_amount"])
    row["total_amount"] = Decimal(row["total_amount"])
    row["lcr_percent"] = local_content_ratio(row["local_amount"], row["total_amount"])
    row["message"] = str(EMPTY_SLICE_MESSAGE) if row["lcr_percent"] is None else ""
    return row


def lcr_figures(queryset_or_slice=None) -> dict:
    """The sums of a slice with its LCR in percent, or None and a sentence saying why when it is empty."""
    return _with_ratio(lcr_totals(queryset_or_slice))


def _empty_row(**fields) -> dict:
    return _with_ratio({"local_amount": _ZERO, "total_amount": _ZERO, "purchase_count": 0, **fields})


def _grouped(queryset: QuerySet, key_expression) -> dict:
    rows = queryset.annotate(key=key_expression).values("key").annotate(**_sums()).order_by()
    return {row["key"]: row for row in rows}


def lcr_by(dimension: str, lcr_slice: LcrSlice | None = None) -> list[dict]:
    """Rows of figures per year, top-level category, anchor firm or (buyer's) district, each with its LCR.

    Years come in order; categories in taxonomy order and districts by code, each listed even when empty
    (its LCR None); anchor firms only when they have purchases in the slice, highest LCR first.
    """
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    queryset = lcr_purchases(lcr_slice)

    if dimension == "year":
        groups = _grouped(queryset, ExtractYear("purchased_on"))
        return [_with_ratio({**groups[year], "label": str(year)}) for year in sorted(groups)]

    if dimension == "category":
        tops = list(Category.objects.filter(parent__isnull=True).order_by("position", "name"))
        top_of = Case(
            *[When(category_id__in=top.descendant_ids(), then=Value(top.pk)) for top in tops],
            default=Value(None), output_field=IntegerField(),
        )
        groups = _grouped(queryset, top_of)
        return [
            _with_ratio({**groups[top.pk], "label": top.display_name, "slug": top.slug})
            if top.pk in groups else _empty_row(key=top.pk, label=top.display_name, slug=top.slug)
            for top in tops
        ]

    if dimension == "district":
        groups = _grouped(queryset, F("buyer__district_id"))
        return [
            _with_ratio({**groups[district.pk], "label": district.display_name, "code": district.code})
            if district.pk in groups else _empty_row(key=district.pk, label=district.display_name, code=district.code)
            for district in District.objects.order_by("code")
        ]

    # dimension == "buyer": the anchor firms' own figures, for ranking them.
    groups = _grouped(queryset.filter(buyer__is_anchor=True), F("buyer_id"))
    buyers = Company.objects.in_bulk(list(groups))
    rows = [
        _with_ratio({**groups[pk], "label": buyers[pk].name, "uscc": buyers[pk].uscc}) for pk in groups
    ]
    rows.sort(key=lambda row: (-row["lcr_percent"], -row["total_amount"], row["label"]))
    return rows


def anchor_ranking(year: int | None, size: int = 10) -> dict:
    """The anchor firms with purchases in a year: the `size` highest and the `size` lowest LCR (lowest last)."""
    rows = lcr_by("buyer", LcrSlice(year=year))
    return {"top": rows[:size], "bottom": rows[-size:][::-1] if rows else [], "count": len(rows)}


def lcr_trend(buyer: Company | None = None, *, start_year: int | None = None, today=None) -> dict:
    """The yearly LCR (of one buyer, or the city) beside the target path, up to the current year.

    The series starts at the first purchase year or the baseline year, whichever is earlier, so the
    target path is always shown from its start.
    """
    baseline = settings.LCR_BASELINE_YEAR
    current = (today or timezone.localdate()).year
    by_year = {int(row["key"]): row for row in lcr_by("year", LcrSlice(buyer=buyer))}
    if start_year is None:
        start_year = min([baseline, *by_year])
    end_year = max([current, *by_year])
    series = []
    for year in range(start_year, end_year + 1):
        row = by_year.get(year) or _empty_row(key=year)
        series.append({
            "year": year,
            "local_amount": row["local_amount"],
            "total_amount": row["total_amount"],
            "purchase_count": row["purchase_count"],
            "lcr_percent": row["lcr_percent"],
            "target_percent": lcr_target_percent(year, baseline),
        })
    return {"baseline_year": baseline, "series": series}
