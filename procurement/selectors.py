"""Reads of the local content ratio: one aggregation over the rollup cells of any slice of purchases.

The formula itself lives once, in calculators.local_content; these selectors only fetch the two sums
(local and total) and hand them to it. Slices: buyer, year, category (with everything below it), district
and supplier size class. Every slice is read from procurement.rollups' cells (tens of thousands of rows at most,
whatever the number of purchases): the buyers' cells, the city's, or for a supplier size class the size classes'
cells (each supplier at its current class). A size class together with a buyer or a district is the one slice no
cell holds (the size classes' cells have no buyer): it is summed over that buyer's or district's purchases.

The district of a slice is the district of the BUYER (the purchasing anchor firm), not of the supplier: the
city measures where local demand sits, and a local supplier's district says nothing about whose purchases
moved the ratio.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import BigIntegerField, Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calculators.local_content import lcr_target_percent, local_content_ratio
from registry.models import Category, Company, District

from .models import MONEY, LcrCityRollup, LcrRollup, LcrSizeRollup, Purchase
from .rollups import fen_as_cny

EMPTY_SLICE_MESSAGE = _("No purchases recorded for this selection.")

DIMENSIONS = ("year", "category", "buyer", "district")

_ZERO = Decimal("0")
_FEN = BigIntegerField()


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


def _rollup_sums() -> dict:
    # Whole fen and counts: integer sums, exact on both databases.
    return {
        "local_fen": Coalesce(Sum("amount_fen", filter=Q(supplier_is_local=True)), Value(0), output_field=_FEN),
        "total_fen": Coalesce(Sum("amount_fen"), Value(0), output_field=_FEN),
        "count": Coalesce(Sum("purchase_count"), Value(0), output_field=_FEN),
    }


def _from_fen(row: dict) -> dict:
    return {
        "local_amount": fen_as_cny(row["local_fen"]),
        "total_amount": fen_as_cny(row["total_fen"]),
        "purchase_count": int(row["count"]),
    }


def _answered_by_rollups(lcr_slice: LcrSlice) -> bool:
    # The size classes' cells answer a size class for the whole city; they have no buyer to narrow it to one buyer
    # or one district's buyers, whose own purchases are summed instead.
    return not lcr_slice.size_class or (lcr_slice.buyer is None and lcr_slice.district is None)


def lcr_rollup_cells(lcr_slice: LcrSlice | None = None, *, by_buyer: bool = False) -> QuerySet:
    """The non-empty rollup cells of a slice (procurement.rollups keeps them equal to the purchases).

    The city's cells (a few hundred rows) unless the slice or the grouping needs the buyer (`by_buyer`).
    """
    lcr_slice = lcr_slice or LcrSlice()
    if not _answered_by_rollups(lcr_slice) or (by_buyer and lcr_slice.size_class):
        raise ValueError("a supplier size class by buyer is not held in the rollup cells")
    if lcr_slice.size_class:
        queryset = LcrSizeRollup.objects.order_by().filter(
            purchase_count__gt=0, supplier_size_class=lcr_slice.size_class)
        if lcr_slice.year is not None:
            queryset = queryset.filter(year=lcr_slice.year)
        if lcr_slice.category is not None:
            queryset = queryset.filter(category_id__in=lcr_slice.category.descendant_ids())
        return queryset
    if not by_buyer and lcr_slice.buyer is None and lcr_slice.district is None:
        queryset = LcrCityRollup.objects.order_by().filter(purchase_count__gt=0)
        if lcr_slice.year is not None:
            queryset = queryset.filter(year=lcr_slice.year)
        if lcr_slice.category is not None:
            queryset = queryset.filter(category_id__in=lcr_slice.category.descendant_ids())
        return queryset
    queryset = LcrRollup.objects.order_by().filter(purchase_count__gt=0)
    if lcr_slice.buyer is not None:
        queryset = queryset.filter(buyer=lcr_slice.buyer)
    if lcr_slice.year is not None:
        queryset = queryset.filter(year=lcr_slice.year)
    if lcr_slice.category is not None:
        queryset = queryset.filter(category_id__in=lcr_slice.category.descendant_ids())
    if lcr_slice.district is not None:
        queryset = queryset.filter(buyer__district=lcr_slice.district)
    return queryset


def _as_slice(value) -> LcrSlice:
    if isinstance(value, dict):
        return LcrSlice(**value)
    return value or LcrSlice()


def lcr_totals(queryset_or_slice=None) -> dict:
    """{"local_amount", "total_amount", "purchase_count"} of a queryset, an LcrSlice or a dict of its parts.

    A slice is read from the rollup cells (a few rows whatever the number of purchases); a queryset of
    purchases (any filter at all) is summed as it is.
    """
    if isinstance(queryset_or_slice, QuerySet):
        totals = queryset_or_slice.order_by().aggregate(**_sums())
    else:
        lcr_slice = _as_slice(queryset_or_slice)
        if not _answered_by_rollups(lcr_slice):
            totals = lcr_purchases(lcr_slice).aggregate(**_sums())
        else:
            return _from_fen(lcr_rollup_cells(lcr_slice).aggregate(**_rollup_sums()))
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


def _grouped(cells: QuerySet, key_field: str) -> dict:
    """{key: {"key", "local_fen", "total_fen", "count"}}: whole fen, to be added up before turning into CNY."""
    rows = cells.values(key_field).annotate(**_rollup_sums()).order_by()
    return {row[key_field]: {"key": row[key_field], "local_fen": int(row["local_fen"]),
                             "total_fen": int(row["total_fen"]), "count": int(row["count"])} for row in rows}


def _top_level_of() -> tuple[list[Category], dict[int, int]]:
    """The top-level categories in taxonomy order, and {category id: its top-level category's id}."""
    categories = list(Category.objects.order_by("position", "name"))
    parent_of = {category.pk: category.parent_id for category in categories}
    top_of = {}
    for pk in parent_of:
        top, seen = pk, set()
        while parent_of.get(top) is not None and top not in seen:
            seen.add(top)
            top = parent_of[top]
        top_of[pk] = top
    return [category for category in categories if category.parent_id is None], top_of


def lcr_by(dimension: str, lcr_slice: LcrSlice | None = None) -> list[dict]:
    """Rows of figures per year, top-level category, anchor firm or (buyer's) district, each with its LCR.

    Years come in order; categories in taxonomy order and districts by code, each listed even when empty
    (its LCR None); anchor firms only when they have purchases in the slice, highest LCR first.
    """
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    lcr_slice = lcr_slice or LcrSlice()
    if dimension == "year":
        cells = lcr_rollup_cells(lcr_slice)
        groups = _grouped(cells, "year")
        return [_with_ratio({"key": year, **_from_fen(groups[year]), "label": str(year)}) for year in sorted(groups)]

    if dimension == "category":
        cells = lcr_rollup_cells(lcr_slice)
        # Cells hold a purchase's own category: each is added to its top-level category's row here.
        tops, top_of = _top_level_of()
        totals: dict[int, list[int]] = {}
        for category_id, local_fen, total_fen, count in cells.values("category_id").annotate(
            **_rollup_sums()
        ).values_list("category_id", "local_fen", "total_fen", "count").order_by():
            sums = totals.setdefault(top_of.get(category_id), [0, 0, 0])
            sums[0] += local_fen
            sums[1] += total_fen
            sums[2] += count
        rows = []
        for top in tops:
            if top.pk in totals:
                local_fen, total_fen, count = totals[top.pk]
                rows.append(_with_ratio({
                    "key": top.pk, "label": top.display_name, "slug": top.slug,
                    **_from_fen({"local_fen": local_fen, "total_fen": total_fen, "count": count}),
                }))
            else:
                rows.append(_empty_row(key=top.pk, label=top.display_name, slug=top.slug))
        return rows

    # The district and the anchor firm are both properties of the buyer: one scan of the cells per buyer serves both.
    figures = BuyerFigures(lcr_slice)
    return figures.district_rows() if dimension == "district" else figures.anchor_rows()


class BuyerFigures:
    """A slice's sums per buyer (one GROUP BY over the buyers' cells, no join), and from them the rows per district
    of the buyer and per anchor firm: the dashboard draws both tables from this one read."""

    def __init__(self, lcr_slice: LcrSlice):
        self.groups = _grouped(lcr_rollup_cells(lcr_slice, by_buyer=True), "buyer_id")
        self.buyers = {}
        ids = sorted(self.groups)
        for start in range(0, len(ids), 5000):  # as many buyers as have purchases, never one query per buyer
            # Named tuples rather than model instances: half the time for the hundreds of buyers of a table.
            self.buyers.update(
                (buyer.pk, buyer) for buyer in Company.objects.filter(pk__in=ids[start:start + 5000]).values_list(
                    "pk", "name", "uscc", "district_id", "is_anchor", named=True)
            )

    def district_rows(self) -> list[dict]:
        """Every district by code, with the figures of its buyers' purchases (LCR None when it has none)."""
        sums: dict[int, list[int]] = {}
        for pk, row in self.groups.items():
            buyer = self.buyers.get(pk)
            if buyer is None or buyer.district_id is None:
                continue
            total = sums.setdefault(buyer.district_id, [0, 0, 0])
            total[0] += row["local_fen"]
            total[1] += row["total_fen"]
            total[2] += row["count"]
        rows = []
        for district in District.objects.order_by("code"):
            if district.pk in sums:
                local_fen, total_fen, count = sums[district.pk]
                rows.append(_with_ratio({
                    "key": district.pk, "label": district.display_name, "code": district.code,
                    **_from_fen({"local_fen": local_fen, "total_fen": total_fen, "count": count}),
                }))
            else:
                rows.append(_empty_row(key=district.pk, label=district.display_name, code=district.code))
        return rows

    def anchor_rows(self) -> list[dict]:
        """The anchor firms with purchases in the slice, highest LCR first (for ranking them)."""
        rows = [
            _with_ratio({"key": pk, **_from_fen(row), "label": self.buyers[pk].name, "uscc": self.buyers[pk].uscc})
            for pk, row in self.groups.items() if pk in self.buyers and self.buyers[pk].is_anchor
        ]
        rows.sort(key=lambda row: (-row["lcr_percent"], -row["total_amount"], row["label"]))
        return rows


def anchor_ranking(year: int | None, size: int = 10, *, figures: BuyerFigures | None = None) -> dict:
    """The anchor firms with purchases in a year: the `size` highest and the `size` lowest LCR (lowest last).

    `figures`: the year's BuyerFigures when the caller has already read them (the dashboard, for its districts).
    """
    rows = (figures or BuyerFigures(LcrSlice(year=year))).anchor_rows()
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


def trend_year_figures(trend: dict, year: int) -> dict:
    """A year's figures (as lcr_figures gives them) out of an lcr_trend already read: no second query."""
    row = next((row for row in trend["series"] if row["year"] == year), None)
    if row is None:
        return _empty_row()
    return _with_ratio({"local_amount": row["local_amount"], "total_amount": row["total_amount"],
                        "purchase_count": row["purchase_count"]})


def buyer_purchase_totals(buyer: Company, *, year: int | None = None, category: Category | None = None,
                          local: bool | None = None) -> dict:
    """A buyer's number of purchases, their total and their local part, read from the rollup cells.

    For the buyer's own list of purchases: as fast with 75,000 purchases as with 100.
    """
    cells = lcr_rollup_cells(LcrSlice(buyer=buyer, year=year, category=category))
    if local is not None:
        cells = cells.filter(supplier_is_local=local)
    return _from_fen(cells.aggregate(**_rollup_sums()))
