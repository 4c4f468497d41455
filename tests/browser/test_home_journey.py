"""A visitor opens the front page in a real browser, on a desktop and on a phone, and switches language."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_visitor_sees_headline_figures_and_switches_to_chinese(page):
    factories.make_company(local=True)
    page.goto("/")
    assert page.locator(".figure-value").first.inner_text() == "1"
    page.select_option("#language-select", "zh-hans")
    page.click(".language-switch button")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-hans"


def test_front_page_fits_a_phone_screen(phone_page):
    phone_page.goto("/")
    scroll_width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360
