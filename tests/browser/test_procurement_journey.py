"""Issue 3's journey through the real pages: an anchor firm imports its purchases (a bad row first, then the
fixed file), applies for the local procurement subsidy, an official approves it in the admin, and the firm
sees the approval and the city's local content ratio on the dashboard.

The ORM sets up only the people who are already there (the anchor firm and its user, the local supplier,
the official); every purchase and the application are made through the browser.
"""

import csv
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from calculators.local_content import local_content_ratio
from calculators.subsidies import subsidy_amount
from procurement.models import Purchase, SubsidyApplication
from registry.templatetags.platform_format import cny, percent2
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Solid-state-2026!"
ANCHOR_USERNAME = "anchor_buyer"
OFFICIAL_USERNAME = "official_wu"
PURCHASED_ON = "2026-03-01"
AMOUNTS = ("125,000.00", "80,000.50", "12,500.00")
BAD_AMOUNT = "12,5x"
HEADER = ["supplier_identifier", "purchased_on", "category", "amount", "invoice_number"]


def write_purchases(path, supplier_uscc: str, amounts) -> str:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for number, amount in enumerate(amounts, start=1):
            writer.writerow([supplier_uscc, PURCHASED_ON, "solid-state-cells", amount, f"JOURNEY-{number:03d}"])
    return str(path)


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def log_out(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^Log out")).click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def upload(page, path: str) -> None:
    page.goto("/my/purchases/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import purchases from a file")
    page.get_by_label("Purchase file").set_input_files(path)
    with page.expect_navigation():
        page.get_by_role("button", name="Import the file").click()
    page.wait_for_url(re.compile(r"/my/purchases/imports/\d+/$"))


def import_with_a_bad_row_then_fixed(page, tmp_path, supplier_uscc: str) -> None:
    bad_file = write_purchases(tmp_path / "purchases-march.csv", supplier_uscc, [AMOUNTS[0], BAD_AMOUNT, AMOUNTS[2]])
    upload(page, bad_file)
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Nothing was imported")
    expect(summary).to_contain_text("There is 1 problem in the file")
    problems = page.get_by_role("table", name="Problems in the file").locator("tbody tr")
    expect(problems).to_have_count(1)
    # The header is row 1, so the second purchase is row 3.
    cells = problems.first.locator("td")
    expect(cells.nth(0)).to_have_text("3")
    expect(cells.nth(1)).to_have_text("amount")
    expect(cells.nth(2)).to_contain_text("Enter an amount in CNY")
    expect(cells.nth(3)).to_have_text(BAD_AMOUNT)
    assert Purchase.objects.count() == 0

    with page.expect_download() as report_download:
        page.get_by_role("link", name="CSV", exact=True).click()
    assert report_download.value.suggested_filename.endswith(".csv")
    with open(report_download.value.path(), encoding="utf-8-sig", newline="") as handle:
        report = list(csv.reader(handle))
    assert report[0][:4] == ["Row", "Column", "Problem", "Value given"]
    assert len(report) == 2
    assert report[1][0] == "3"
    assert report[1][1] == "amount"
    assert report[1][3] == BAD_AMOUNT

    fixed_file = write_purchases(tmp_path / "purchases-march.csv", supplier_uscc, AMOUNTS)
    upload(page, fixed_file)
    done = page.locator(".message-success")
    expect(done).to_contain_text("3 purchases created.")
    expect(done).to_contain_text("0 rows were already recorded and were skipped.")
    expect(page.locator("#import-status strong")).to_have_text("Imported")


def apply_for_the_subsidy(page) -> int:
    page.goto("/my/applications/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply for a subsidy")
    page.get_by_label("Programme").select_option(label="Local procurement subsidy (v1)")
    claims = page.locator("input[name=purchases]")
    expect(claims).to_have_count(3)
    for index in range(3):
        claims.nth(index).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Recalculate").click()

    amounts = [Decimal(a.replace(",", "")) for a in AMOUNTS]
    expected = subsidy_amount(amounts, rate=Decimal("0.05"))
    preview = page.locator("#amount-preview")
    expect(preview).to_contain_text(f"3 purchases chosen, totalling {cny(sum(amounts))}")
    expect(preview.locator("strong")).to_have_text(cny(expected))
    assert SubsidyApplication.objects.count() == 0  # recalculating saves nothing

    with page.expect_navigation():
        page.get_by_role("button", name="Save as a draft").click()
    page.wait_for_url(re.compile(r"/my/applications/\d+/$"))
    expect(page.locator(".messages")).to_contain_text("Draft application saved")
    expect(page.locator("h1 .tag")).to_have_text("Draft")
    application_id = int(re.search(r"/my/applications/(\d+)/$", page.url).group(1))

    with page.expect_navigation():
        page.get_by_role("button", name="Submit the application").click()
    expect(page.locator(".messages")).to_contain_text("Application submitted")
    expect(page.locator("h1 .tag")).to_have_text("Submitted")
    expect(page.locator(".facts")).to_contain_text(cny(expected))
    return application_id


def official_approves(page, application_id: int) -> None:
    page.goto("/admin/")
    page.fill("#id_username", OFFICIAL_USERNAME)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("input[type=submit]").click()
    page.get_by_role("link", name="Subsidy applications").first.click()
    page.wait_for_url("**/admin/procurement/subsidyapplication/")
    row = page.locator("#result_list tbody tr", has_text="Anchor Cells Ltd")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Submitted")
    row.locator("input[name=_selected_action]").check()
    page.select_option("select[name=action]", "approve_applications")
    with page.expect_navigation():
        page.locator("button[name=index]").click()
    expect(page.locator(".messagelist .success")).to_have_text("1 application approved.")
    expect(page.locator("#result_list tbody tr", has_text="Anchor Cells Ltd")).to_contain_text("Approved")
    assert SubsidyApplication.objects.get(pk=application_id).status == SubsidyApplication.Status.APPROVED
    with page.expect_navigation():
        page.locator("#logout-form button").click()


def anchor_sees_approval_and_dashboard(page, application_id: int) -> None:
    log_in(page, ANCHOR_USERNAME)
    page.goto("/my/applications/")
    expected = subsidy_amount([Decimal(a.replace(",", "")) for a in AMOUNTS], rate=Decimal("0.05"))
    row = page.get_by_role("table", name="Your company’s subsidy applications").locator(
        "tbody tr", has_text=f"#{application_id}"
    )
    expect(row).to_have_count(1)
    expect(row.locator(".tag")).to_have_text("Approved")
    expect(row).to_contain_text(cny(expected))

    page.goto("/dashboard/?year=2026")
    total = sum(Decimal(a.replace(",", "")) for a in AMOUNTS)
    lcr = percent2(local_content_ratio(total, total))
    assert lcr == "100.00 %"
    city_row = page.get_by_role("table", name="The city’s LCR by year").get_by_role("row", name=re.compile("^2026"))
    expect(city_row).to_contain_text(cny(total))
    expect(city_row.locator("td").nth(2)).to_have_text(lcr)
    own = page.locator("#own-figures")
    expect(own.get_by_role("heading", level=2)).to_have_text("Anchor Cells Ltd: your own figures")
    expect(own.locator(".headline-figure")).to_have_text(f"Your LCR in 2026: {lcr} (the city: {lcr}) On target")
    own_row = own.get_by_role("table", name="Your LCR by year").get_by_role("row", name=re.compile("^2026"))
    expect(own_row.locator("td").nth(2)).to_have_text(lcr)


def test_anchor_firm_imports_applies_and_is_approved(reference_data, page, tmp_path, settings):
    cells = factories.category("solid-state-cells")
    supplier = factories.make_company(name="Kunshan Solid Cells Co., Ltd.", categories=[cells])
    anchor = factories.make_company(name="Anchor Cells Ltd", anchor=True)
    factories.make_user(anchor, username=ANCHOR_USERNAME, password=PASSWORD)
    factories.make_official(username=OFFICIAL_USERNAME, password=PASSWORD)

    log_in(page, ANCHOR_USERNAME)
    import_with_a_bad_row_then_fixed(page, tmp_path, supplier.uscc)
    purchases = Purchase.objects.filter(buyer=anchor)
    assert purchases.count() == 3
    assert all(p.supplier_is_local and p.supplier_was_verified for p in purchases)

    application_id = apply_for_the_subsidy(page)
    log_out(page)
    official_approves(page, application_id)
    anchor_sees_approval_and_dashboard(page, application_id)
