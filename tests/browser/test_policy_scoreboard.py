"""The scoreboard as people read it, in English and Chinese, at 1280 px and on a 360 px phone: nothing off the side of
the screen, chart labels at least 12 px, every figure's status tag shown, the numbers by year one click away, and
no WCAG 2.2 AA violation (axe-core)."""

from datetime import date
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.utils import timezone

from tests import factories
from tests.policy import builders

pytestmark = pytest.mark.django_db(transaction=True)
YEAR = timezone.localdate().year

# Boxes inside <main> that reach past the screen's right edge (or its left).
OFF_SCREEN = """(width) => Array.from(document.querySelectorAll("main *"))
  .filter((element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && (box.right > width + 0.5 || box.left < -0.5) && !element.closest("details:not([open])");
  })
  .map((element) => element.tagName + " " + element.textContent.trim().slice(0, 40)).slice(0, 5)"""

# The smallest chart label as drawn on screen: the SVG's font size times the scale the SVG is drawn at.
SMALLEST_CHART_TEXT = """() => Math.min(...Array.from(document.querySelectorAll("svg.trend-chart text"))
  .filter((text) => text.getBoundingClientRect().width > 0)
  .map((text) => parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a))"""

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture
def records(reference_data):
    anchor = factories.make_company(name="Anchor Cells", anchor=True)
    local, outside = factories.make_company(), factories.make_company(local=False)
    for year in range(settings.LCR_BASELINE_YEAR, YEAR + 1):
        factories.make_purchase(anchor, local, amount=Decimal("412151478.36"), purchased_on=date(year, 1, 2))
        factories.make_purchase(anchor, outside, amount=Decimal("498000000.00"), purchased_on=date(year, 1, 3))
    factories.make_product(local, figures={"ionic_conductivity": "0.012"})
    builders.programme_applications()
    builders.standards_participations()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("width", [1280, 360])
def test_the_scoreboard_reads_well_in_both_languages_and_widths(browser, live_server, records, language, width):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto("/policy/")

    assert page.locator("html").get_attribute("lang") == language
    # The scoreboard's own stylesheet is there (policy/static/policy/scoreboard.css): each figure a grid row.
    assert page.locator("li.scoreboard-row").first.evaluate("(row) => getComputedStyle(row).display") == "grid"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(OFF_SCREEN, width) == []
    assert page.locator("svg.trend-chart").count() >= 5
    assert page.evaluate(SMALLEST_CHART_TEXT) >= 12
    rows = page.locator("li.scoreboard-row")
    assert rows.count() == page.locator("li.scoreboard-row .tag[class*=status-]").count() > 10
    # The LCR's row: its value, and its numbers by year behind a click.
    lcr = page.locator('li[data-key="lcr"]')
    assert "45.28 %" in lcr.inner_text()  # 412,151,478.36 of 910,151,478.36
    lcr.locator("summary").click()
    assert lcr.locator("table.trend-table tbody tr").count() == YEAR - settings.LCR_BASELINE_YEAR + 1
    if language == "zh-hans":
        assert page.locator("h2#group-lcr").inner_text() == "本地配套率"

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert results.response["violations"] == [], results.generate_report()
    context.close()
