"""The registry's pages on a 360 px wide phone: nothing scrolls sideways, and the filters come before the results."""

import pytest

from registry.models import Certificate, Product
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_WIDTH = 360
PASSWORD = "correct-horse-42"

# The elements whose right edge passes the screen's, innermost last: the failure message names the culprit.
OVERFLOWING = """(width) => Array.from(document.querySelectorAll("body *"))
  .filter((el) => el.getBoundingClientRect().right > width + 0.5 && getComputedStyle(el).display !== "none"
                  && !el.closest(".table-scroll, .visually-hidden"))
  .slice(-5)
  .map((el) => {
    const classes = typeof el.className === "string" ? el.className.trim().split(/\\s+/).join(".") : "";
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (classes ? "." + classes : "")
      + " right=" + Math.round(el.getBoundingClientRect().right);
  })"""


def assert_fits_the_phone(page, path):
    page.goto(path)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE_WIDTH, f"{path} is {scroll_width}px wide: {page.evaluate(OVERFLOWING, PHONE_WIDTH)}"
    # Tables sit in scrollers so that a wide one never widens the page; on a phone they stack and fit anyway.
    scrollers = page.eval_on_selector_all(".table-scroll", "els => els.map(el => el.scrollWidth - el.clientWidth)")
    assert all(excess <= 0 for excess in scrollers), f"{path}: a table scrolls sideways by {max(scrollers)}px"


@pytest.fixture
def populated_directory(reference_data):
    """A few published companies with long names, products with figures and certificates: what pages lay out."""
    sulfide = factories.category("sulfide-electrolyte")
    cells = factories.category("solid-state-cells")
    companies = []
    for number, (name, categories, product_category) in enumerate([
        ("Suzhou Industrial Park Advanced Solid-State Electrolyte Materials Technology Co., Ltd.", [sulfide],
         "sulfide-electrolyte"),
        ("昆山固态电池材料科技有限公司", [sulfide, cells], "sulfide-electrolyte"),
        ("Taicang Solid-State Cell Manufacturing Co., Ltd.", [cells], "solid-state-cells"),
    ]):
        company = factories.make_company(
            name=name, categories=categories, website="https://www.very-long-company-domain-name-example.com/en/",
            contact_email="procurement.department.contact@very-long-company-domain-name-example.com",
        )
        if product_category == "sulfide-electrolyte":
            factories.make_product(
                company, name=f"Argyrodite Li6PS5Cl electrolyte powder, battery grade {number}",
                figures={"ionic_conductivity": 1.2e-2}, stage=Product.Stage.MASS,
            )
        else:
            factories.make_product(
                company, category_slug=product_category, name="Pouch cell 20 Ah for low-altitude aircraft",
                application=Product.Application.DRONE, figures={"specific_energy": 420.0, "cycle_life": 1200},
            )
        factories.make_certificate(company, cert_type=Certificate.Type.IATF16949)
        companies.append(company)
    factories.make_company(name="Anchor Cells Ltd", anchor=True)
    return companies


@pytest.mark.parametrize("path", ["/", "/directory/", "/chain/", "/accounts/signup/", "/accounts/login/"])
def test_public_pages_fit_a_phone(phone_page, populated_directory, path):
    assert_fits_the_phone(phone_page, path)


def test_directory_with_filters_open_fits_a_phone_and_puts_the_filters_first(phone_page, populated_directory):
    assert_fits_the_phone(phone_page, "/directory/?category=sulfide-electrolyte&local=true&min_ionic_conductivity=1e-2")
    # Once filters are applied the panel folds away on a phone, saying how many are in use; it opens again.
    fold = phone_page.locator("details.filter-fold")
    assert fold.get_attribute("open") is None
    fold.locator("summary").first.click()
    phone_page.get_by_text("Performance figures", exact=True).click()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    panel = phone_page.locator(".filter-panel").bounding_box()
    results = phone_page.locator("#results").bounding_box()
    assert panel["y"] + panel["height"] <= results["y"]
    assert phone_page.locator(".result-list > li").count() == 2


def test_company_page_fits_a_phone_for_an_anchor_firm(phone_page, populated_directory):
    # Logged in as an anchor firm, so that the contact details (long e-mail addresses) are on the page too.
    factories.make_user(factories.make_company(anchor=True), username="anchor_buyer", password=PASSWORD)
    log_in(phone_page, "anchor_buyer")
    assert_fits_the_phone(phone_page, f"/directory/{populated_directory[0].pk}/")
    assert phone_page.get_by_role("link", name=populated_directory[0].contact_email).is_visible()


def test_my_company_page_fits_a_phone(phone_page, populated_directory, private_media):
    company = populated_directory[0]
    factories.make_user(company, username="supplier_on_phone", password=PASSWORD)
    log_in(phone_page, "supplier_on_phone")
    phone_page.wait_for_url("**/my/")
    assert_fits_the_phone(phone_page, "/my/")
    assert phone_page.locator("td strong", has_text="Argyrodite Li6PS5Cl electrolyte powder").is_visible()


def log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
