"""/calculators/: a form per formula, the result on the same page, bad input a 400 with the GOV.UK error pattern."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from calculators.catalogue import CALCULATORS
from procurement.models import SubsidyProgramme

pytestmark = pytest.mark.django_db


def page(client, **params):
    return client.get("/calculators/", params)


def section(html: str, name: str) -> str:
    start = html.index(f'<section id="{name}"')
    return html[start:html.index("</section>", start)]


def test_the_page_has_a_form_per_calculator_and_is_in_the_navigation(client):
    response = page(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="/calculators/">' in html
    for name, calculator in CALCULATORS.items():
        part = section(html, name)
        assert f'name="calculator" value="{name}"' in part
        for parameter in calculator.parameters:
            assert f'name="{parameter.name}"' in part
        assert "error-summary" not in part
    assert "S/cm" in section(html, "arrhenius") and "CNY/kg" in section(html, "cost-target")
    assert "Uses Local procurement subsidy (v1), open today." in section(html, "local-procurement-subsidy")


def test_a_result_is_shown_with_its_unit_and_formula(client):
    response = page(client, calculator="arrhenius", prefactor="202", activation_energy_ev="0.25",
                    temperature_k="298.15")
    assert response.status_code == 200
    part = section(response.content.decode(), "arrhenius")
    assert "1.201 × 10⁻² S/cm" in part
    assert "σ = A·exp(−Ea / kT)" in part
    assert 'value="202"' in part  # the typing is kept


def test_money_results_are_shown_as_yuan(client):
    part = section(page(client, calculator="cost-target", current_cost="1,200").content.decode(), "cost-target")
    assert "¥600.00/kg" in part
    part = section(page(client, calculator="compensation", base_salary="800000", housing="120000",
                        other="20000").content.decode(), "compensation")
    assert "¥940,000.00" in part


PAGE_BAD = [
    ("cost-target", {}, "current_cost"),
    ("cost-target", {"current_cost": "abc"}, "current_cost"),
    ("cost-target", {"current_cost": "nan"}, "current_cost"),
    ("cost-target", {"current_cost": "-inf"}, "current_cost"),
    ("cost-target", {"current_cost": "9" * 300}, "current_cost"),
    ("flight-time", {"efficiency": "1.5", "battery_wh": "500", "power_w": "400"}, "efficiency"),
    ("flight-time", {"efficiency": "0.9", "battery_wh": "500", "power_w": "0"}, "power_w"),
    ("lcos", {"capex": "1", "discount_rate": "0.1", "years": "3", "om": "1,2", "replacement": "0",
              "energy_kwh": "5"}, "om"),
    ("arrhenius", {"sigma1": "0.01", "t1_k": "300", "sigma2": "0.02", "t2_k": "300"}, "t2_k"),
    ("standards-reward", {"role": "chair"}, "role"),
    ("talent-influx", {"graduates": "-1", "retention": "0.5"}, "graduates"),
]


@pytest.mark.parametrize(("name", "params", "field"), PAGE_BAD)
def test_bad_input_is_a_400_with_the_summary_and_the_error_beside_the_field(client, name, params, field):
    response = page(client, calculator=name, **params)
    assert response.status_code == 400
    html = response.content.decode()
    part = section(html, name)
    assert 'class="error-summary"' in part
    assert f'href="#{name}-{field}' in part  # the summary links to the field
    assert f'id="{name}-{field}_error"' in part  # and the error is repeated beside it
    assert "<title>Error:" in html
    for key, value in params.items():
        if key != "role" and len(value) < 40:
            assert f'value="{value}"' in part, key  # the typing is kept


def test_nul_bytes_are_a_400_naming_the_field(client):
    response = page(client, calculator="cost-target", current_cost="1\x00")
    assert response.status_code == 400
    assert b"<code>current_cost</code>" in response.content


def test_an_unknown_calculator_binds_nothing(client):
    response = page(client, calculator="perpetual-motion", current_cost="1")
    assert response.status_code == 200
    assert b"error-summary" not in response.content


def test_the_page_follows_a_new_programme_version(client):
    assert "¥50,000.00" in section(page(client, calculator="local-procurement-subsidy", amount="1000000")
                                   .content.decode(), "local-procurement-subsidy")
    old = SubsidyProgramme.objects.get(code="local-procurement", version=1)
    SubsidyProgramme.objects.create(
        code="local-procurement", version=2, name="Local procurement subsidy", kind="local_procurement",
        rate=Decimal("0.06"), period_start=old.period_start, period_end=old.period_end,
        active_from=timezone.localdate(),
    )
    part = section(page(client, calculator="local-procurement-subsidy", amount="1000000").content.decode(),
                   "local-procurement-subsidy")
    assert "¥60,000.00" in part and "(v2)" in part


def test_no_open_programme_says_so_instead_of_a_form(client):
    SubsidyProgramme.objects.filter(kind="rd_matching").update(active_until=timezone.localdate() - timedelta(days=1))
    response = page(client, calculator="rd-matching", total_investment="100")
    assert response.status_code == 200
    part = section(response.content.decode(), "rd-matching")
    assert "No programme of this kind is open today" in part and "<form" not in part


def test_the_page_works_in_chinese(client):
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/calculators/"})
    response = page(client, calculator="scholarship-fund", students="50", award="20000")
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()
    assert "¥1,000,000.00" in response.content.decode()


def test_every_input_has_a_label_and_ids_are_unique(client):
    html = page(client).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    for input_id in re.findall(r'<input type="text"[^>]*id="([^"]+)"', html):
        assert f'for="{input_id}"' in html
