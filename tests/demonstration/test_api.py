"""/api/v1/demonstration/projects/: filters shared with the page, 400 on bad parameters, measurements nested."""

from datetime import date

import pytest
from django.test import Client

from demonstration.filtersets import DemonstrationProjectFilterSet
from demonstration.models import DemonstrationProject
from tests import factories

from .conftest import make_project, measure

pytestmark = pytest.mark.django_db

URL = "/api/v1/demonstration/projects/"


@pytest.fixture
def projects(station, company_y):
    local = factories.make_company(name="Local cells", local=True)
    outside = factories.make_company(name="Outside packs", local=False)
    station.suppliers.set([local])
    drone = make_project(scenario="drone", name="Taihu drones", suppliers=[outside], capacity_kwh=72, units=60,
                         usable_fraction="0.9", power_draw_w="900")
    ended = make_project(scenario="robot", name="Robot pilot", status="ended", suppliers=[local, outside])
    measure(station, "cycle_life", 16000, date(2026, 1, 15))
    measure(station, "round_trip_efficiency", "95.5", date(2026, 1, 15))
    return {"station": station, "drone": drone, "ended": ended, "local": local, "outside": outside}


def names(response):
    assert response.status_code == 200, response.content
    return sorted(row["name"] for row in response.json()["results"])


def test_filters_scenario_status_supplier_and_local(projects):
    client = Client()
    assert names(client.get(URL, {"scenario": "drone"})) == ["Taihu drones"]
    assert names(client.get(URL, {"status": "ended"})) == ["Robot pilot"]
    assert names(client.get(URL, {"supplier": projects["outside"].pk})) == ["Robot pilot", "Taihu drones"]
    assert names(client.get(URL, {"local": "true"})) == ["Robot pilot", "Xinghu storage station"]
    assert names(client.get(URL, {"local": "false"})) == ["Taihu drones"]


@pytest.mark.parametrize("query", [
    {"scenario": "cars"}, {"status": "done"}, {"supplier": "abc"}, {"supplier": "99999999999999999999"},
    {"local": "maybe"}, {"scenarios": "drone"}, {"q": "x " * 20},
])
def test_bad_parameters_are_a_400_naming_them(projects, query):
    response = Client().get(URL, query)
    assert response.status_code == 400
    assert set(query) & set(response.json())


def test_the_page_and_the_api_list_the_same_projects(projects):
    for query in ({"scenario": "grid_storage"}, {"local": "true"}, {"supplier": projects["local"].pk}):
        api = names(Client().get(URL, query))
        filterset = DemonstrationProjectFilterSet(query, queryset=DemonstrationProject.objects.all())
        assert sorted(p.name for p in filterset.qs) == api
        page = Client().get("/demonstration/", query).content.decode()
        assert all(name in page for name in api)


def test_a_project_carries_targets_lcos_flight_time_and_its_measurements(projects, reference):
    rows = {row["name"]: row for row in Client().get(URL).json()["results"]}
    station = rows["Xinghu storage station"]
    assert station["target_status"] == "met"
    assert station["lcos"] == {"lcos_cny_per_kwh": "0.48", "incumbent_lcos_cny_per_kwh": "0.62",
                               "lower_than_incumbent": True}
    assert station["suppliers"] == [{"id": projects["local"].pk, "name": "Local cells", "local": True}]
    assert rows["Taihu drones"]["flight_time_minutes"] == "72.0"
    assert rows["Robot pilot"]["target_status"] == "no_data"
    detail = Client().get(f"{URL}{projects['station'].pk}/").json()
    assert [(m["figure"], m["value"], m["unit"], m["meets_target"]) for m in detail["measurements"]] == [
        ("cycle_life", "16000.0000", "cycles", True), ("round_trip_efficiency", "95.5000", "%", True)]
    nested = Client().get(f"{URL}{projects['station'].pk}/measurements/").json()
    assert [m["figure"] for m in nested["results"]] == ["cycle_life", "round_trip_efficiency"]
    assert "recorded_by" not in nested["results"][0]


def test_unknown_projects_are_a_404():
    assert Client().get(f"{URL}99999999999999999999/").status_code == 404
    assert Client().get(f"{URL}99999999999999999999/measurements/").status_code == 404
    assert Client().get(f"{URL}12345/measurements/").status_code == 404


def test_the_api_is_read_only(projects, official):
    from tests.conftest import client_for

    assert client_for(official).post(URL, {"name": "x"}).status_code in (403, 405)
    assert Client().delete(f"{URL}{projects['station'].pk}/").status_code in (401, 403, 405)


@pytest.mark.parametrize("url", [URL, "/demonstration/"])
def test_nul_bytes_in_the_query_are_refused_not_a_500(projects, url):
    assert Client().get(url, {"q": "sta\x00tion"}).status_code == 400
