"""The operator's measurements: what is stored, and every value or caller that is refused."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from demonstration.models import Measurement
from demonstration.services import measurement_record, measurement_value
from tests import factories

from .conftest import make_project, measure

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - timedelta(days=1)


def test_the_operators_user_records_a_days_values_with_who_and_history(station, supplier_x):
    saved = measurement_record(by=supplier_x, project=station, measured_on=YESTERDAY,
                               values={"cycle_life": "15,800", "round_trip_efficiency": "95.6"}, note="BMS report")
    assert {(m.figure, m.value) for m in saved} == {("cycle_life", Decimal("15800")),
                                                    ("round_trip_efficiency", Decimal("95.6"))}
    stored = Measurement.objects.get(project=station, figure="cycle_life")
    assert stored.recorded_by == supplier_x
    assert stored.history.first().history_user == supplier_x


@pytest.mark.parametrize(("figure", "raw", "words"), [
    ("round_trip_efficiency", "100.5", "at most 100"),
    ("cycle_life", "-1", "at least 0"),
    ("cycle_life", "1e400", "at most"),
    ("cycle_life", "NaN", "finite"),
    ("cycle_life", "Infinity", "finite"),
    ("cycle_life", "twelve", "number"),
    ("cycle_life", "12\x0034", "number"),
])
def test_impossible_values_are_refused_naming_the_figure(station, supplier_x, figure, raw, words):
    with pytest.raises(ValidationError) as error:
        measurement_record(by=supplier_x, project=station, measured_on=YESTERDAY, values={figure: raw})
    assert words in " ".join(error.value.message_dict[figure])
    assert not Measurement.objects.exists()


def test_temperatures_may_be_negative_within_their_bounds():
    assert measurement_value("min_operating_temp", "-25") == Decimal("-25")
    with pytest.raises(ValidationError):
        measurement_value("min_operating_temp", "-300")


def test_a_figure_of_another_scenario_a_future_date_and_an_empty_form_are_refused(station, supplier_x):
    with pytest.raises(ValidationError) as error:
        measurement_record(by=supplier_x, project=station, measured_on=YESTERDAY, values={"specific_energy": "420"})
    assert "specific_energy" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        measurement_record(by=supplier_x, project=station, measured_on=timezone.localdate() + timedelta(days=1),
                           values={"cycle_life": "15000"})
    assert "measured_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        measurement_record(by=supplier_x, project=station, measured_on=YESTERDAY, values={"cycle_life": ""})
    assert "__all__" in error.value.message_dict


def test_the_same_figure_twice_on_one_day_is_refused(station, supplier_x):
    measurement_record(by=supplier_x, project=station, measured_on=YESTERDAY, values={"cycle_life": "15000"})
    with pytest.raises(ValidationError) as error:
        measurement_record(by=supplier_x, project=station, measured_on=YESTERDAY, values={"cycle_life": "15100"})
    assert "Already recorded" in error.value.message_dict["cycle_life"][0]
    assert Measurement.objects.get().value == Decimal("15000")


@pytest.mark.parametrize("who", ["supplier_y", "official", "anchor_user"])
def test_only_the_operators_users_record(station, who, request):
    with pytest.raises(PermissionDenied):
        measurement_record(by=request.getfixturevalue(who), project=station, measured_on=YESTERDAY,
                           values={"cycle_life": "15000"})
    assert not Measurement.objects.exists()


def test_a_planned_project_or_one_without_a_registered_operator_takes_no_measurements(company_x, supplier_x):
    planned = make_project(status="planned", operator=company_x)
    with pytest.raises(PermissionDenied):
        measurement_record(by=supplier_x, project=planned, measured_on=YESTERDAY, values={"cycle_life": "1"})
    unregistered = make_project(operator_name="State Grid")
    with pytest.raises(PermissionDenied):
        measurement_record(by=supplier_x, project=unregistered, measured_on=YESTERDAY, values={"cycle_life": "1"})


def test_the_admins_correction_is_held_to_the_same_bounds(station):
    measurement = Measurement(project=station, figure="round_trip_efficiency", value=Decimal("101"),
                              measured_on=YESTERDAY)
    with pytest.raises(ValidationError) as error:
        measurement.full_clean()
    assert "value" in error.value.message_dict
    drone_figure = Measurement(project=station, figure="specific_energy", value=Decimal("400"), measured_on=YESTERDAY)
    with pytest.raises(ValidationError) as error:
        drone_figure.full_clean()
    assert "figure" in error.value.message_dict


def test_the_database_refuses_an_efficiency_over_100_and_a_negative_value(station):
    with pytest.raises(IntegrityError), transaction.atomic():
        measure(station, "round_trip_efficiency", "100.01")
    with pytest.raises(IntegrityError), transaction.atomic():
        measure(station, "cycle_life", "-5")
    drone = make_project(scenario="drone")
    assert measure(drone, "min_operating_temp", "-30").value == Decimal("-30")


def test_a_project_needs_an_operator_and_a_commissioning_date_once_running(company_x):
    from demonstration.models import DemonstrationProject

    project = DemonstrationProject(scenario="robot", name="Line", site="SIP", capacity_kwh=1, units=1,
                                   status="in_operation")
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert {"operator", "commissioned_on"} <= set(error.value.message_dict)
    project.capacity_kwh = Decimal("100000000000000")
    project.operator = company_x
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "capacity_kwh" in error.value.message_dict


def test_a_user_of_the_operator_needs_no_other_rights(company_x):
    colleague = factories.make_user(company_x)
    station = make_project(operator=company_x)
    assert measurement_record(by=colleague, project=station, measured_on=YESTERDAY, values={"cycle_life": "9000"})


def test_the_highest_operating_temperature_cannot_be_below_the_lowest(company_x, supplier_x):
    drone = make_project(scenario="drone", operator=company_x)
    with pytest.raises(ValidationError) as error:
        measurement_record(by=supplier_x, project=drone, measured_on=YESTERDAY,
                           values={"min_operating_temp": "10", "max_operating_temp": "-5"})
    assert "max_operating_temp" in error.value.message_dict
