"""Demonstration pages on a 360 px phone, in English and Chinese: the list, a project's page with its chart, and the
operator recording a measurement."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from demonstration.models import DemonstrationProject, Measurement, ScenarioReference
from tests import factories
from tests.browser.test_phone_layout import PASSWORD, assert_fits_the_phone

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def station(reference_data):
    operator = factories.make_company(name="Suzhou Industrial Park Grid Energy Storage Operations Co., Ltd.")
    factories.make_user(operator, username="operator")
    local = factories.make_company(name="Hengchu Solid-State Cell Technology Co., Ltd.", local=True)
    outside = factories.make_company(name="Shenzhen Solid-State Pack Manufacturing Co., Ltd.", local=False)
    ScenarioReference.objects.create(scenario="grid_storage", incumbent_technology="LFP",
                                     incumbent_lcos_cny_per_kwh=Decimal("0.62"), discount_rate=Decimal("0.06"))
    project = DemonstrationProject.objects.create(
        scenario="grid_storage", name="Suzhou Industrial Park grid-side storage station, Xinghu 110 kV substation",
        site="Suzhou Industrial Park", operator=operator, capacity_kwh=Decimal("100000"), units=40,
        commissioned_on=date(2025, 9, 1), status="in_operation", capex_cny=Decimal("120000000"),
        om_cny_per_year=Decimal("3600000"), replacement_cny_per_year=Decimal("1000000"),
        discharged_kwh_per_year=Decimal("31350000"), lifetime_years=20,
    )
    project.suppliers.set([local, outside])
    today = date.today()
    for month in range(12):
        day = today - timedelta(days=30 * (12 - month))
        Measurement.objects.create(project=project, measured_on=day, figure="cycle_life", value=15000 + 100 * month)
        Measurement.objects.create(project=project, measured_on=day, figure="round_trip_efficiency",
                                   value=Decimal("94.6") + Decimal("0.1") * month)
    return project


def test_the_pages_fit_a_phone_in_both_languages_and_the_operator_records(phone_page, station):
    for language in ("en", "zh-hans"):
        phone_page.set_extra_http_headers({"Accept-Language": language})
        assert_fits_the_phone(phone_page, "/demonstration/")
        expect(phone_page.locator("html")).to_have_attribute("lang", language)
        expect(phone_page.locator(f"tr[data-project='{station.pk}']")).to_be_visible()
        assert_fits_the_phone(phone_page, f"/demonstration/{station.pk}/")
        expect(phone_page.locator("svg.chart-narrow").first).to_be_visible()
        expect(phone_page.locator("svg.chart-wide").first).to_be_hidden()
    phone_page.set_extra_http_headers({"Accept-Language": "en"})
    phone_page.goto("/accounts/login/")
    phone_page.get_by_label("Username").fill("operator")
    phone_page.get_by_label("Password").fill(PASSWORD)
    phone_page.get_by_role("button", name="Log in").click()
    phone_page.goto(f"/my/demonstration/{station.pk}/measurements/new/")
    phone_page.get_by_label("Date of the measurement").fill(date.today().isoformat())
    phone_page.get_by_label("Round-trip efficiency").fill("101")
    phone_page.get_by_role("button", name="Record the measurements").click()
    expect(phone_page.locator(".error-summary")).to_contain_text("at most 100")
    phone_page.get_by_label("Round-trip efficiency").fill("96.2")
    phone_page.get_by_role("button", name="Record the measurements").click()
    expect(phone_page.locator("h1")).to_contain_text("Xinghu")
    expect(phone_page.locator(".measurement-table")).to_contain_text("96.2 %")


def test_the_operator_records_in_chinese_on_a_wide_screen(page, station):
    """The form at 1280 px in Chinese: its labels, its error summary and the recorded value in the reader's words."""
    page.set_extra_http_headers({"Accept-Language": "zh-hans"})
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("operator")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.narrow-form button[type=submit]").click()
    page.goto(f"/my/demonstration/{station.pk}/measurements/new/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.get_by_label("测量日期").fill(date.today().isoformat())
    page.get_by_label("循环寿命").fill("-3")
    page.get_by_label("往返效率").fill("96.4")
    page.get_by_role("button", name="记录实测数据").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator("a")).to_have_count(1)  # the cycle life only; the efficiency is fine
    expect(page.get_by_label("往返效率")).to_have_value("96.4")  # the typing is kept
    page.get_by_label("循环寿命").fill("16,200")
    page.get_by_role("button", name="记录实测数据").click()
    expect(page.locator("h1")).to_contain_text("Xinghu")
    table = page.locator(".measurement-table")
    expect(table).to_contain_text("96.4 %")
    expect(table).to_contain_text("16,200")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, f"the page is {width} px wide"
    assert Measurement.objects.filter(project=station, figure="cycle_life", value=16200).exists()
