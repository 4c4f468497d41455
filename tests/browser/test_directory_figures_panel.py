"""A buyer searching the directory by figures, at 1280 px and on a phone at 360 px (issue 10)."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_company, make_product

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def suppliers():
    fast = make_company(name="Fast Sulfide Co")
    make_product(fast, name="LPSCl-Fast", figures={"ionic_conductivity": 0.012})
    make_product(fast, name="LPSCl-Slow", figures={"ionic_conductivity": 0.001})
    slow = make_company(name="Slow Sulfide Co")
    make_product(slow, name="Argyrodite-Slow", figures={"ionic_conductivity": 0.002})
    cells = make_company(name="Cells Co")
    make_product(cells, name="GridCell", category_slug="solid-state-cells", figures={"cycle_life": 16000})


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= height


def test_a_buyer_filters_by_category_and_figure_and_sees_why_each_company_matched(page, suppliers):
    page.goto("/directory/")
    # Without a category every figure is offered; Apply stays in view while the long panel is read.
    page.locator(".figure-filters > summary").click()
    expect(page.get_by_label("Cycle life, at least, cycles")).to_be_visible()
    page.get_by_label("Peak discharge rate, at most, C").scroll_into_view_if_needed()
    assert in_viewport(page, page.get_by_role("button", name="Apply filters"))

    # Type-ahead on the category list finds a subcategory by its name (no "— " in front of it).
    page.get_by_label("Category", exact=True).focus()
    page.keyboard.type("Sulf")
    expect(page.get_by_label("Category", exact=True)).to_have_value("sulfide-electrolyte")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"category=sulfide-electrolyte"))

    # Only the chosen category's figures, each named by figure, bound and unit.
    conductivity = page.get_by_label("Ionic conductivity at 25 °C, at least, S/cm")
    expect(conductivity).to_be_visible()
    expect(page.get_by_label("Cycle life, at least, cycles")).to_have_count(0)
    conductivity.fill("1e-2")
    page.get_by_role("button", name="Apply filters").click()

    results = page.locator(".result-list")
    expect(results.get_by_role("link", name="Fast Sulfide Co")).to_be_visible()
    expect(results.get_by_role("link", name="Slow Sulfide Co")).to_have_count(0)
    reason = results.locator(".match-reason")
    expect(reason).to_contain_text("LPSCl-Fast")
    expect(reason).to_contain_text("Ionic conductivity at 25 °C: 1.2 × 10⁻² S/cm")
    expect(reason).not_to_contain_text("LPSCl-Slow")


def test_on_a_phone_the_panel_folds_away_after_applying(phone_page, suppliers):
    page = phone_page
    page.goto("/directory/")
    fold = page.locator("details.filter-fold")
    expect(fold).to_have_attribute("open", "")  # nothing applied yet: the filters come first
    page.get_by_label("Category", exact=True).select_option("sulfide-electrolyte")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"category=sulfide-electrolyte"))

    expect(fold).not_to_have_attribute("open", "")
    expect(page.get_by_role("link", name="Fast Sulfide Co")).to_be_visible()
    page.locator("details.filter-fold > summary").click()
    expect(page.get_by_label("Ionic conductivity at 25 °C, at least, S/cm")).to_be_visible()


def test_choosing_another_category_hides_figures_it_does_not_use(page, suppliers):
    page.goto("/directory/?category=solid-electrolytes")
    resistance = page.get_by_label("Area-specific resistance, at least, Ω·cm²")
    expect(resistance).to_be_visible()
    page.get_by_label("Category", exact=True).select_option("sulfide-electrolyte")
    expect(resistance).to_be_hidden()
    expect(page.get_by_label("Ionic conductivity at 25 °C, at least, S/cm")).to_be_visible()
    page.get_by_label("Category", exact=True).select_option("solid-state-cells")
    expect(page.get_by_text("Apply the filters to see the figures of the category you chose.")).to_be_visible()
