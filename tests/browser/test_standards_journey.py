"""The standards journey through the real pages: a company's user records its lead role in an international
standard with an evidence PDF, an official verifies it in the admin, and the company sees it verified on /my/
and on its public page; then the company applies for the standards reward, an official approves it from the
application's own admin page, and the company sees it approved for 1,000,000 CNY."""

import re

import pytest
from playwright.sync_api import expect

from alliance.models import StandardParticipation
from procurement.models import SubsidyApplication
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Solid-state-2026!"


def log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def log_out(page):
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^Log out")).click()


def test_a_participation_is_recorded_verified_and_shown(reference_data, page, tmp_path, private_media):
    company = factories.make_company(name="Kunshan Ceramic Electrolytes Co., Ltd.")
    factories.make_user(company, username="ks_ceramics", password=PASSWORD)
    official = factories.make_official(username="official_wu", password=PASSWORD)
    standard = factories.make_standard(code="IEC 62660-9", title="Solid-state secondary lithium cells", body="IEC")
    factories.make_standard(code="GB/T 36276-2025", title="Energy storage batteries", body="national")
    evidence = tmp_path / "iec-wg-letter.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

    # The company's user records the participation, first forgetting the evidence.
    log_in(page, "ks_ceramics")
    page.goto("/my/")
    page.get_by_role("link", name="Record a standard participation").click()
    page.wait_for_url("**/my/standards/new/")
    page.select_option("#id_standard", str(standard.pk))
    expect(page.locator("#id_standard option:checked")).to_contain_text("IEC 62660-9 — Solid-state secondary")
    page.get_by_label("Lead", exact=True).check()
    page.fill("#id_note", "Convenor of the working group on solid electrolytes.")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the participation").click()
    expect(page.locator(".error-summary")).to_contain_text("Choose the evidence to upload.")
    expect(page.locator("#id_note")).to_have_value("Convenor of the working group on solid electrolytes.")
    page.set_input_files("#id_evidence", str(evidence))
    with page.expect_navigation():
        page.get_by_role("button", name="Record the participation").click()
    page.wait_for_url("**/my/standards/")
    row = page.locator(".participation-table tr", has_text="IEC 62660-9")
    expect(row).to_contain_text("Lead")
    expect(row.locator(".tag")).to_have_text("Pending verification")
    link = row.get_by_role("link", name=re.compile("View the evidence"))
    document = page.request.get(link.get_attribute("href"))
    assert document.status == 200 and document.body() == evidence.read_bytes()
    # Not public yet.
    page.goto(f"/directory/{company.pk}/")
    expect(page.locator("main")).not_to_contain_text("IEC 62660-9")
    log_out(page)

    # The official verifies it in the admin.
    page.goto("/admin/")
    page.fill("#id_username", official.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("input[type=submit]").click()
    page.get_by_role("link", name="Standard participations").first.click()
    page.wait_for_url("**/admin/alliance/standardparticipation/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Pending verification")
    rows.first.locator("input[name=_selected_action]").check()
    page.select_option("select[name=action]", "verify_participations")
    with page.expect_navigation():
        page.locator("button[name=index]").click()
    expect(page.locator(".messagelist .success")).to_have_text("1 participation verified.")
    expect(page.locator("#result_list tbody tr").first).to_contain_text("Verified")
    with page.expect_navigation():
        page.locator("#logout-form button").click()
    assert StandardParticipation.objects.get().verified_by == official

    # The company sees it verified on /my/ and on its public page; the standard counts its lead.
    log_in(page, "ks_ceramics")
    page.goto("/my/")
    section = page.locator(".alliance-section")
    expect(section.locator("tr", has_text="IEC 62660-9").locator(".tag")).to_have_text("Verified")
    page.goto(f"/directory/{company.pk}/")
    public = page.locator(".alliance-section")
    expect(public).to_contain_text("IEC 62660-9")
    expect(public).to_contain_text("Lead")
    expect(public.get_by_role("link", name=re.compile("evidence"))).to_have_count(0)
    page.goto(f"/alliance/standards/{standard.pk}/")
    expect(page.locator("dl.facts")).to_contain_text("Members leading (verified)1")

    # The company applies for the standards reward: its verified lead participation is the basis.
    page.goto("/my/applications/")
    offer = page.locator("section[aria-labelledby=apply] p", has_text="Standards reward")
    offer.get_by_role("link", name="Start an application").click()
    page.wait_for_url("**/my/applications/new/?programme=*")
    expect(page.locator("main")).to_contain_text("¥1,000,000.00 for leading an international standard")
    expect(page.locator("#id_participation option")).to_have_count(1)  # the national standard is not offered
    expect(page.locator("#id_participation option:checked")).to_contain_text("IEC 62660-9")
    with page.expect_navigation():
        page.get_by_role("button", name="Save as a draft").click()
    expect(page.locator("dl.facts")).to_contain_text("IEC 62660-9")
    expect(page.locator("dl.facts")).to_contain_text("¥1,000,000.00")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit the application").click()
    expect(page.locator("h1 .tag")).to_have_text("Submitted")
    application = SubsidyApplication.objects.get(programme__kind="standards_reward")
    log_out(page)

    # The official approves it from the application's own page in the admin.
    page.goto("/admin/")
    page.fill("#id_username", official.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("input[type=submit]").click()
    page.goto("/admin/procurement/subsidyapplication/?programme__kind__exact=standards_reward")
    row = page.locator("#result_list tbody tr", has_text="Kunshan Ceramic Electrolytes")
    expect(row).to_contain_text("Standards reward")
    expect(row).to_contain_text("¥1,000,000.00")
    with page.expect_navigation():
        row.get_by_role("link", name="Kunshan Ceramic Electrolytes Co., Ltd.").click()
    expect(page.locator(".decision-panel")).to_be_visible()
    expect(page.locator(".field-basis")).to_contain_text("IEC 62660-9")
    with page.expect_navigation():
        page.locator(".decision-panel").get_by_role("link", name="Approve").click()
    expect(page.locator("#content-main")).to_contain_text("Kunshan Ceramic Electrolytes")
    with page.expect_navigation():
        page.locator("input[type=submit][value=Approve]").click()
    expect(page.locator(".messagelist .success")).to_have_text(f"Application #{application.pk} approved.")
    expect(page.locator(".field-status")).to_contain_text("Approved")
    expect(page.locator(".decision-panel").get_by_role("link", name="Mark paid")).to_be_visible()
    with page.expect_navigation():
        page.locator("#logout-form button").click()

    # The applicant sees it approved, for the lead reward, fixed at approval.
    log_in(page, "ks_ceramics")
    page.goto("/my/applications/")
    mine = page.get_by_role("table", name="Your company’s subsidy applications").locator("tbody tr")
    expect(mine).to_have_count(1)
    expect(mine.first).to_contain_text("Approved")
    expect(mine.first).to_contain_text("¥1,000,000.00")
    application.refresh_from_db()
    assert application.status == "approved" and application.decided_by == official
