"""GET /api/v1/calculators/<name>/: results by hand, bad input as a 400 naming the parameter, the current programme."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from calculators.catalogue import CALCULATORS
from procurement.models import SubsidyProgramme
from tests import factories

pytestmark = pytest.mark.django_db


def get(name, **params):
    return APIClient().get(f"/api/v1/calculators/{name}/", params)


@pytest.mark.parametrize(("name", "params", "expected"), [
    ("cost-target", {"current_cost": "1200"}, {"target_cost": "600.00"}),
    ("cost-target", {"current_cost": "1000", "reduction": "0.6"}, {"target_cost": "400.00"}),
    ("arrhenius", {"prefactor": "202", "activation_energy_ev": "0.25", "temperature_k": "298.15"},
     {"conductivity_s_cm": 0.0120082}),
    ("capacity-retention", {"initial_capacity": "300", "decay_per_cycle": "0.1", "cycles": "2",
                            "retention_target": "0.8"}, {"capacity": 243.0, "retention": 0.81, "cycles_to_target": 3}),
    ("lcos", {"capex": "1000", "discount_rate": "0.1", "years": "2", "om": "110,121", "replacement": "0",
              "energy_kwh": "1100,1210"}, {"lcos_cny_per_kwh": "0.60", "discounted_energy_kwh": 2000.0}),
    ("flight-time", {"efficiency": "0.85", "battery_wh": "500", "power_w": "400"}, {"minutes": 63.75}),
    ("energy-quota", {"standard_quota": "1000", "unit": "tce"}, {"granted_quota": "1100.000", "unit": "tce"}),
    ("local-procurement-subsidy", {"amount": "1,000,000"}, {"subsidy": "50000.00"}),
    ("standards-reward", {"role": "lead", "already_paid": "500000"}, {"reward": "500000.00"}),
    ("standards-reward", {"role": "participant"}, {"reward": "500000.00"}),
    ("rd-matching", {"total_investment": "20000000"}, {"matching": "3000000.00"}),
    ("talent-influx", {"graduates": "900", "retention": "0.6"}, {"influx": 540.0}),
    ("compensation", {"base_salary": "800000", "housing": "120000", "other": "20000, 15000.50"},
     {"total": "955000.50"}),
    ("compensation", {"base_salary": "800000", "housing": "0"}, {"total": "800000.00"}),
    ("scholarship-fund", {"students": "50", "award": "20000"}, {"fund": "1000000.00"}),
])
def test_results_by_hand(name, params, expected):
    response = get(name, **params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert {key: body[key] for key in expected} == expected
    assert body["formula"] == CALCULATORS[name].formula


def test_two_point_fit_and_units():
    body = get("arrhenius", sigma1="1.2e-2", t1_k="298.15", sigma2="5e-2", t2_k="350").json()
    assert body["activation_energy_ev"] == pytest.approx(0.247506, rel=1e-6)
    assert body["conductivity_s_cm"] is None
    assert body["units"]["prefactor"] == "S/cm"


def test_the_list_names_every_calculator_and_its_parameters():
    body = APIClient().get("/api/v1/calculators/").json()
    assert [c["name"] for c in body["calculators"]] == list(CALCULATORS)
    lcos = next(c for c in body["calculators"] if c["name"] == "lcos")
    assert [p["name"] for p in lcos["parameters"]] == ["capex", "discount_rate", "years", "om", "replacement",
                                                       "energy_kwh"]


BAD = [
    ("cost-target", {}, "current_cost"),  # missing
    ("cost-target", {"current_cost": "twelve"}, "current_cost"),
    ("cost-target", {"current_cost": "NaN"}, "current_cost"),
    ("cost-target", {"current_cost": "inf"}, "current_cost"),
    ("cost-target", {"current_cost": "-1"}, "current_cost"),
    ("cost-target", {"current_cost": "1" * 500}, "current_cost"),
    ("cost-target", {"current_cost": "1e999999999"}, "current_cost"),
    ("cost-target", {"current_cost": "10", "reduction": "1"}, "reduction"),
    ("arrhenius", {"prefactor": "202", "activation_energy_ev": "0.25", "temperature_k": "-10"}, "temperature_k"),
    ("arrhenius", {"prefactor": "202", "activation_energy_ev": "0.25"}, "temperature_k"),
    ("arrhenius", {"sigma1": "0.01", "t1_k": "300", "sigma2": "0.02", "t2_k": "300"}, "t2_k"),
    ("arrhenius", {"sigma1": "0.01", "t1_k": "300", "sigma2": "1e6", "t2_k": "300.000000001"}, "sigma1"),
    ("capacity-retention", {"initial_capacity": "300", "decay_per_cycle": "0.1", "cycles": "2.5"}, "cycles"),
    ("capacity-retention", {"initial_capacity": "300", "decay_per_cycle": "1.5", "cycles": "2"}, "decay_per_cycle"),
    ("lcos", {"capex": "-1", "discount_rate": "0.1", "years": "2", "om": "1", "replacement": "0",
              "energy_kwh": "1"}, "capex"),
    ("lcos", {"capex": "1", "discount_rate": "0.1", "years": "3", "om": "1,2", "replacement": "0",
              "energy_kwh": "1"}, "om"),
    ("lcos", {"capex": "1", "discount_rate": "0.1", "years": "2", "om": "1", "replacement": "0",
              "energy_kwh": "0,0"}, "energy_kwh"),
    ("lcos", {"capex": "1", "discount_rate": "0.1", "years": "2", "om": ",".join(["1"] * 500), "replacement": "0",
              "energy_kwh": "1"}, "om"),
    ("flight-time", {"efficiency": "1.2", "battery_wh": "500", "power_w": "400"}, "efficiency"),
    ("flight-time", {"efficiency": "0.9", "battery_wh": "500", "power_w": "0"}, "power_w"),
    ("energy-quota", {"standard_quota": "1000", "unit": "MWh"}, "unit"),
    ("local-procurement-subsidy", {"amount": "-100"}, "amount"),
    ("local-procurement-subsidy", {"amount": "1e20"}, "amount"),
    ("standards-reward", {"role": "chair"}, "role"),
    ("rd-matching", {"total_investment": "0"}, "total_investment"),
    ("talent-influx", {"graduates": "-5", "retention": "0.6"}, "graduates"),
    ("talent-influx", {"graduates": "5", "retention": "60"}, "retention"),
    ("compensation", {"base_salary": "1", "housing": "1", "other": "1,-2"}, "other"),
    ("scholarship-fund", {"students": "50", "award": "Infinity"}, "award"),
    ("scholarship-fund", {"students": "50", "award": "100", "bogus": "1"}, "bogus"),
]


@pytest.mark.parametrize(("name", "params", "field"), BAD)
def test_bad_input_is_a_400_naming_the_parameter(name, params, field):
    response = get(name, **params)
    assert response.status_code == 400, response.content
    assert field in response.json()


@pytest.mark.parametrize("value", ["\x00", "12\x00", "1\x1b[0m"])
def test_nul_bytes_and_control_characters_are_a_400_naming_the_parameter(value):
    response = get("flight-time", efficiency="0.9", battery_wh=value, power_w="100")
    assert response.status_code == 400
    assert list(response.json()) == ["battery_wh"]


def test_a_repeated_parameter_is_refused():
    response = APIClient().get("/api/v1/calculators/scholarship-fund/?students=1&students=2&award=5")
    assert response.status_code == 400 and "students" in response.json()


# --- programme-driven calculators follow the current programme version ---------------------------------

def _next_version(code, **fields):
    """A new version of a seeded programme, open from today, the way officials change a policy."""
    current = SubsidyProgramme.objects.filter(code=code).order_by("-version").first()
    today = timezone.localdate()
    values = {name: getattr(current, name) for name in (
        "name", "kind", "rate", "lead_reward", "participant_reward", "quota_factor", "period_start", "period_end",
        "eligible_category")}
    values.update(fields)
    return SubsidyProgramme.objects.create(code=code, version=current.version + 1, active_from=today, **values)


@pytest.mark.parametrize(("name", "params", "code", "change", "field", "before", "after"), [
    ("local-procurement-subsidy", {"amount": "1000000"}, "local-procurement", {"rate": Decimal("0.08")},
     "subsidy", "50000.00", "80000.00"),
    ("rd-matching", {"total_investment": "1000000"}, "rd-matching", {"rate": Decimal("0.2")},
     "matching", "150000.00", "200000.00"),
    ("standards-reward", {"role": "lead"}, "standards-reward",
     {"lead_reward": Decimal("1200000"), "participant_reward": Decimal("600000")}, "reward", "1000000.00",
     "1200000.00"),
    ("energy-quota", {"standard_quota": "1000", "unit": "kWh"}, "energy-quota", {"quota_factor": Decimal("1.2")},
     "granted_quota", "1100.000", "1200.000"),
])
def test_a_new_programme_version_changes_the_result(name, params, code, change, field, before, after):
    first = get(name, **params).json()
    assert first[field] == before
    assert first["programme"]["code"] == code and first["programme"]["version"] == 1
    version = _next_version(code, **change)
    second = get(name, **params).json()
    assert second[field] == after
    assert second["programme"]["id"] == version.pk and second["programme"]["version"] == 2


def test_caps_of_the_current_version_apply():
    _next_version("local-procurement", cap_per_application=Decimal("20000"))
    assert get("local-procurement-subsidy", amount="1000000").json()["subsidy"] == "20000.00"


def test_a_version_not_yet_open_is_not_used():
    current = SubsidyProgramme.objects.get(code="rd-matching", version=1)
    SubsidyProgramme.objects.create(
        code="rd-matching", version=2, name="Later", kind="rd_matching", rate=Decimal("0.5"),
        period_start=current.period_start, period_end=current.period_end,
        active_from=timezone.localdate() + timedelta(days=10),
    )
    assert get("rd-matching", total_investment="100").json()["programme"]["version"] == 1


def test_the_calculator_agrees_with_what_an_application_is_paid(anchor_user, anchor_company, supplier_x):
    from procurement import applications as workflow

    version = _next_version("local-procurement", rate=Decimal("0.0725"))
    purchases = [
        factories.make_purchase(anchor_company, supplier_x.company, amount=Decimal(a), purchased_on=date(2026, 3, 1))
        for a in ("1234.57", "99.99")
    ]
    application = workflow.application_create_draft(by=anchor_user, programme=version,
                                                    basis={"purchases": [p.pk for p in purchases]})
    calculated = get("local-procurement-subsidy", amount=str(application.eligible_total)).json()
    assert calculated["subsidy"] == f"{application.amount:f}"


def test_no_open_programme_is_a_404_saying_so():
    SubsidyProgramme.objects.filter(kind="energy_quota").update(active_until=timezone.localdate() - timedelta(days=1))
    response = get("energy-quota", standard_quota="1000", unit="kWh")
    assert response.status_code == 404


def test_each_calculator_is_one_documented_operation(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for name, calculator in CALCULATORS.items():
        operation = schema["paths"][f"/api/v1/calculators/{name}/"]["get"]
        documented = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
        assert set(calculator.parameter_names) <= documented, name
        assert operation["operationId"] == f"calculators_{name.replace('-', '_')}"
    cost = {p["name"]: p for p in schema["paths"]["/api/v1/calculators/cost-target/"]["get"]["parameters"]}
    assert cost["current_cost"]["required"] is True
    schema = cost["reduction"]["schema"]
    # A schema hook may also allow the empty string beside the number (anyOf).
    assert 0.5 in [schema.get("default")] + [option.get("default") for option in schema.get("anyOf", [])]
