"""A filtered directory search shows why each company matched, in English and Chinese, at 1280 px and on a 360 px
phone (issue 10): with a figure filter active, every result names its matching product and that product's figure
values with their units, on the screen, and the active filter is shown as a chip in the reader's language."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from registry.figures import FIGURES
from tests.factories import make_company, make_product

pytestmark = pytest.mark.django_db(transaction=True)

SEARCH = "/directory/?category=sulfide-electrolyte&min_ionic_conductivity=1e-2"
# Each matching company, its product that matches and the product's value as shown, and a product that does not.
MATCHES = {
    "Fast Sulfide Co": ("LPSCl-Fast", "1.2 × 10⁻² S/cm", "LPSCl-Slow"),
    "Argyrodite Materials (Suzhou) Co., Ltd.": ("Argyrodite-HC 25", "2.5 × 10⁻² S/cm", "Argyrodite-Basic"),
}

# Parts of a result that stick out of the screen's width: a figure or a product name cut off at the side.
OFF_SCREEN = """(width) => Array.from(document.querySelectorAll(".result-list *"))
  .filter((el) => { const box = el.getBoundingClientRect(); return box.width > 0 && box.right > width + 0.5; })
  .map((el) => el.textContent.trim().slice(0, 40)).slice(0, 5)"""


@pytest.fixture
def suppliers(reference_data):
    fast = make_company(name="Fast Sulfide Co")
    make_product(fast, name="LPSCl-Fast", figures={"ionic_conductivity": 0.012})
    make_product(fast, name="LPSCl-Slow", figures={"ionic_conductivity": 0.001})
    argyrodite = make_company(name="Argyrodite Materials (Suzhou) Co., Ltd.")
    make_product(argyrodite, name="Argyrodite-HC 25", figures={"ionic_conductivity": 0.025})
    make_product(argyrodite, name="Argyrodite-Basic", figures={"ionic_conductivity": 0.003})
    slow = make_company(name="Slow Sulfide Co")
    make_product(slow, name="Slow-Only", figures={"ionic_conductivity": 0.002})


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("width", [1280, 360])
def test_each_result_shows_its_matching_product_and_figures_with_units(browser, live_server, suppliers, language,
                                                                      width):
    with translation.override(language):
        label = str(FIGURES["ionic_conductivity"].label)
        matches_with = translation.gettext("Matches with:")
    if language != "en":
        assert label != "Ionic conductivity at 25 °C"  # the figure's name is translated
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 800})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto(SEARCH)

    # The figure filter is active and says so, in the reader's language.
    expect(page.locator(".active-filters .chip", has_text=label)).to_have_count(1)

    results = page.locator(".result-list > li")
    expect(results).to_have_count(len(MATCHES))
    for company, (product, value, other) in MATCHES.items():
        result = results.filter(has=page.get_by_role("link", name=company, exact=True))
        expect(result).to_have_count(1)
        reason = result.locator(".match-reason")
        expect(reason).to_be_visible()
        expect(reason).to_contain_text(matches_with)
        expect(reason.locator(".match-product")).to_have_text([product])
        expect(reason.locator(".match-figures li")).to_have_text([f"{label}: {value}"])
        expect(reason.locator(".match-figures strong")).to_be_visible()
        expect(reason).not_to_contain_text(other)
    expect(page.get_by_role("link", name="Slow Sulfide Co")).to_have_count(0)

    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(OFF_SCREEN, width) == []
    context.close()
