"""Issue 2's journey through the real pages: a supplier signs up and fills in its records, an official
verifies it in the admin, and an anchor firm finds it in the directory and exports the result.

The company is created only through the browser; the ORM sets up the people who are already there (the
official, the anchor firm) and the control companies the directory must leave out.
"""

import csv
import io
import random
import re
from datetime import date, timedelta

import pandas as pd
import pytest
from playwright.sync_api import expect

from registry.identifiers import ALPHABET, with_check_digit
from registry.models import Company
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Solid-state-2026!"
COMPANY_NAME = "Kunshan Sulfide Materials Co., Ltd."


def new_uscc() -> tuple[str, str]:
    """A valid USCC of the city (division 320583) and the same code with a wrong check digit."""
    body = "91320583MA" + "".join(random.choices(ALPHABET, k=6)) + "K"
    valid = with_check_digit(body)
    wrong = next(c for c in ALPHABET if c != valid[-1])
    return valid, body + wrong


def sign_up(page, uscc: str, bad_uscc: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Register a company", exact=True).click()
    page.wait_for_url("**/accounts/signup/")

    page.fill("#id_username", "kunshan_sulfide")
    page.fill("#id_email", "sales@ks-sulfide.example.com")
    page.fill("#id_uscc", bad_uscc)
    page.fill("#id_name", COMPANY_NAME)
    page.fill("#id_employees", "85")
    page.fill("#id_revenue_cny", "42,000,000")
    page.get_by_label("Sulfide electrolytes", exact=True).check()
    page.fill("#id_contact_name", "Zhang Min")
    page.fill("#id_contact_phone", "0512-57001234")
    page.fill("#id_contact_email", "zhang.min@ks-sulfide.example.com")

    def type_passwords_and_register():
        page.fill("#id_password1", PASSWORD)
        page.fill("#id_password2", PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Register", exact=True).click()

    type_passwords_and_register()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name=re.compile("check digit"))).to_have_attribute("href", "#id_uscc")
    expect(page.locator("#id_uscc_error")).to_contain_text("check digit")
    expect(page.locator("#id_name")).to_have_value(COMPANY_NAME)
    expect(page.locator("#id_uscc")).to_have_value(bad_uscc)
    expect(page.get_by_label("Sulfide electrolytes", exact=True)).to_be_checked()

    page.fill("#id_uscc", uscc)
    type_passwords_and_register()
    page.wait_for_url("**/my/")
    expect(page.locator("h1 .tag")).to_have_text("Pending verification")
    expect(page.locator(".messages")).to_contain_text("awaits verification")


def add_product(page) -> None:
    page.get_by_role("link", name="Add a product").click()
    page.wait_for_url("**/my/products/new/")
    page.fill("#id_name", "KS-LPSC argyrodite electrolyte powder")
    page.select_option("#id_category", label="Sulfide electrolytes")
    page.get_by_label("Mass production").check()
    conductivity = page.locator("#id_figure_ionic_conductivity")
    expect(conductivity).to_be_visible()
    expect(page.locator("#id_figure_ionic_conductivity + .unit")).to_have_text("S/cm")
    conductivity.fill("1.2e-2")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the product").click()
    page.wait_for_url("**/my/#products")
    row = page.locator("#products ~ .table-scroll tr", has_text="KS-LPSC argyrodite")
    expect(row).to_contain_text("1.2 × 10⁻² S/cm")
    expect(row).to_contain_text("Mass production")
    expect(row.locator(".tag-meets")).to_have_text("Meets city target")


def add_certificate(page, tmp_path) -> None:
    scan = tmp_path / "iso9001-scan.pdf"
    scan.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    today = date.today()
    page.get_by_role("link", name="Add a certificate").click()
    page.wait_for_url("**/my/certificates/new/")
    page.select_option("#id_cert_type", label="ISO 9001 quality management")
    page.fill("#id_number", "CQC-24-Q-118822")
    page.fill("#id_issuer", "China Quality Certification Centre")
    page.fill("#id_valid_from", (today - timedelta(days=30)).isoformat())
    page.fill("#id_valid_until", (today + timedelta(days=3 * 365)).isoformat())
    page.set_input_files("#id_document", str(scan))
    with page.expect_navigation():
        page.get_by_role("button", name="Save the certificate").click()
    page.wait_for_url("**/my/#certificates")
    row = page.locator("#certificates ~ .table-scroll tr", has_text="CQC-24-Q-118822")
    expect(row).to_contain_text("ISO 9001 quality management")
    expect(row).to_contain_text("China Quality Certification Centre")
    expect(row.locator(".tag-verified")).to_have_text("Valid")

    link = row.get_by_role("link", name=re.compile("View the document"))
    document = page.request.get(link.get_attribute("href"))
    assert document.status == 200
    assert document.headers["content-type"] == "application/pdf"
    assert document.body() == scan.read_bytes()


def log_out(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^Log out")).click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def official_verifies(page, uscc: str, official_name: str) -> None:
    page.goto("/admin/")
    page.fill("#id_username", official_name)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("input[type=submit]").click()
    page.get_by_role("link", name="Companies", exact=True).first.click()
    page.wait_for_url("**/admin/registry/company/")

    page.fill("#searchbar", uscc.lower())
    with page.expect_navigation():
        page.press("#searchbar", "Enter")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(COMPANY_NAME)
    expect(rows.first).to_contain_text("Pending verification")

    def run_action(action: str) -> None:
        page.locator("#result_list tbody tr").first.locator("input[name=_selected_action]").check()
        page.select_option("select[name=action]", action)
        with page.expect_navigation():
            page.locator("button[name=index]").click()

    # Verifying asks first, with what the USCC suggests about locality, settled in the same step.
    run_action("verify_companies")
    expect(page.locator(".verify-locality .hint")).to_contain_text("suggests local")
    page.get_by_role("radio", name="Local", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Verify").click()
    expect(page.locator(".messagelist .success")).to_have_text("1 company verified.")
    row = page.locator("#result_list tbody tr").first
    expect(row).to_contain_text("Verified")
    expect(row).to_contain_text("confirmed")

    row.get_by_role("link", name=COMPANY_NAME).click()
    page.get_by_role("link", name="History").click()
    page.wait_for_url(re.compile(r"/history/"))
    expect(page.locator("#change-history")).to_contain_text(official_name)

    with page.expect_navigation():
        page.locator("#logout-form button").click()


def anchor_firm_searches_and_exports(page, uscc: str, anchor_name: str, controls: list[Company]) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", anchor_name)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Directory").click()
    page.wait_for_url("**/directory/")
    everyone = page.locator(".result-list > li")
    expect(everyone).to_have_count(4)  # the new company, the two controls and the anchor firm itself

    page.select_option("#id_category", "sulfide-electrolyte")
    page.select_option("#id_local", "true")
    page.select_option("#id_stage", "mass")
    page.get_by_text("Performance figures", exact=True).click()
    page.fill("#id_min_ionic_conductivity", "1e-2")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert "min_ionic_conductivity=1e-2" in page.url
    assert "local=true" in page.url

    expect(page.locator(".result-count")).to_have_text("1 company")
    results = page.locator(".result-list")
    expect(results.get_by_role("link", name=COMPANY_NAME)).to_be_visible()
    for control in controls:
        expect(results).not_to_contain_text(control.name)
    expect(page.locator(".chip")).to_have_count(4)
    results_url = page.url

    results.get_by_role("link", name=COMPANY_NAME).click()
    page.wait_for_url(re.compile(r"/directory/\d+/$"))
    expect(page.locator("h1")).to_contain_text(COMPANY_NAME)
    expect(page.locator("#contact ~ dl")).to_contain_text("Zhang Min")
    expect(page.locator("#contact ~ dl")).to_contain_text("0512-57001234")
    expect(page.locator("#contact ~ dl")).to_contain_text("zhang.min@ks-sulfide.example.com")

    page.goto(results_url)
    with page.expect_download() as csv_download:
        page.locator(".exports").get_by_role("link", name="CSV").click()
    assert csv_download.value.suggested_filename.endswith(".csv")
    with open(csv_download.value.path(), encoding="utf-8-sig") as handle:
        text = handle.read()
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2  # the header and the one company
    assert uscc in rows[1]
    assert COMPANY_NAME in rows[1]

    with page.expect_download() as xlsx_download:
        page.locator(".exports").get_by_role("link", name="Excel (.xlsx)").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    sheet = pd.read_excel(xlsx_download.value.path(), dtype=str)
    assert len(sheet) == 1
    assert uscc in sheet.iloc[0].tolist()
    assert COMPANY_NAME in sheet.iloc[0].tolist()


def test_supplier_signs_up_is_verified_and_found_by_an_anchor_firm(reference_data, page, tmp_path, private_media):
    uscc, bad_uscc = new_uscc()
    sulfide = factories.category("sulfide-electrolyte")
    # Each control fails exactly one condition of the anchor firm's filter combination.
    too_slow = factories.make_company(name="Below Target Sulfides", categories=[sulfide])
    factories.make_product(too_slow, figures={"ionic_conductivity": 4e-3})
    far_away = factories.make_company(name="Faraway Sulfide Works", local=False, categories=[sulfide])
    factories.make_product(far_away, figures={"ionic_conductivity": 2.5e-2})
    official = factories.make_official(username="official_chen", password=PASSWORD)
    anchor = factories.make_user(
        factories.make_company(name="Anchor Cells Ltd", anchor=True), username="anchor_buyer", password=PASSWORD
    )

    sign_up(page, uscc, bad_uscc)
    add_product(page)
    add_certificate(page, tmp_path)
    log_out(page)
    assert Company.objects.get(uscc=uscc).status == Company.Status.PENDING

    official_verifies(page, uscc, official.username)
    company = Company.objects.get(uscc=uscc)
    assert company.status == Company.Status.VERIFIED
    assert company.locality_confirmed is True

    anchor_firm_searches_and_exports(page, uscc, anchor.username, [too_slow, far_away])
