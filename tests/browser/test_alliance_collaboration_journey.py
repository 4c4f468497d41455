"""A long-term supply agreement through the real pages: the anchor firm proposes it (only the supply fields on
show), the SME's user finds it waiting on /my/ and confirms it, the anchor records purchases from the SME, and the
agreement page shows them as delivered against the committed value of the agreement year.

The ORM sets up only the people who are already there (the anchor firm, the SME and their users); the
agreement, its confirmation and the purchases are made through the browser.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from alliance.models import Collaboration
from calculators.agreements import percent_of
from registry.templatetags.platform_format import cny, percent2
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Solid-state-2026!"
ANCHOR_USERNAME = "anchor_buyer"
SME_USERNAME = "sme_seller"
TITLE = "Sulfide electrolyte supply 2026–2027"
COMMITTED = Decimal("1000000.00")
DELIVERIES = (("2026-03-01", "250,000.00", "AGR-001"), ("2026-06-15", "150,000.50", "AGR-002"))
BEFORE_START = ("2025-12-31", "10,000.00", "AGR-000")  # bought before the agreement: not a delivery


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


def propose(page, sme_uscc: str) -> int:
    page.goto("/my/collaborations/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose a collaboration")
    page.fill("#id_other_party_uscc", sme_uscc)
    page.get_by_label("Long-term supply agreement").check()
    # The script shows only the chosen model's fields.
    expect(page.locator("[data-model=supply]")).to_be_visible()
    expect(page.locator("[data-model=licensing]")).to_be_hidden()
    expect(page.locator("[data-model=standard]")).to_be_hidden()
    page.fill("#id_title", TITLE)
    page.fill("#id_started_on", "2026-01-01")
    page.fill("#id_ends_on", "2027-12-31")
    page.fill("#id_committed_value_per_year", "1,000,000.00")
    page.fill("#id_committed_quantity", "12")
    page.fill("#id_quantity_unit", "t")
    page.select_option("#id_categories", ["cells-and-packs"])
    with page.expect_navigation():
        page.get_by_role("button", name="Propose the collaboration").click()
    page.wait_for_url(re.compile(r"/collaborations/\d+/$"))
    expect(page.locator(".messages")).to_contain_text("It becomes active when")
    expect(page.locator("h1 .tag")).to_have_text("Proposed")
    # The proposer cannot confirm its own proposal: no button for it.
    expect(page.get_by_role("button", name="Confirm the collaboration")).to_have_count(0)
    return int(re.search(r"/collaborations/(\d+)/$", page.url).group(1))


def sme_confirms(page, collaboration_id: int) -> None:
    log_in(page, SME_USERNAME)
    page.goto("/my/")
    waiting = page.locator(".status-panel", has_text="waits for your confirmation")
    expect(waiting).to_contain_text("1 proposal waits for your confirmation")
    with page.expect_navigation():
        waiting.get_by_role("link", name=TITLE).click()
    expect(page.locator("h1 .tag")).to_have_text("Proposed")
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm the collaboration").click()
    expect(page.locator(".messages")).to_contain_text("is confirmed and now active")
    expect(page.locator("h1 .tag")).to_have_text("Active")
    assert Collaboration.objects.get(pk=collaboration_id).status == "active"


def record_purchase(page, sme_uscc: str, purchased_on: str, amount: str, invoice: str) -> None:
    page.goto("/my/purchases/new/")
    page.fill("#id_supplier_identifier", sme_uscc)
    page.fill("#id_purchased_on", purchased_on)
    page.select_option("#id_category", "solid-state-cells")
    page.fill("#id_amount", amount)
    page.fill("#id_invoice_number", invoice)
    with page.expect_navigation():
        page.get_by_role("button", name="Record the purchase").click()
    expect(page.locator(".messages")).to_contain_text("is recorded")


def test_anchor_proposes_sme_confirms_purchases_show_as_delivered(reference_data, page):
    cells = factories.category("solid-state-cells")
    sme = factories.make_company(name="Kunshan Sulfide Materials", categories=[cells], employees=80,
                                 revenue_cny=Decimal("30000000"))
    anchor = factories.make_company(name="Anchor Cells Ltd", anchor=True, employees=3000,
                                    revenue_cny=Decimal("900000000"))
    factories.make_user(anchor, username=ANCHOR_USERNAME, password=PASSWORD)
    factories.make_user(sme, username=SME_USERNAME, password=PASSWORD)

    log_in(page, ANCHOR_USERNAME)
    collaboration_id = propose(page, sme.uscc)
    log_out(page)

    sme_confirms(page, collaboration_id)
    log_out(page)

    log_in(page, ANCHOR_USERNAME)
    for purchased_on, amount, invoice in (*DELIVERIES, BEFORE_START):
        record_purchase(page, sme.uscc, purchased_on, amount, invoice)

    page.goto(f"/collaborations/{collaboration_id}/")
    delivered = sum(Decimal(amount.replace(",", "")) for _day, amount, _invoice in DELIVERIES)
    table = page.get_by_role("table", name="Delivered value against committed value, per agreement year")
    year_one = table.get_by_role("row", name=re.compile("^Year 1"))
    expect(year_one).to_contain_text("2026-01-01 – 2026-12-31")
    expect(year_one).to_contain_text(cny(delivered))
    expect(year_one).to_contain_text(cny(COMMITTED))
    expect(year_one).to_contain_text(percent2(percent_of(delivered, COMMITTED)))
    expect(year_one.locator("td").nth(1)).to_have_text("2")  # two purchases counted, not the one before the start
    year_two = table.get_by_role("row", name=re.compile("^Year 2"))
    expect(year_two).to_contain_text(cny(Decimal("0")))

    # All three purchases are local (the SME is a verified local company): 100 % before and since.
    local = page.get_by_role("table", name="Local content ratio and the supplier’s share of the buyer’s spend")
    expect(local.get_by_role("row", name=re.compile("^12 months before"))).to_contain_text(cny(Decimal("10000")))
    expect(local.get_by_role("row", name=re.compile("^Since the agreement began"))).to_contain_text("100.00 %")
