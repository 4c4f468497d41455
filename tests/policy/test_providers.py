"""Each figure the policy app provides, against records whose figures are computed by hand (tests/policy/builders)."""

from datetime import date
from decimal import Decimal

import pytest

from policy import providers
from policy.scoreboard import Comparison, Status
from tests import factories
from tests.policy import builders
from tests.policy.builders import TODAY, YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _baseline(settings):
    settings.LCR_BASELINE_YEAR = builders.BASELINE


def by_key(figures) -> dict:
    return {figure.key: figure for figure in figures}


# --- the LCR path ---------------------------------------------------------------------------------------------


def test_the_city_lcr_this_year_behind_its_step_with_the_trend_since_the_baseline():
    builders.lcr_purchases()  # 2026: 450 of 1,000 local
    lcr = by_key(providers.lcr_provider(None, TODAY))["lcr"]
    assert lcr.value == Decimal("45.00")
    assert lcr.target == Decimal("46.00")  # 40 % + 30 % × 1/5
    assert lcr.unit == "%"
    assert lcr.resolved_status == Status.BEHIND
    # From the baseline (2024 is before the path), to this year.
    assert lcr.trend == ((2025, Decimal("40.00")), (2026, Decimal("45.00")))
    assert lcr.trend_target == ((2025, Decimal("40.00")), (2026, Decimal("46.00")))
    assert lcr.public
    assert lcr.url == "/dashboard/"
    assert "40 %" in lcr.target_text and "70 %" in lcr.target_text and "2030" in lcr.target_text
    assert "46 % for 2026" in lcr.target_text


@pytest.mark.parametrize(("local", "outside", "status"), [
    ("460.00", "540.00", Status.ON_TRACK),  # exactly the step: 46.00 %
    ("459.90", "540.10", Status.BEHIND),  # 45.99 %
    ("700.00", "300.00", Status.MET),  # the path's end, 70 %, reached early
])
def test_the_lcr_status_is_this_year_s_step_of_the_path(local, outside, status):
    builders.lcr_purchases(local, outside)
    assert by_key(providers.lcr_provider(None, TODAY))["lcr"].resolved_status == status


@pytest.mark.parametrize(("value", "target", "final", "status"), [
    (None, Decimal("46"), Decimal("70"), Status.NO_DATA),
    (Decimal("50"), None, Decimal("70"), Status.MEASURED),  # before the baseline: no step to hold it against
    (Decimal("70"), Decimal("46"), Decimal("70"), Status.MET),
    (Decimal("46"), Decimal("46"), Decimal("70"), Status.ON_TRACK),
    (Decimal("45.99"), Decimal("46"), Decimal("70"), Status.BEHIND),
])
def test_lcr_status(value, target, final, status):
    assert providers.lcr_status(value, target, final) == status


def test_no_purchases_this_year_is_no_data_not_zero():
    anchor = factories.make_company(anchor=True)
    factories.make_purchase(anchor, factories.make_company(), purchased_on=date(2025, 3, 1))
    lcr = by_key(providers.lcr_provider(None, TODAY))["lcr"]
    assert lcr.value is None
    assert lcr.resolved_status == Status.NO_DATA
    assert lcr.trend == ((2025, Decimal("100.00")), (2026, None))


def test_the_anchor_firms_share_is_for_officials_only(official):
    """Two anchor firms buy in 2026: one at 50 % (above the 46 % step), one at 10 %: 50.00 % of them reach it.
    A buyer that is not an anchor firm is not counted."""
    local, outside = factories.make_company(), factories.make_company(local=False)
    for share in (50, 10):
        anchor = factories.make_company(anchor=True)
        factories.make_purchase(anchor, local, amount=Decimal(share), purchased_on=date(YEAR, 3, 1))
        factories.make_purchase(anchor, outside, amount=Decimal(100 - share), purchased_on=date(YEAR, 3, 1))
    other = factories.make_company()
    factories.make_purchase(other, outside, amount=Decimal("100"), purchased_on=date(YEAR, 3, 1))

    assert "lcr.anchors" not in by_key(providers.lcr_provider(None, TODAY))
    anchors = by_key(providers.lcr_provider(official, TODAY))["lcr.anchors"]
    assert anchors.value == Decimal("50.00")
    assert not anchors.public
    assert anchors.resolved_status == Status.MEASURED
    assert anchors.detail == f"Anchor firms with purchases in {YEAR} reaching it: 1 of 2."


@pytest.mark.parametrize(("part", "whole", "share"), [(1, 3, Decimal("33.33")), (2, 3, Decimal("66.67")),
                                                      (0, 5, Decimal("0.00")), (3, 0, None)])
def test_share_percent(part, whole, share):
    assert providers.share_percent(part, whole) == share


# --- the directory's Table 1 figures ---------------------------------------------------------------------------


def test_table1_figures_count_local_published_products_and_report_the_best_value():
    builders.directory_products()
    figures = by_key(providers.directory_provider(None, TODAY))

    sulfide = figures["rd.directory.sulfide-electrolyte.ionic_conductivity"]
    assert sulfide.value == Decimal("0.02")
    assert sulfide.target == Decimal("0.01")
    assert sulfide.comparison == Comparison.MORE_THAN
    assert sulfide.unit == "S/cm"
    assert sulfide.resolved_status == Status.MET
    assert (sulfide.extra["products"], sulfide.extra["meeting"]) == (4, 2)
    assert sulfide.detail == "Local products meeting it: 2 of 4."
    assert sulfide.target_text == "> 1 × 10⁻² S/cm"
    assert sulfide.url == "/directory/?category=sulfide-electrolyte&local=true"

    oxide = figures["rd.directory.oxide-electrolyte.area_specific_resistance"]
    assert oxide.value == Decimal("12")  # lower is better: the smallest
    assert oxide.comparison == Comparison.LESS_THAN
    assert oxide.resolved_status == Status.BEHIND
    assert (oxide.extra["products"], oxide.extra["meeting"]) == (2, 0)

    cathode = figures["rd.directory.li-rich-mn-cathode.specific_capacity"]
    assert cathode.value is None and cathode.resolved_status == Status.NO_DATA


def test_every_table1_row_is_a_figure_and_cells_are_left_to_the_demonstration_section():
    keys = set(by_key(providers.directory_provider(None, TODAY)))
    assert keys == {
        "rd.directory.sulfide-electrolyte.ionic_conductivity",
        "rd.directory.oxide-electrolyte.area_specific_resistance",
        "rd.directory.li-rich-mn-cathode.specific_capacity",
        "rd.directory.li-rich-mn-cathode.capacity_decay_per_cycle",
        "rd.directory.lithium-metal-anode.coulombic_efficiency",
        "rd.directory.composite-copper.weight_reduction",
        "rd.directory.composite-aluminium.weight_reduction",
    }


def test_a_figure_s_count_agrees_with_the_products_meets_city_target_flag():
    """A single-figure category: the products counted as meeting the figure are those flagged "meets city target"."""
    from registry.models import Product

    builders.directory_products()
    sulfide = by_key(providers.directory_provider(None, TODAY))["rd.directory.sulfide-electrolyte.ionic_conductivity"]
    flagged = Product.objects.filter(
        category__slug="sulfide-electrolyte", meets_target=True, company__locality_confirmed=True,
        company__status="verified", company__verified_until__gte=TODAY,
    ).count()
    assert sulfide.extra["meeting"] == flagged == 2


# --- tiered support: the money programmes and the standards --------------------------------------------------------


def test_programme_totals_approved_and_paid_by_year(official):
    builders.programme_applications()
    figures = by_key(providers.support_provider(None, TODAY))

    approved = figures["support.rd_matching.approved"]
    assert approved.value == Decimal("450000.00")
    assert approved.unit == "CNY"
    assert approved.trend == ((2025, Decimal("450000.00")), (2026, Decimal("0.00")))
    assert approved.resolved_status == Status.MEASURED
    assert approved.public
    assert "15 %" in approved.target_text

    paid = figures["support.rd_matching.paid"]
    assert paid.value == Decimal("300000.00")
    assert paid.trend == ((2026, Decimal("300000.00")),)

    assert figures["support.local_procurement.approved"].value == Decimal("1344.57")
    assert figures["support.local_procurement.paid"].value == Decimal("1334.57")
    assert figures["support.local_procurement.paid"].trend == ((2026, Decimal("1334.57")),)
    assert "5 %" in figures["support.local_procurement.paid"].target_text

    # The records behind the totals are the officials': the public reads the totals without a link.
    assert figures["support.rd_matching.paid"].url == ""
    official_url = by_key(providers.support_provider(official, TODAY))["support.rd_matching.paid"].url
    assert official_url.startswith("/admin/procurement/subsidyapplication/")


def test_international_standards_led_and_taken_part_in_by_year():
    builders.standards_participations()
    figures = by_key(providers.support_provider(None, TODAY))
    led = figures["support.standards.led"]
    assert led.value == Decimal("1")
    assert led.trend == ((2025, Decimal("1")), (2026, Decimal("0")))
    joined = figures["support.standards.joined"]
    assert joined.value == Decimal("2")
    assert joined.trend == ((2026, Decimal("2")),)
    assert joined.url == "/alliance/standards/?level=international"
    assert "¥1,000,000.00" in led.target_text and "¥500,000.00" in joined.target_text


def test_without_records_every_support_figure_has_no_data():
    for figure in providers.support_provider(None, TODAY):
        assert figure.value is None, figure.key
        assert figure.resolved_status == Status.NO_DATA
        assert figure.trend == ()
