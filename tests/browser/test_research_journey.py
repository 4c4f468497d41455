"""The R&D fund journey through the real pages: a company applies for an R&D fund grant with Table 1 targets (first
typing an impossible conductivity), an official approves it in the admin, the company files a progress report with
its evidence, and the project page shows each figure's progress toward its target, in a table and a chart."""

import importlib
import re

import pytest
from django.apps import apps
from playwright.sync_api import expect

from research.models import ResearchProject
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Solid-state-2026!"
TITLE = "Ton-scale sulfide electrolyte at half the cost"


def log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def log_out(page):
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^Log out")).click()


def test_apply_approve_report_and_see_progress(reference_data, page, tmp_path, private_media):
    importlib.import_module("research.migrations.0002_seed_rd_fund_programme").seed(apps, None)
    company = factories.make_company(name="Kunshan Sulfide Materials Co., Ltd.",
                                     categories=[factories.category("sulfide-electrolyte")])
    factories.make_user(company, username="ks_sulfide", password=PASSWORD)
    factories.make_product(company, name="LPSC-90", figures={"ionic_conductivity": 1.1e-2})
    institute = factories.make_company(name="Suzhou Institute of Nano-Tech", organisation_type="institute")
    official = factories.make_official(username="official_li", password=PASSWORD)
    evidence = tmp_path / "conductivity-test.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

    # The company applies from its home under /my/.
    log_in(page, "ks_sulfide")
    page.goto("/my/")
    page.get_by_role("link", name="Apply for an R&D fund grant").click()
    page.wait_for_url("**/my/applications/new/?programme=*")
    expect(page.locator("main")).to_contain_text("At most 50 % of the project’s budget")
    page.fill("#id_title", TITLE)
    page.fill("#id_summary", "Li6PS5Cl by a solvent route, with the institute's pilot line.")
    page.select_option("#id_direction", "solid_electrolytes")
    page.select_option("#id_category", label="— Sulfide electrolytes")
    page.select_option("#id_partners", str(institute.pk))
    page.fill("#id_budget", "8,000,000")
    page.fill("#id_amount_requested", "3,000,000")
    page.fill("#id_started_on", "2026-01-01")
    page.fill("#id_ends_on", "2028-12-31")
    page.fill("#id_baseline_ionic_conductivity", "3e-3")
    page.fill("#id_target_ionic_conductivity", "5")  # a typing error: 5 S/cm
    page.fill("#id_baseline_cost_per_kg", "2400")
    with page.expect_navigation():
        page.get_by_role("button", name="Save as a draft").click()
    expect(page.locator(".error-summary")).to_contain_text("less than 1 S/cm")
    expect(page.locator("#id_title")).to_have_value(TITLE)
    page.fill("#id_target_ionic_conductivity", "1.2e-2")
    with page.expect_navigation():
        page.get_by_role("button", name="Save as a draft").click()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("3 × 10⁻³ S/cm → 1.2 × 10⁻² S/cm")
    expect(facts).to_contain_text("¥2,400.00/kg → ¥1,200.00/kg")  # C_target = 0.5 × C_current
    expect(facts).to_contain_text("¥3,000,000.00")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit the application").click()
    expect(page.locator("h1 .tag")).to_have_text("Submitted")
    log_out(page)

    # Not public before the grant.
    page.goto("/research/")
    expect(page.locator("main")).not_to_contain_text(TITLE)

    # The official approves it from the application's own page in the admin.
    page.goto("/admin/")
    page.fill("#id_username", official.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("input[type=submit]").click()
    page.goto("/admin/procurement/subsidyapplication/?programme__kind__exact=rd_fund")
    row = page.locator("#result_list tbody tr", has_text="Kunshan Sulfide Materials")
    expect(row).to_contain_text("¥3,000,000.00")
    with page.expect_navigation():
        row.get_by_role("link", name="Kunshan Sulfide Materials Co., Ltd.").click()
    expect(page.locator(".field-basis")).to_contain_text(TITLE)
    with page.expect_navigation():
        page.locator(".decision-panel").get_by_role("link", name="Approve").click()
    with page.expect_navigation():
        page.locator("input[type=submit][value=Approve]").click()
    expect(page.locator(".field-status")).to_contain_text("Approved")
    # The fund's own admin list shows it under its direction, approved.
    page.goto("/admin/research/researchproject/?direction__exact=solid_electrolytes&status=approved")
    expect(page.locator("#result_list")).to_contain_text(TITLE)
    with page.expect_navigation():
        page.locator("#logout-form button").click()

    # Granted but not yet reported on: the scoreboard has no measured cost reduction from the fund's projects.
    page.goto("/policy/")
    cost_cut = page.locator('[data-key="rd.projects.cost_reduction"]')
    expect(cost_cut.locator(".scoreboard-value")).to_have_text("—")
    expect(cost_cut).to_contain_text("No data yet")

    # The company files a progress report from /my/.
    log_in(page, "ks_sulfide")
    page.goto("/my/")
    page.locator("section[aria-labelledby=my-research]").get_by_role("link", name="File a progress report").click()
    page.wait_for_url("**/my/research/*/report/")
    page.fill("#id_reported_on", "2026-06-01")
    page.fill("#id_value_ionic_conductivity", "7.5e-3")
    page.fill("#id_value_cost_per_kg", "1800")
    page.set_input_files("#id_evidence", str(evidence))
    with page.expect_navigation():
        page.get_by_role("button", name="File the report").click()
    expect(page.locator(".messagelist, .messages, main").first).to_contain_text("Progress report filed")

    # The project page shows the path toward each target, with the chart and the products' city target.
    project = ResearchProject.objects.get(title=TITLE)
    page.wait_for_url(f"**/research/{project.pk}/")
    conductivity = page.locator(".progress-table tr[data-figure=ionic_conductivity]")
    expect(conductivity).to_contain_text("7.5 × 10⁻³ S/cm")
    expect(conductivity).to_contain_text("50.00 %")  # half way from 3e-3 to 1.2e-2
    cost = page.locator(".progress-table tr[data-figure=cost_per_kg]")
    expect(cost).to_contain_text("¥1,800.00/kg")
    expect(cost).to_contain_text("50.00 %")  # 600 of the 1,200 CNY/kg to cut
    expect(page.locator("svg.chart").first).to_be_attached()
    expect(page.locator("main")).to_contain_text("1 of 1 product in this category meets the city target.")
    expect(page.get_by_role("link", name="Open the evidence")).to_have_count(1)
    log_out(page)

    # The public sees the project and its progress, never the evidence.
    page.goto("/research/?direction=solid_electrolytes")
    row = page.locator(".project-results tr", has_text=TITLE)
    expect(row).to_contain_text("0 of 2 targets reached")
    with page.expect_navigation():
        row.get_by_role("link", name=TITLE).click()
    expect(page.locator(".progress-table tr[data-figure=ionic_conductivity]")).to_contain_text("50.00 %")
    expect(page.get_by_role("link", name="Open the evidence")).to_have_count(0)

    # The scoreboard moves: the fund's best cost cut and best conductivity now come from this report.
    page.goto("/policy/")
    expect(cost_cut.locator(".scoreboard-value")).to_contain_text("25.00 %")  # 2,400 → 1,800 of the 50 % to cut
    expect(cost_cut).to_contain_text("Behind")
    expect(page.locator('[data-key="rd.projects.ionic_conductivity"] .scoreboard-value')).to_contain_text(
        "7.5 × 10⁻³ S/cm"
    )
