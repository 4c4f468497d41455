"""Matchmaking through the real pages: the anchor firm follows a gap prompt on /my/ (its non-local spend in a
category), posts a sourcing request, a local supplier finds it on /my/ and offers, the anchor firm accepts, the
supplier confirms the proposed supply agreement, and it shows on both companies' pages.

The ORM sets up only who is already there (the two companies, their users, the supplier's product and the anchor
firm's past purchases); everything else is done through the browser.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alliance.models import Collaboration, Offer, SourcingRequest
from tests import factories
from tests.browser.test_alliance_collaboration_journey import PASSWORD, log_in, log_out

pytestmark = pytest.mark.django_db(transaction=True)

ANCHOR_USERNAME = "anchor_buyer"
SME_USERNAME = "sme_seller"


def test_gap_prompt_request_offer_accept_confirm(reference_data, page):
    today = timezone.localdate()
    anchor = factories.make_company(name="Anchor Cells Ltd", anchor=True, employees=3000,
                                    revenue_cny=Decimal("900000000"))
    sme = factories.make_sme(name="Kunshan Sulfide Materials")
    factories.make_product(sme, name="Li6PS5Cl powder", figures={"ionic_conductivity": 0.025},
                           annual_capacity=Decimal("80"), capacity_unit="t")
    factories.make_user(anchor, username=ANCHOR_USERNAME, password=PASSWORD)
    factories.make_user(sme, username=SME_USERNAME, password=PASSWORD)
    factories.make_purchase(anchor, None, purchased_on=today - timedelta(days=20), amount=Decimal("900000.00"),
                            category=factories.category("sulfide-electrolyte"))

    # The anchor firm follows the gap prompt.
    log_in(page, ANCHOR_USERNAME)
    page.goto("/my/")
    gaps = page.get_by_role("table", name=re.compile("Non-local spend by category"))
    expect(gaps).to_contain_text("¥900,000.00")
    with page.expect_navigation():
        gaps.locator('a[href*="/sourcing-requests/new/?category=sulfide-electrolyte"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Post a sourcing request")
    expect(page.locator("#id_category")).to_have_value("sulfide-electrolyte")
    page.fill("#id_quantity", "100")
    page.select_option("#id_quantity_unit", "t")
    page.fill("#id_deadline", (today + timedelta(days=30)).isoformat())
    page.get_by_text("Performance figures").click()
    page.fill("#id_min_ionic_conductivity", "1e-2")
    with page.expect_navigation():
        page.get_by_role("button", name="Post the sourcing request").click()
    expect(page.locator(".messages")).to_contain_text("is posted")
    matches = page.locator("section", has=page.get_by_role("heading", name="Suggested suppliers"))
    expect(matches).to_contain_text("Kunshan Sulfide Materials")
    expect(matches).to_contain_text("150.00 % above the minimum")
    request_id = SourcingRequest.objects.get().pk
    log_out(page)

    # The supplier finds it on /my/ and offers.
    log_in(page, SME_USERNAME)
    page.goto("/my/")
    with page.expect_navigation():
        page.get_by_role("link", name="Local supply of Sulfide electrolyte").first.click()
    with page.expect_navigation():
        page.get_by_role("link", name="Make an offer").click()
    page.get_by_label("Li6PS5Cl powder").check()
    page.fill("#id_price_low", "180")
    page.fill("#id_price_high", "220")
    page.fill("#id_lead_time_days", "30")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the offer").click()
    expect(page.locator(".messages")).to_contain_text("Your offer is sent")
    log_out(page)

    # The anchor firm reads the notice and accepts.
    log_in(page, ANCHOR_USERNAME)
    page.goto("/my/")
    expect(page.locator(".notices")).to_contain_text("Kunshan Sulfide Materials made an offer")
    page.goto(f"/sourcing-requests/{request_id}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Accept the offer of Kunshan Sulfide Materials").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Accept the offer").click()
    expect(page.locator("h1 .tag")).to_have_text("Proposed")
    collaboration = Offer.objects.get().collaboration
    assert collaboration.committed_value_per_year == Decimal("20000.00")
    log_out(page)

    # The supplier confirms the proposed supply agreement.
    log_in(page, SME_USERNAME)
    page.goto("/my/")
    expect(page.locator(".notices")).to_contain_text("accepted your offer")
    waiting = page.locator(".status-panel", has_text="waits for your confirmation")
    with page.expect_navigation():
        waiting.get_by_role("link", name=collaboration.title).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm the collaboration").click()
    expect(page.locator("h1 .tag")).to_have_text("Active")
    assert Collaboration.objects.get(pk=collaboration.pk).status == "active"

    for company in (anchor, sme):
        page.goto(f"/directory/{company.pk}/")
        expect(page.get_by_text("Long-term supply agreement").first).to_be_visible()
