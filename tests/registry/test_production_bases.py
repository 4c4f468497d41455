"""Production bases and industrial land requests: the officials' priority order (solid-state bases first, then the
larger base, then the older request), who sees which, the decisions, and hostile input (another company's base,
huge numbers, NUL bytes) refused naming the field."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from procurement.energy_quota import EnergyQuotaForm
from registry import production_bases as service
from registry.models import LandRequest, ProductionBase
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

BASE = {"name": "Base", "address": "1 Industry Road", "capacity": "10", "capacity_unit": "GWh",
        "stage": "planned", "is_solid_state": False}


def make_base(user, **fields):
    return service.production_base_save(by=user, company=user.company, data={
        **BASE, "capacity": Decimal(str(fields.pop("capacity", "10"))), **fields})


def make_request(user, base, *, days_ago=0, area="1000"):
    return service.land_request_submit(by=user, base=base, area_m2=Decimal(area), purpose="A new line",
                                       requested_on=date(2026, 6, 1) - timedelta(days=days_ago))


@pytest.fixture
def queue(supplier_x, supplier_y):
    """Requests named by what decides their place in the order."""
    bases = {
        "ss_small": make_base(supplier_x, name="SS small", is_solid_state=True, capacity="2"),
        "ss_large_mwh": make_base(supplier_x, name="SS large", is_solid_state=True, capacity="30000",
                                  capacity_unit="MWh"),  # 30 GWh
        "ss_tonnes": make_base(supplier_y, name="SS tonnes", is_solid_state=True, capacity="99999",
                               capacity_unit="t"),
        "plain_huge": make_base(supplier_y, name="Plain huge", capacity="500"),
    }
    return {
        "plain_huge": make_request(supplier_y, bases["plain_huge"], days_ago=400),
        "ss_small_new": make_request(supplier_x, bases["ss_small"], days_ago=1),
        "ss_small_old": make_request(supplier_x, bases["ss_small"], days_ago=50),
        "ss_tonnes": make_request(supplier_y, bases["ss_tonnes"], days_ago=300),
        "ss_large": make_request(supplier_x, bases["ss_large_mwh"], days_ago=5),
    }


PRIORITY = ["ss_large", "ss_small_old", "ss_small_new", "ss_tonnes", "plain_huge"]


def names(queue, ids):
    by_id = {request.pk: name for name, request in queue.items()}
    return [by_id[pk] for pk in ids]


def test_priority_order_solid_state_then_capacity_then_date(queue):
    assert names(queue, [r.pk for r in service.waiting_in_priority_order()]) == PRIORITY


def test_the_same_order_in_the_api_and_the_admin(queue, official):
    client = client_for(official)
    api = client.get("/api/v1/land-requests/").json()["results"]
    assert names(queue, [row["id"] for row in api]) == PRIORITY
    response = client.get(reverse("admin:registry_landrequest_changelist"), {"waiting": "yes"})
    assert names(queue, [r.pk for r in response.context["cl"].result_list]) == PRIORITY


def test_decided_requests_leave_the_queue(queue, official):
    service.land_request_grant(land_request=queue["ss_large"], by=official)
    service.land_request_decline(land_request=queue["plain_huge"], by=official, reason="Reserved plot")
    assert names(queue, [r.pk for r in service.waiting_in_priority_order()]) == PRIORITY[1:4]
    index = client_for(official).get(reverse("admin:index"))
    shown = {str(q["label"]): q for q in index.context["queues"]}
    assert shown["Industrial land requests waiting for a decision"]["count"] == 3


def test_moves_follow_the_status_map(queue, official, supplier_x):
    land_request = queue["ss_small_old"]
    with pytest.raises(PermissionDenied):
        service.land_request_grant(land_request=land_request, by=supplier_x)
    with pytest.raises(ValidationError) as error:
        service.land_request_decline(land_request=land_request, by=official, reason="  ")
    assert "reason" in error.value.message_dict
    service.land_request_review(land_request=land_request, by=official)
    service.land_request_grant(land_request=land_request, by=official, reason="Plot 4")
    land_request.refresh_from_db()
    assert (land_request.status, land_request.decided_by, land_request.decision_reason) == ("granted", official,
                                                                                           "Plot 4")
    with pytest.raises(ValidationError):
        service.land_request_decline(land_request=land_request, by=official, reason="Changed our mind")
    assert [h.history_change_reason for h in land_request.history.order_by("history_id")] == [
        "Submitted", "Taken under review", "Granted"]


def test_declining_in_the_admin_asks_for_the_reason(queue, official):
    client = client_for(official)
    url = reverse("admin:registry_landrequest_changelist")
    pk = queue["plain_huge"].pk
    action = {"action": "decline_requests", "_selected_action": [pk]}
    response = client.post(url, {**action, "apply": "1", "reason": ""})
    assert response.status_code == 200 and "Give the reason for declining." in response.content.decode()
    assert LandRequest.objects.get(pk=pk).status == "submitted"
    client.post(url, {**action, "apply": "1", "reason": "The plot is reserved."})
    assert LandRequest.objects.get(pk=pk).status == "declined"


def test_who_sees_which(queue, supplier_x, supplier_y, official):
    assert Client().get("/api/v1/land-requests/").status_code == 401
    assert Client().get("/api/v1/production-bases/").status_code == 401
    mine = client_for(supplier_x).get("/api/v1/land-requests/").json()
    assert names(queue, [row["id"] for row in mine["results"]]) == ["ss_large", "ss_small_old", "ss_small_new"]
    other = queue["plain_huge"]
    assert client_for(supplier_x).get(f"/api/v1/land-requests/{other.pk}/").status_code == 404
    assert client_for(supplier_x).get(f"/my/production-bases/{other.base_id}/edit/").status_code == 404
    assert client_for(official).get("/api/v1/production-bases/").json()["count"] == 4
    page = client_for(supplier_x).get("/my/production-bases/").content.decode()
    assert "SS small" in page and "Plain huge" not in page


def test_record_a_base_and_request_land_on_the_pages(supplier_x):
    client = client_for(supplier_x)
    response = client.post("/my/production-bases/new/", {**BASE, "name": "Kunshan plant", "capacity": "-3",
                                                         "stage": "in_production", "is_solid_state": "on"})
    assert response.status_code == 200 and response.context["form"].errors.get("capacity")
    response = client.post("/my/production-bases/new/", {**BASE, "name": "Kunshan plant", "capacity": "12.5",
                                                         "stage": "in_production", "is_solid_state": "on"})
    assert response.status_code == 302
    base = ProductionBase.objects.get()
    assert (base.capacity, base.is_solid_state, base.company) == (Decimal("12.5"), True, supplier_x.company)
    response = client.post("/my/land-requests/new/", {"base": base.pk, "area_m2": "60,000", "purpose": "Line 2"})
    assert response.status_code == 302
    assert LandRequest.objects.get().area_m2 == Decimal("60000")
    assert "Production bases and industrial land" in client.get("/my/").content.decode()


@pytest.mark.parametrize(("data", "field"), [
    ({"base": "OTHER"}, "base"),
    ({"base": "99999999999999999999999"}, "base"),
    ({"base": "1.5"}, "base"),
    ({"area_m2": "1e30"}, "area_m2"),
    ({"area_m2": "0"}, "area_m2"),
    ({"area_m2": "NaN"}, "area_m2"),
    ({"purpose": "Line\x00"}, "purpose"),
    ({"purpose": ""}, "purpose"),
])
def test_hostile_land_request_on_the_page_is_refused_beside_the_field(supplier_x, supplier_y, data, field):
    own = make_base(supplier_x, name="Own")
    other = make_base(supplier_y, name="Other's")
    body = {"base": own.pk, "area_m2": "1000", "purpose": "Line 2", **data}
    if body["base"] == "OTHER":
        body["base"] = other.pk
    response = client_for(supplier_x).post("/my/land-requests/new/", body)
    assert response.status_code == 200 and response.context["form"].errors.get(field)
    assert not LandRequest.objects.exists()


@pytest.mark.parametrize(("data", "field"), [
    ({"base": "OTHER"}, "base"),
    ({"base": 99999999999999999999999}, "base"),
    ({"base": True}, "base"),
    ({"base": "abc"}, "base"),
    ({"area_m2": "1e30"}, "area_m2"),
    ({"area_m2": "-1"}, "area_m2"),
    ({"purpose": "x\x00"}, "purpose"),
])
def test_hostile_land_request_in_the_api_is_a_400_naming_the_field(supplier_x, supplier_y, data, field):
    own = make_base(supplier_x, name="Own")
    other = make_base(supplier_y, name="Other's")
    body = {"base": own.pk, "area_m2": "1000", "purpose": "Line 2", **data}
    if body["base"] == "OTHER":
        body["base"] = other.pk
    response = client_for(supplier_x).post("/api/v1/land-requests/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not LandRequest.objects.exists()


def test_the_api_records_a_base_and_a_request(supplier_x):
    client = client_for(supplier_x)
    response = client.post("/api/v1/production-bases/", {**BASE, "is_solid_state": True},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    base_id = response.json()["id"]
    response = client.post("/api/v1/land-requests/", {"base": base_id, "area_m2": "2500.50", "purpose": "Dry room"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted" and response.json()["solid_state"] is True
    response = client.post("/api/v1/production-bases/", {**BASE, "capacity": "1e20"}, content_type="application/json")
    assert response.status_code == 400 and "capacity" in response.json()
    response = client.post("/api/v1/production-bases/", BASE, content_type="application/json")
    assert response.status_code == 400 and "name" in response.json()  # the same name twice


def test_a_user_without_a_company_cannot_record_a_base(official):
    response = client_for(official).post("/api/v1/production-bases/", BASE, content_type="application/json")
    assert response.status_code == 403


@pytest.mark.parametrize(("url", "params", "field"), [
    ("/api/v1/land-requests/", {"statuss": "submitted"}, "statuss"),
    ("/api/v1/land-requests/", {"status": "lost"}, "status"),
    ("/api/v1/land-requests/", {"solid_state": "perhaps"}, "solid_state"),
    ("/api/v1/land-requests/", {"base": "99999999999999999999999"}, "base"),
    ("/api/v1/production-bases/", {"colour": "red"}, "colour"),
])
def test_api_filters_refuse_what_they_do_not_know(queue, supplier_x, url, params, field):
    response = client_for(supplier_x).get(url, params)
    assert response.status_code == 400 and field in response.json()


def test_api_filters_keep_the_priority_order(queue, official):
    rows = client_for(official).get("/api/v1/land-requests/", {"solid_state": "true"}).json()["results"]
    assert names(queue, [row["id"] for row in rows]) == PRIORITY[:4]


# --- the energy quota application's basis ---------------------------------------------------------------------

def test_energy_quota_form_offers_the_companys_bases_and_fills_the_claim(supplier_x, supplier_y):
    own = make_base(supplier_x, name="Own base")
    other = make_base(supplier_y, name="Other base")
    data = {"quota_year": "2026", "standard_quota": "1000", "unit": "kWh"}
    form = EnergyQuotaForm({**data, "production_base": own.pk}, company=supplier_x.company)
    assert list(form.fields["production_base"].queryset) == [own]
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["base_name"], form.cleaned_data["base_address"]) == ("Own base", "1 Industry Road")
    assert "production_base" not in form.cleaned_data
    form = EnergyQuotaForm({**data, "production_base": other.pk}, company=supplier_x.company)
    assert not form.is_valid() and "production_base" in form.errors
    # Free text stays for a base not recorded (and for older applications).
    form = EnergyQuotaForm({**data, "base_name": "Old plant", "base_address": "2 Road"}, company=supplier_x.company)
    assert form.is_valid() and form.cleaned_data["base_name"] == "Old plant"
    form = EnergyQuotaForm(data, company=supplier_x.company)
    assert not form.is_valid() and {"base_name", "base_address"} <= set(form.errors)


def test_energy_quota_form_without_bases_is_as_before(company_x):
    form = EnergyQuotaForm({"base_name": "P", "base_address": "A", "quota_year": "2026", "standard_quota": "5",
                            "unit": "tce"}, company=company_x)
    assert "production_base" not in form.fields and form.is_valid()


def test_demo_adds_bases_and_requests_once(db):
    factories.make_official(username="official")
    anchor = factories.make_company(name="Anchor", anchor=True)
    factories.make_user(anchor, username="anchor")
    for n in range(8):
        factories.make_company(name=f"Maker {n}")
    from registry.demo import load_production_bases_demo
    from registry.models import User

    official = User.objects.get(username="official")
    assert load_production_bases_demo(official, timezone.now()) == (8, 8)
    assert load_production_bases_demo(official, timezone.now()) == (0, 0)
    assert set(LandRequest.objects.values_list("status", flat=True)) == {"submitted", "under_review", "granted",
                                                                         "declined"}
    first = service.waiting_in_priority_order().first()
    assert first.base.is_solid_state


def test_officials_read_bases_and_requests_with_their_history(queue, official, supplier_x):
    client = client_for(official)
    land_request = queue["ss_large"]
    for url in (reverse("admin:registry_productionbase_changelist"),
                reverse("admin:registry_productionbase_history", args=[land_request.base_id]),
                reverse("admin:registry_landrequest_change", args=[land_request.pk]),
                reverse("admin:registry_landrequest_history", args=[land_request.pk])):
        assert client.get(url).status_code == 200, url
    # Bases are the company's to change: the admin shows them read-only.
    response = client.post(reverse("admin:registry_productionbase_change", args=[land_request.base_id]),
                           {"name": "Renamed"})
    assert response.status_code == 403
    assert ProductionBase.objects.get(pk=land_request.base_id).name == "SS large"
