"""An official decides applications from their own admin page, in English and Chinese, at 1280 px and on a 360 px
phone (issue 10): the claimed purchases by invoice, supplier, date and amount (as money), Approve from the page's
button, Reject with a reason, the status as a tag that stays on one line, and the history in the reader's words.

The applications are made with the workflow's services (the applicant's part is another journey); every decision
is made through the browser.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import expect

from procurement import applications as workflow
from procurement.models import ApplicationEvent, SubsidyApplication
from registry.templatetags.platform_format import cny
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Solid-state-2026!"
Status = SubsidyApplication.Status
AMOUNTS = (Decimal("125000.00"), Decimal("80000.50"))
REASON = "The invoice INV-REJECT-001 is not attached."

# How many lines a tag's text is laid out on: one rectangle per line of the text's run.
TEXT_LINES = """(element) => {
  const range = document.createRange();
  range.selectNodeContents(element);
  return new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
}"""
# Cells of the page's tables whose box leaves the screen (hidden off to the side, or cut off).
CELLS_OFF_SCREEN = """(width) => Array.from(document.querySelectorAll("#content tbody td, #content tbody th"))
  .filter((cell) => {
    const box = cell.getBoundingClientRect();
    return box.width > 0 && (box.right > width + 0.5 || box.left < -0.5);
  })
  .map((cell) => cell.textContent.trim().slice(0, 40)).slice(0, 5)"""


@pytest.fixture
def applications(reference_data):
    # A programme's names are data the officials keep in both languages.
    programme = factories.make_programme(name="Local procurement subsidy", name_zh="本地采购补贴")
    supplier = factories.make_company(name="Kunshan Solid Cells Co., Ltd.",
                                      categories=[factories.category("solid-state-cells")])
    anchor = factories.make_company(name="Anchor Cells Ltd", anchor=True)
    applicant = factories.make_user(anchor, username="anchor_applicant", password=PASSWORD)
    factories.make_official(username="official_li", password=PASSWORD)
    made = {}
    for name, amount in zip(("approve", "reject"), AMOUNTS, strict=True):
        purchase = factories.make_purchase(anchor, supplier, amount=amount, purchased_on=date(2026, 3, 1),
                                           invoice_number=f"INV-{name.upper()}-001")
        draft = workflow.application_create_draft(by=applicant, programme=programme,
                                                  basis={"purchases": [purchase.pk]})
        made[name] = (workflow.application_submit(by=applicant, application=draft), purchase)
    return made


def words(language: str) -> dict:
    """What the official reads in the page's language, from the catalogue (never typed here in Chinese)."""
    with translation.override(language):
        return {
            "approve": translation.gettext("Approve"), "reject": translation.gettext("Reject"),
            "approved": str(Status.APPROVED.label), "rejected": str(Status.REJECTED.label),
            "submitted": str(Status.SUBMITTED.label), "draft": str(Status.DRAFT.label),
            "programme": "本地采购补贴" if language == "zh-hans" else "Local procurement subsidy",
        }


def official_page(browser, live_server, language: str, width: int):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto("/admin/login/")
    page.fill("#id_username", "official_li")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("input[type=submit]").click()
    return context, page


def assert_fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(CELLS_OFF_SCREEN, width) == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("width", [1280, 360])
def test_an_official_approves_one_application_and_rejects_another_from_their_pages(
    browser, live_server, applications, language, width
):
    said = words(language)
    context, page = official_page(browser, live_server, language, width)
    approved, approved_purchase = applications["approve"]
    rejected, _rejected_purchase = applications["reject"]

    # The work queue's list: both applications waiting, each status a tag on one line.
    page.goto("/admin/procurement/subsidyapplication/?status__exact=submitted")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    tags = rows.locator(".registry-tag")
    expect(tags).to_have_count(2)
    for tag in tags.all():
        expect(tag).to_have_text(said["submitted"])
        assert page.evaluate(TEXT_LINES, tag.element_handle()) == 1, "the status tag wraps"
    assert_fits(page, width)

    # The application's own page: the claimed purchase by invoice, supplier, date and amount as money.
    page.goto(f"/admin/procurement/subsidyapplication/{approved.pk}/change/")
    claims = page.locator(".inline-group", has=page.locator("td", has_text="INV-APPROVE-001"))
    claim = claims.locator("tbody tr", has_text="INV-APPROVE-001")
    expect(claim).to_contain_text("Kunshan Solid Cells Co., Ltd.")
    expect(claim).to_contain_text("2026-03-01")  # dates as ISO in data
    expect(claim).to_contain_text(cny(approved_purchase.amount))
    assert cny(approved_purchase.amount) == "¥125,000.00"
    award = approved.amount if approved.amount is not None else approved.eligible_total * Decimal("0.05")
    expect(page.locator("#content-main")).to_contain_text(cny(award))
    expect(page.locator("#content-main")).to_contain_text(said["programme"])
    assert_fits(page, width)

    # Approve from the page's own button, confirmed on the next page.
    panel = page.locator(".decision-panel")
    with page.expect_navigation():
        panel.get_by_role("link", name=said["approve"], exact=True).click()
    expect(page.locator("#content-main")).to_contain_text(cny(award))
    assert_fits(page, width)
    with page.expect_navigation():
        page.locator("input[name=apply]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED and approved.amount == award
    expect(page.locator("#content-main")).to_contain_text(said["approved"])
    expect(page.locator(".decision-panel").get_by_role("link", name=said["approve"], exact=True)).to_have_count(0)

    # The other one rejected, with a reason the applicant will read.
    page.goto(f"/admin/procurement/subsidyapplication/{rejected.pk}/change/")
    with page.expect_navigation():
        page.locator(".decision-panel").get_by_role("link", name=said["reject"], exact=True).click()
    page.locator("textarea[name=reason]").fill(REASON)
    assert_fits(page, width)
    with page.expect_navigation():
        page.locator("input[name=apply]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    rejected.refresh_from_db()
    assert rejected.status == Status.REJECTED and rejected.status_reason == REASON
    expect(page.locator("#content-main")).to_contain_text(REASON)

    # The events on the page and the history page say the statuses in words of the reader's language.
    events = page.locator(".inline-group", has=page.locator("td", has_text=said["rejected"]))
    expect(events.locator("tbody tr", has_text=said["rejected"])).to_contain_text(said["submitted"])
    assert ApplicationEvent.objects.filter(application=rejected, to_status="rejected").count() == 1
    page.goto(f"/admin/procurement/subsidyapplication/{rejected.pk}/history/")
    history = page.locator("#content-main")
    expect(history).to_contain_text(said["rejected"])
    text = history.inner_text()
    for code in ("submitted", "rejected", "status_reason", "None"):
        assert not re.search(rf"\b{code}\b", text), f"the history shows the stored {code!r}"
    assert_fits(page, width)

    # Back in the list, each decision as a tag in the reader's words, on one line.
    page.goto("/admin/procurement/subsidyapplication/")
    for application, status in ((approved, said["approved"]), (rejected, said["rejected"])):
        tag = page.locator(f"#result_list tbody tr:has(a[href*='/{application.pk}/change/']) .registry-tag")
        expect(tag).to_have_text(status)
        assert page.evaluate(TEXT_LINES, tag.element_handle()) == 1, "the status tag wraps"
    assert_fits(page, width)
    context.close()
