"""The LCR as a database aggregation, on hand-computed slices."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from calculators.local_content import local_content_ratio
from procurement.selectors import (
    EMPTY_SLICE_MESSAGE,
    LcrSlice,
    anchor_ranking,
    lcr_by,
    lcr_figures,
    lcr_totals,
    lcr_trend,
)
from registry.models import District
from tests import factories

pytestmark = pytest.mark.django_db


def buy(buyer, supplier, amount, *, year=2026, category="solid-state-cells", **fields):
    return factories.make_purchase(
        buyer, supplier, amount=Decimal(amount), purchased_on=date(year, 3, 1),
        category=factories.category(category), **fields,
    )


@pytest.fixture
def outside(db):
    return factories.make_company(name="Elsewhere Co", local=False)


def test_all_local_is_one_hundred_percent(anchor_company, company_x):
    buy(anchor_company, company_x, "100.00")
    buy(anchor_company, company_x, "50.50")
    figures = lcr_figures(LcrSlice(buyer=anchor_company))
    assert figures["local_amount"] == figures["total_amount"] == Decimal("150.50")
    assert figures["lcr_percent"] == Decimal("100.00")
    assert figures["purchase_count"] == 2


def test_none_local_is_zero_percent(anchor_company, outside):
    buy(anchor_company, outside, "300.00")
    buy(anchor_company, None, "700.00")
    figures = lcr_figures(LcrSlice(buyer=anchor_company))
    assert figures["local_amount"] == Decimal("0")
    assert figures["total_amount"] == Decimal("1000.00")
    assert figures["lcr_percent"] == Decimal("0.00")


def test_mixed_slice_rounds_half_up_to_two_places(anchor_company, company_x, outside):
    # 382.50 / 1000.00 = 38.25 %; 1 / 3 = 33.333… → 33.33 %
    buy(anchor_company, company_x, "382.50")
    buy(anchor_company, outside, "617.50")
    assert lcr_figures()["lcr_percent"] == Decimal("38.25")
    other = factories.make_company(anchor=True)
    buy(other, company_x, "1.00", year=2024)
    buy(other, outside, "2.00", year=2024)
    assert lcr_figures(LcrSlice(buyer=other))["lcr_percent"] == Decimal("33.33")


def test_empty_slice_has_no_ratio_and_says_so(anchor_company, company_x):
    buy(anchor_company, company_x, "100.00", year=2026)
    figures = lcr_figures(LcrSlice(year=2019))
    assert figures == {
        "local_amount": Decimal("0"), "total_amount": Decimal("0"), "purchase_count": 0,
        "lcr_percent": None, "message": str(EMPTY_SLICE_MESSAGE),
    }
    assert "No purchases recorded" in figures["message"]


def test_lcr_totals_takes_a_queryset_a_slice_or_a_dict(anchor_company, company_x, outside):
    from procurement.models import Purchase

    buy(anchor_company, company_x, "10.00")
    buy(anchor_company, outside, "30.00")
    expected = {"local_amount": Decimal("10.00"), "total_amount": Decimal("40.00"), "purchase_count": 2}
    assert lcr_totals(Purchase.objects.all()) == expected
    assert lcr_totals(LcrSlice(buyer=anchor_company)) == expected
    assert lcr_totals({"buyer": anchor_company, "year": 2026}) == expected


def test_category_slice_includes_its_children(anchor_company, company_x, outside):
    buy(anchor_company, company_x, "200.00", category="sulfide-electrolyte")
    buy(anchor_company, outside, "200.00", category="oxide-electrolyte")
    buy(anchor_company, company_x, "100.00", category="solid-electrolytes")  # on the parent itself
    buy(anchor_company, outside, "9999.00", category="solid-state-cells")  # another branch: left out
    figures = lcr_figures(LcrSlice(category=factories.category("solid-electrolytes")))
    assert figures["total_amount"] == Decimal("500.00")
    assert figures["lcr_percent"] == Decimal("60.00")
    leaf = lcr_figures(LcrSlice(category=factories.category("sulfide-electrolyte")))
    assert leaf["lcr_percent"] == Decimal("100.00")


def test_year_slice(anchor_company, company_x, outside):
    buy(anchor_company, company_x, "100.00", year=2025)
    buy(anchor_company, outside, "300.00", year=2026)
    buy(anchor_company, company_x, "100.00", year=2026)
    assert lcr_figures(LcrSlice(year=2025))["lcr_percent"] == Decimal("100.00")
    assert lcr_figures(LcrSlice(year=2026))["lcr_percent"] == Decimal("25.00")


def test_district_slice_is_the_buyers_district(company_x, outside):
    kunshan = District.objects.get(code="320583")
    taicang = District.objects.get(code="320585")
    in_kunshan = factories.make_company(anchor=True, district=kunshan)
    in_taicang = factories.make_company(anchor=True, district=taicang)
    buy(in_kunshan, outside, "100.00")  # the supplier's district plays no part
    buy(in_taicang, company_x, "100.00")
    assert lcr_figures(LcrSlice(district=kunshan))["lcr_percent"] == Decimal("0.00")
    assert lcr_figures(LcrSlice(district=taicang))["lcr_percent"] == Decimal("100.00")
    rows = {row["code"]: row for row in lcr_by("district", LcrSlice(year=2026))}
    assert rows["320583"]["total_amount"] == Decimal("100.00")
    assert rows["320585"]["lcr_percent"] == Decimal("100.00")
    assert rows["320505"]["lcr_percent"] is None  # listed, without a ratio


def test_size_slice_is_the_suppliers_size_class(anchor_company):
    small = factories.make_company(employees=20, revenue_cny=Decimal("3000000"))
    large = factories.make_company(employees=3000, revenue_cny=Decimal("900000000"), local=False)
    assert small.size_class != large.size_class
    buy(anchor_company, small, "40.00")
    buy(anchor_company, large, "60.00")
    figures = lcr_figures(LcrSlice(size_class=small.size_class))
    assert figures["total_amount"] == Decimal("40.00")
    assert figures["lcr_percent"] == Decimal("100.00")


def test_snapshot_unchanged_after_the_supplier_loses_its_status(anchor_company, company_x, outside):
    buy(anchor_company, company_x, "250.00")
    buy(anchor_company, outside, "750.00")
    company_x.locality_confirmed = False
    company_x.status = company_x.Status.SUSPENDED
    company_x.save()
    assert lcr_figures()["lcr_percent"] == Decimal("25.00")


def test_lcr_by_category_groups_children_under_their_top_level(anchor_company, company_x, outside):
    buy(anchor_company, company_x, "30.00", category="sulfide-electrolyte")
    buy(anchor_company, outside, "70.00", category="halide-electrolyte")
    buy(anchor_company, company_x, "50.00", category="solid-state-packs")
    rows = {row["slug"]: row for row in lcr_by("category", LcrSlice(year=2026))}
    assert rows["solid-electrolytes"]["total_amount"] == Decimal("100.00")
    assert rows["solid-electrolytes"]["lcr_percent"] == Decimal("30.00")
    assert rows["cells-and-packs"]["lcr_percent"] == Decimal("100.00")
    assert rows["recycling"]["lcr_percent"] is None
    assert "sulfide-electrolyte" not in rows  # top-level categories only


def test_lcr_by_year_and_by_buyer_are_sorted(company_x, outside):
    high = factories.make_company(name="High Anchor", anchor=True)
    low = factories.make_company(name="Low Anchor", anchor=True)
    not_anchor = factories.make_company(name="Not an anchor")
    buy(high, company_x, "90.00", year=2026)
    buy(high, outside, "10.00", year=2026)
    buy(low, outside, "100.00", year=2026)
    buy(low, company_x, "100.00", year=2024)
    buy(not_anchor, company_x, "100.00", year=2026)
    assert [row["key"] for row in lcr_by("year")] == [2024, 2026]
    buyers = lcr_by("buyer", LcrSlice(year=2026))
    assert [(row["label"], row["lcr_percent"]) for row in buyers] == [
        ("High Anchor", Decimal("90.00")), ("Low Anchor", Decimal("0.00")),
    ]
    ranking = anchor_ranking(2026)
    assert ranking["top"][0]["label"] == "High Anchor"
    assert ranking["bottom"][0]["label"] == "Low Anchor"


def test_trend_runs_from_first_year_to_now_beside_the_target(settings, anchor_company, company_x, outside):
    settings.LCR_BASELINE_YEAR = 2025
    buy(anchor_company, company_x, "38.00", year=2024)
    buy(anchor_company, outside, "62.00", year=2024)
    buy(anchor_company, company_x, "52.00", year=2026)
    buy(anchor_company, outside, "48.00", year=2026)
    trend = lcr_trend(today=date(2027, 1, 5))
    assert trend["baseline_year"] == 2025
    assert [(p["year"], p["lcr_percent"], p["target_percent"]) for p in trend["series"]] == [
        (2024, Decimal("38.00"), None),
        (2025, None, Decimal("40.00")),
        (2026, Decimal("52.00"), Decimal("46.00")),
        (2027, None, Decimal("52.00")),
    ]


purchase_rows = st.lists(
    st.tuples(
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), places=2),
        st.booleans(),  # local supplier
        st.sampled_from([2024, 2025, 2026]),
        st.sampled_from(["sulfide-electrolyte", "solid-state-cells", "graphene"]),
    ),
    max_size=12,
)


@hypothesis_settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=purchase_rows)
def test_the_city_ratio_equals_the_ratio_of_its_parts_summed(anchor_company, company_x, rows):
    from procurement.models import LcrCityRollup, LcrRollup, Purchase

    Purchase.objects.all().delete()  # hypothesis runs every example inside the same test transaction
    LcrRollup.objects.all().delete()
    LcrCityRollup.objects.all().delete()
    for amount, local, year, category in rows:
        buy(anchor_company, company_x if local else None, amount, year=year, category=category)
    city = lcr_figures()
    for parts in (lcr_by("year"), lcr_by("category")):
        local = sum((row["local_amount"] for row in parts), Decimal("0"))
        total = sum((row["total_amount"] for row in parts), Decimal("0"))
        assert (local, total) == (city["local_amount"], city["total_amount"])
        assert city["lcr_percent"] == local_content_ratio(local, total)
    assert city["lcr_percent"] is None if not rows else Decimal("0") <= city["lcr_percent"] <= Decimal("100")
