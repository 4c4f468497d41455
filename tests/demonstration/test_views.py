"""Pages: the public list and project page, the operator's measurement form, /my/; permissions and hostile input."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from demonstration.models import Measurement
from tests import factories
from tests.conftest import client_for

from .conftest import make_project, measure

pytestmark = pytest.mark.django_db

YESTERDAY = (timezone.localdate() - timedelta(days=1)).isoformat()


def form_url(project):
    return f"/my/demonstration/{project.pk}/measurements/new/"


@pytest.fixture
def local_supplier(db):
    return factories.make_company(name="Hengchu Solid-State Cells", local=True)


@pytest.fixture
def outside_supplier(db):
    return factories.make_company(name="Shenzhen Pack Works", local=False)


def test_the_list_groups_projects_by_scenario_with_status_suppliers_and_tags(
    station, local_supplier, outside_supplier
):
    station.suppliers.set([local_supplier, outside_supplier])
    measure(station, "cycle_life", 16000)
    measure(station, "round_trip_efficiency", "94.0")
    make_project(scenario="robot", name="Dushu Lake robot line", status="planned")
    page = Client().get("/demonstration/").content.decode()
    assert page.index("Grid-side storage stations") < page.index("Humanoid robots")
    assert "Xinghu storage station" in page and "Dushu Lake robot line" in page
    assert "Hengchu Solid-State Cells" in page and "tag-local" in page and "Not local" in page
    assert "16,000 cycles" in page and "Below target" in page  # the efficiency misses 95 %
    assert "No data yet" in page  # the planned robot line


def test_the_list_filters_like_the_api_and_refuses_unknown_parameters(station, local_supplier):
    station.suppliers.set([local_supplier])
    make_project(scenario="drone", name="Taihu drones")
    page = Client().get("/demonstration/?scenario=drone").content.decode()
    assert "Taihu drones" in page and "Xinghu storage station" not in page
    page = Client().get("/demonstration/?local=true").content.decode()
    assert "Xinghu storage station" in page and "Taihu drones" not in page
    assert Client().get("/demonstration/?scenarios=drone").status_code == 400


def test_the_project_page_shows_facts_measurements_chart_and_lcos(station, reference):
    measure(station, "cycle_life", 15800, timezone.localdate() - timedelta(days=40))
    measure(station, "cycle_life", 16100, timezone.localdate() - timedelta(days=10))
    page = Client().get(f"/demonstration/{station.pk}/").content.decode()
    assert "Xinghu storage station" in page and "1,000 kWh" in page
    assert "0.48 CNY/kWh" in page and "0.62 CNY/kWh" in page and "Yes: lower" in page
    assert page.count("<svg") == 2  # the cycle life's chart, wide and narrow; no efficiency measured: no chart
    assert "16,100 cycles" in page and "Measurements by date" in page


def test_a_project_without_measurements_says_no_data_yet():
    drone = make_project(scenario="drone")
    page = Client().get(f"/demonstration/{drone.pk}/").content.decode()
    assert "No data yet" in page and "<svg" not in page
    assert "The usable fraction and the power draw are not recorded yet." in page


def test_the_pages_in_chinese(station):
    measure(station, "cycle_life", 16000)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    for url in ("/demonstration/", f"/demonstration/{station.pk}/"):
        response = client.get(url)
        assert response.status_code == 200
        assert 'lang="zh-hans"' in response.content.decode().lower()


@pytest.mark.parametrize("url", ["/demonstration/99999999999999999999/", "/demonstration/0/"])
def test_a_project_that_does_not_exist_is_a_404(url):
    assert Client().get(url).status_code == 404


# --- the operator's form ------------------------------------------------------------------------------------

def test_the_operators_user_records_measurements_through_the_form(station, supplier_x):
    client = client_for(supplier_x)
    assert client.get(form_url(station)).status_code == 200
    response = client.post(form_url(station), {"measured_on": YESTERDAY, "figure_cycle_life": "15 900",
                                               "figure_round_trip_efficiency": "95.7", "note": "Monthly report"})
    assert response.status_code == 302 and response["Location"] == f"/demonstration/{station.pk}/"
    assert Measurement.objects.filter(project=station).count() == 2


@pytest.mark.parametrize(("data", "message"), [
    ({"figure_round_trip_efficiency": "100.5"}, "at most 100"),
    ({"figure_cycle_life": "-3"}, "at least 0"),
    ({"figure_cycle_life": "9" * 39}, "at most"),
    ({"figure_cycle_life": "1\x00"}, "Null characters are not allowed"),
    ({"note": "bad\x00note", "figure_cycle_life": "1"}, "Null characters are not allowed"),
    ({"figure_cycle_life": ""}, "Enter at least one measured value"),
])
def test_bad_values_come_back_with_the_field_named(station, supplier_x, data, message):
    response = client_for(supplier_x).post(form_url(station), {"measured_on": YESTERDAY, **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Measurement.objects.exists()


def test_another_companys_project_is_a_404_in_the_form(station, supplier_y, anchor_user):
    for user in (supplier_y, anchor_user):
        client = client_for(user)
        assert client.get(form_url(station)).status_code == 404
        assert client.post(form_url(station), {"measured_on": YESTERDAY, "figure_cycle_life": "1"}).status_code == 404
    assert not Measurement.objects.exists()


def test_anonymous_is_sent_to_log_in_and_an_official_has_no_form(station, official):
    response = Client().get(form_url(station))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_for(official).post(form_url(station), {"measured_on": YESTERDAY,
                                                         "figure_cycle_life": "1"}).status_code in (302, 404)
    assert not Measurement.objects.exists()


def test_a_planned_project_explains_instead_of_offering_the_form(company_x, supplier_x):
    planned = make_project(status="planned", operator=company_x)
    page = client_for(supplier_x).get(form_url(planned)).content.decode()
    assert "still planned" in page and "figure_cycle_life" not in page
    assert client_for(supplier_x).post(form_url(planned), {"measured_on": YESTERDAY,
                                                           "figure_cycle_life": "1"}).status_code == 403


def test_my_home_lists_the_projects_the_company_operates(station, supplier_x, supplier_y):
    page = client_for(supplier_x).get("/my/").content.decode()
    assert "Demonstration projects you operate" in page and form_url(station) in page
    assert "Demonstration projects you operate" not in client_for(supplier_y).get("/my/").content.decode()


def test_public_pages_never_show_who_typed_a_measurement(station, supplier_x):
    client_for(supplier_x).post(form_url(station), {"measured_on": YESTERDAY, "figure_cycle_life": "15000"})
    assert "supplier_x" not in Client().get(f"/demonstration/{station.pk}/").content.decode()


def test_a_suppliers_public_page_lists_the_projects_its_batteries_are_in(station, local_supplier, company_y):
    station.suppliers.set([local_supplier])
    page = Client().get(f"/directory/{local_supplier.pk}/").content.decode()
    assert "Xinghu storage station" in page and "Battery supplier" in page
    assert "Xinghu storage station" not in Client().get(f"/directory/{company_y.pk}/").content.decode()
