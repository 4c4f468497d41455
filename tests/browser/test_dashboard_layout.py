"""The dashboard as an anchor firm reads it, in English and Chinese, at 1280 px and on a 360 px phone: every figure of
every table on the screen (no column hidden off to the side), chart labels at least 12 px, tags against the target."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-42"
YEAR = timezone.localdate().year

# Cells of the dashboard's tables whose box is not inside the screen's width.
CELLS_OFF_SCREEN = """(width) => Array.from(document.querySelectorAll("main table td, main table tbody th"))
  .filter((cell) => {
    const box = cell.getBoundingClientRect();
    return box.width > 0 && (box.right > width + 0.5 || box.left < -0.5);
  })
  .map((cell) => cell.textContent.trim()).slice(0, 5)"""

# Cells of the dashboard's tables that are not shown at all (a column hidden on a narrow screen): every figure of every
# table is on the screen, beside its columns or stacked under its column's name.
CELLS_HIDDEN = """() => Array.from(document.querySelectorAll("main table tbody td, main table tbody th"))
  .filter((cell) => {
    const box = cell.getBoundingClientRect();
    const style = getComputedStyle(cell);
    return box.width === 0 || box.height === 0 || style.visibility === "hidden" || style.display === "none";
  })
  .map((cell) => cell.textContent.trim()).slice(0, 5)"""

# The smallest chart label as drawn on screen: the SVG's font size times the scale the SVG is drawn at.
SMALLEST_CHART_TEXT = """() => Math.min(...Array.from(document.querySelectorAll("svg.chart text"))
  .filter((text) => text.getBoundingClientRect().width > 0)
  .map((text) => parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a))"""


@pytest.fixture
def anchor_with_purchases(reference_data):
    anchor = factories.make_company(name="Anchor Cells Ltd", anchor=True)
    local = factories.make_company(name="Local Electrolytes")
    outside = factories.make_company(name="Faraway Materials", local=False)
    user = factories.make_user(anchor, username="anchor_user", password=PASSWORD)
    for year, local_amount, outside_amount in ((YEAR - 2, "3200000.00", "6100000.00"), (YEAR - 1, "5100000.00",
                                                                                       "5000000.00"),
                                               (YEAR, "412151478.36", "98000000.00")):
        for supplier, amount, slug in ((local, local_amount, "sulfide-electrolyte"),
                                       (outside, outside_amount, "solid-state-cells")):
            factories.make_purchase(anchor, supplier, amount=Decimal(amount), purchased_on=date(year, 3, 1),
                                    category=factories.category(slug))
    return user


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("width", [1280, 360])
def test_every_figure_is_on_screen_and_charts_are_readable(browser, live_server, anchor_with_purchases, language,
                                                            width):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 800})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", "anchor_user")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.goto(f"/dashboard/?year={YEAR}")

    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(CELLS_OFF_SCREEN, width) == []
    assert page.evaluate(CELLS_HIDDEN) == []
    assert page.locator("main table tbody td").count() > 0
    for figure in page.locator(".headline-figure").all():
        assert figure.is_visible() and figure.bounding_box()["x"] + figure.bounding_box()["width"] <= width + 0.5
    assert page.evaluate(SMALLEST_CHART_TEXT) >= 12
    own = page.locator("#own-figures")
    if language == "en":
        assert own.get_by_text("On target").count() + own.get_by_text("Below target").count() > 0
        assert page.get_by_text("¥412.15 million").count() > 0
    else:
        assert own.get_by_text("达到目标").count() + own.get_by_text("低于目标").count() > 0
        assert page.get_by_text("¥4.12亿").count() > 0
    context.close()
