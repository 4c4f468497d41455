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


def test_recording_on_an_unknown_project_is_a_404(supplier_x):
    for project_id in ("12345", "99999999999999999999"):
        response = post_json(supplier_x, f"{URL}{project_id}/measurements/",
                             {"measured_on": "2026-01-20", "values": {"cycle_life": "9000"}})
        assert response.status_code == 404


def test_the_api_is_read_only(projects, official):
    from tests.conftest import client_for

    assert client_for(official).post(URL, {"name": "x"}).status_code in (403, 405)
    assert Client().delete(f"{URL}{projects['station'].pk}/").status_code in (401, 403, 405)


@pytest.mark.parametrize("url", [URL, "/demonstration/"])
def test_nul_bytes_in_the_query_are_refused_not_a_500(projects, url):
    assert Client().get(url, {"q": "sta\x00tion"}).status_code == 400


# The operator's measurements through the API: the same service, rules and messages as the form on /my/.

def measurements_url(project):
    return f"{URL}{project.pk}/measurements/"


def post_json(user, url, payload):
    from tests.conftest import client_for

    client = client_for(user) if user else Client()
    return client.post(url, payload, content_type="application/json")


def test_the_operator_records_a_days_measurements_and_the_project_shows_them(station, supplier_x):
    from datetime import timedelta

    from django.utils import timezone

    day = timezone.localdate() - timedelta(days=2)
    response = post_json(supplier_x, measurements_url(station), {
        "measured_on": day.isoformat(), "values": {"cycle_life": "15,800", "round_trip_efficiency": "94.25"},
        "note": "Quarterly test",
    })
    assert response.status_code == 201, response.content
    saved = {row["figure"]: row for row in response.json()}
    assert saved["cycle_life"]["value"] == "15800.0000"
    assert saved["round_trip_efficiency"]["value"] == "94.2500"
    assert saved["round_trip_efficiency"]["meets_target"] is False  # Table 3: above 95 %
    assert saved["cycle_life"]["meets_target"] is True  # Table 3: above 15,000 cycles
    listed = Client().get(measurements_url(station)).json()["results"]
    assert {(row["figure"], row["value"], row["measured_on"]) for row in listed} == {
        ("cycle_life", "15800.0000", day.isoformat()), ("round_trip_efficiency", "94.2500", day.isoformat())}
    assert station.measurements.get(figure="cycle_life").recorded_by == supplier_x
    assert station.measurements.get(figure="cycle_life").history.latest().history_user == supplier_x


def test_only_the_operators_users_record_and_anonymous_callers_are_asked_to_log_in(station, supplier_y, official):
    payload = {"measured_on": "2026-01-20", "values": {"cycle_life": "9000"}}
    assert post_json(None, measurements_url(station), payload).status_code in (401, 403)
    refused = post_json(supplier_y, measurements_url(station), payload)
    assert refused.status_code == 403
    assert "operating company" in refused.json()["detail"]
    # Officials correct measurements in the admin rather than report them as the operator.
    assert post_json(official, measurements_url(station), payload).status_code == 403
    assert not station.measurements.exists()


@pytest.mark.parametrize("values, field, words", [
    ({"cycle_life": 15800}, "cycle_life", "valid string"),  # a JSON number: the schema asks for a string
    ({"cycle_life": "many"}, "cycle_life", "Enter a number"),
    ({"round_trip_efficiency": "100.5"}, "round_trip_efficiency", "100"),
    ({"specific_energy": "450"}, "specific_energy", "do not measure"),  # a drone's figure on a storage station
    ({"cycle_life": "1e400"}, "cycle_life", "at most"),
    ({"cycle_life": "Infinity"}, "cycle_life", "finite"),
    ({"cycle_life": "12\x0034"}, "cycle_life", "NUL bytes"),
    ({}, "values", "empty"),
])
def test_bad_values_are_a_400_naming_the_figure_and_nothing_is_saved(station, supplier_x, values, field, words):
    response = post_json(supplier_x, measurements_url(station), {"measured_on": "2026-01-20", "values": values})
    assert response.status_code == 400, response.content
    body = response.json()
    errors = body["values"] if field != "values" else body
    assert field in errors, body
    assert words in str(errors[field])
    assert not station.measurements.exists()


def test_a_date_in_the_future_or_a_figure_already_recorded_that_day_is_refused(station, supplier_x):
    from datetime import timedelta

    from django.utils import timezone

    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    future = post_json(supplier_x, measurements_url(station), {"measured_on": tomorrow,
                                                                "values": {"cycle_life": "9000"}})
    assert future.status_code == 400 and "future" in str(future.json()["measured_on"])
    measure(station, "cycle_life", 9000, date(2026, 1, 20))
    again = post_json(supplier_x, measurements_url(station), {
        "measured_on": "2026-01-20", "values": {"cycle_life": "9100", "round_trip_efficiency": "91"}})
    assert again.status_code == 400
    assert "Already recorded" in str(again.json()["values"]["cycle_life"])
    # All or nothing: the day's other figure was not saved either.
    assert list(station.measurements.values_list("figure", flat=True)) == ["cycle_life"]


def test_a_planned_project_takes_no_measurements(company_x, supplier_x):
    planned = make_project(status="planned", operator=company_x)
    response = post_json(supplier_x, measurements_url(planned), {"measured_on": "2026-01-20",
                                                                  "values": {"cycle_life": "9000"}})
    assert response.status_code == 403
    assert "planned" in response.json()["detail"]
