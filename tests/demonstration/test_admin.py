"""Officials create and edit projects in the admin, with history; company users do not reach it."""

from decimal import Decimal

import pytest

from demonstration.models import DemonstrationProject, ScenarioReference
from tests.conftest import client_for

from .conftest import measure

pytestmark = pytest.mark.django_db


def project_form(**overrides):
    data = {
        "scenario": "grid_storage", "name": "Yangcheng Lake station", "site": "Xiangcheng", "status": "planned",
        "commissioned_on": "", "description": "", "operator": "", "operator_name": "State Grid Suzhou",
        "capacity_kwh": "200000", "units": "80", "capex_cny": "", "om_cny_per_year": "",
        "replacement_cny_per_year": "", "discharged_kwh_per_year": "", "lifetime_years": "",
        "usable_fraction": "", "power_draw_w": "",
        "measurements-TOTAL_FORMS": "0", "measurements-INITIAL_FORMS": "0",
        "measurements-MIN_NUM_FORMS": "0", "measurements-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_an_official_creates_and_edits_a_project_with_history(official, company_x):
    client = client_for(official)
    response = client.post("/admin/demonstration/demonstrationproject/add/", project_form(suppliers=[company_x.pk]))
    assert response.status_code == 302, response.content.decode()[:3000]
    project = DemonstrationProject.objects.get(name="Yangcheng Lake station")
    assert list(project.suppliers.all()) == [company_x]
    response = client.post(f"/admin/demonstration/demonstrationproject/{project.pk}/change/",
                           project_form(status="under_construction", suppliers=[company_x.pk]))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == "under_construction"
    history = list(project.history.all())
    assert {h.history_user for h in history} == {official}
    assert [h.status for h in history][0] == "under_construction" and history[-1].status == "planned"
    assert client.get(f"/admin/demonstration/demonstrationproject/{project.pk}/history/").status_code == 200


def test_the_admin_refuses_impossible_figures(official):
    response = client_for(official).post(
        "/admin/demonstration/demonstrationproject/add/",
        project_form(capacity_kwh="-5", usable_fraction="1.5", capex_cny="1e20"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"capacity_kwh", "usable_fraction", "capex_cny"} <= set(errors)


def test_an_official_sets_the_incumbent_reference(official):
    response = client_for(official).post("/admin/demonstration/scenarioreference/add/", {
        "scenario": "grid_storage", "incumbent_technology": "LFP", "incumbent_lcos_cny_per_kwh": "0.62",
        "discount_rate": "0.06", "source": "survey",
    })
    assert response.status_code == 302
    assert ScenarioReference.objects.get().incumbent_lcos_cny_per_kwh == Decimal("0.62")


def test_a_project_with_measurements_is_not_deleted(official, station):
    measure(station, "cycle_life", 15000)
    response = client_for(official).get(f"/admin/demonstration/demonstrationproject/{station.pk}/delete/")
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["supplier_x", "anchor_user"])
def test_company_users_do_not_reach_the_admin(who, request, station):
    response = client_for(request.getfixturevalue(who)).get(
        f"/admin/demonstration/demonstrationproject/{station.pk}/change/"
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
