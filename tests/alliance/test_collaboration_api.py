"""The collaborations API: who reads which fields, proposing and moving through the services, strict filters,
hostile input answered 400 naming the field, and the same set as the HTML list for the same filter."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from alliance.filtersets import CollaborationFilterSet
from alliance.models import Collaboration
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "supplier_x", "supplier_y", "anchor_user", "official")
LIST = "/api/v1/collaborations/"


def api_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def user_for(request, role):
    return None if role == "anonymous" else request.getfixturevalue(role)


@pytest.fixture
def collaborations(anchor_company, company_x, company_y):
    other_anchor = factories.make_company(anchor=True, employees=3000, revenue_cny=Decimal("900000000"))
    return {
        "x_proposed": factories.make_collaboration(anchor_company, company_x, status="proposed"),
        "x_active": factories.make_collaboration(anchor_company, company_x, status="active",
                                                 started_on=date(2026, 2, 1)),
        "x_terminated": factories.make_collaboration(anchor_company, company_x, status="terminated"),
        "y_completed": factories.make_collaboration(other_anchor, company_y, status="completed", model="licensing"),
        "y_proposed": factories.make_collaboration(other_anchor, company_y, status="proposed"),
    }


VISIBLE = {
    "anonymous": {"x_active", "y_completed"},
    "supplier_x": {"x_proposed", "x_active", "x_terminated", "y_completed"},
    "supplier_y": {"x_active", "y_completed", "y_proposed"},
    "anchor_user": {"x_proposed", "x_active", "x_terminated", "y_completed"},
    "official": {"x_proposed", "x_active", "x_terminated", "y_completed", "y_proposed"},
}


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_each_role_what_it_may_see(request, role, collaborations):
    response = api_for(user_for(request, role)).get(LIST)
    assert response.status_code == 200
    names = {pk: name for name, c in collaborations.items() for pk in [c.pk]}
    assert {names[row["id"]] for row in response.data["results"]} == VISIBLE[role]
    assert response.data["count"] == len(VISIBLE[role])


@pytest.mark.parametrize("role", ROLES)
def test_public_fields_only_for_anyone_but_the_parties_and_officials(request, role, collaborations):
    response = api_for(user_for(request, role)).get(f"{LIST}{collaborations['x_active'].pk}/")
    assert response.status_code == 200
    data = response.data
    assert data["anchor"]["name"] == "Anchor Cells Ltd" and data["model"] == "supply" and data["year"] == 2026
    if role in ("supplier_x", "anchor_user", "official"):
        assert data["committed_value_per_year"] == "1000000.00"
        assert "title" in data and "milestones" in data
    else:
        assert set(data) == {"id", "anchor", "sme", "model", "model_display", "status", "status_display", "year"}


@pytest.mark.parametrize("role", ROLES)
def test_a_proposal_is_a_404_for_third_parties(request, role, collaborations):
    response = api_for(user_for(request, role)).get(f"{LIST}{collaborations['x_proposed'].pk}/")
    assert response.status_code == (200 if role in ("supplier_x", "anchor_user", "official") else 404)


def supply_payload(company, **overrides):
    payload = {
        "other_party": company.uscc, "model": "supply", "title": "API supply", "started_on": "2025-01-01",
        "ends_on": "2027-12-31", "committed_value_per_year": "2500000.00", "categories": ["solid-state-cells"],
    }
    payload.update(overrides)
    return payload


PROPOSE_EXPECTED = {"anonymous": 401, "supplier_x": 400, "supplier_y": 400, "anchor_user": 201, "official": 403}


@pytest.mark.parametrize("role", ROLES)
def test_propose_matrix(request, role, company_x):
    # X proposing to itself and Y (an SME) proposing to an SME are refused by the service as bad parties.
    response = api_for(user_for(request, role)).post(LIST, supply_payload(company_x), format="json")
    assert response.status_code == PROPOSE_EXPECTED[role]
    if role == "anchor_user":
        assert response.data["status"] == "proposed"
        assert response.data["categories"] == ["solid-state-cells"]
        assert Collaboration.objects.get().proposed_by.username == "anchor_user"
    else:
        assert not Collaboration.objects.exists()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"committed_value_per_year": "1e20"}, "committed_value_per_year"),
    ({"committed_value_per_year": 1e20}, "committed_value_per_year"),
    ({"committed_quantity": "123456789012345678"}, "committed_quantity"),
    ({"title": "nul\x00"}, "title"),
    ({"other_party": "nul\x00"}, "other_party"),
    ({"categories": ["nul\x00"]}, "categories"),
    ({"standard": "nul\x00", "model": "standard"}, "standard"),
    ({"started_on": "2025-02-30"}, "started_on"),
    ({"ends_on": "2024-01-01"}, "ends_on"),
    ({"ends_on": None}, "ends_on"),
    ({"committed_value_per_year": None}, "committed_value_per_year"),
    ({"model": "barter"}, "model"),
    ({"other_party": "91320583MA00000000"}, "other_party"),
])
def test_hostile_proposals_answer_400_naming_the_field(anchor_user, company_x, overrides, field):
    response = api_for(anchor_user).post(LIST, supply_payload(company_x, **overrides), format="json")
    assert response.status_code == 400
    assert field in response.data
    assert not Collaboration.objects.exists()


def test_confirm_terminate_and_milestones_through_the_api(anchor_user, supplier_x, supplier_y, company_x):
    created = api_for(anchor_user).post(LIST, supply_payload(company_x), format="json").data
    url = f"{LIST}{created['id']}/"
    assert api_for(anchor_user).post(f"{url}confirm/").status_code == 403  # the proposer
    assert api_for(supplier_y).post(f"{url}confirm/").status_code == 404  # a third company: not visible
    response = api_for(supplier_x).post(f"{url}confirm/")
    assert response.status_code == 200 and response.data["status"] == "active"

    assert api_for(supplier_y).get(f"{url}milestones/").status_code == 404  # public now, details still private
    assert api_for(supplier_y).post(f"{url}milestones/", {"title": "x", "due_on": "2025-03-01"}).status_code == 404
    added = api_for(anchor_user).post(f"{url}milestones/", {"title": "First batch", "due_on": "2025-03-01"})
    assert added.status_code == 201
    done = api_for(supplier_x).post(f"{url}milestones/{added.data['id']}/complete/",
                                    {"done_on": "2025-02-28", "outcome": "Accepted"})
    assert done.status_code == 200 and done.data["done_on"] == "2025-02-28"
    listed = api_for(supplier_x).get(f"{url}milestones/")
    assert [m["title"] for m in listed.data] == ["First batch"]

    assert api_for(supplier_y).post(f"{url}terminate/", {"reason": "x"}).status_code == 403
    refused = api_for(supplier_x).post(f"{url}terminate/", {"reason": ""})
    assert refused.status_code == 400 and "reason" in refused.data
    ended = api_for(supplier_x).post(f"{url}terminate/", {"reason": "Plant closed"})
    assert ended.data["status"] == "terminated" and ended.data["status_reason"] == "Plant closed"
    again = api_for(anchor_user).post(f"{url}complete/")
    assert again.status_code == 400 and "cannot become completed" in str(again.data["non_field_errors"])
    assert Collaboration.objects.get().status == "terminated"


def test_complete_through_the_api(anchor_user, anchor_company, company_x):
    collaboration = factories.make_collaboration(anchor_company, company_x)
    response = api_for(anchor_user).post(f"{LIST}{collaboration.pk}/complete/", {"reason": "Done"})
    assert response.status_code == 200 and response.data["status"] == "completed"


def test_anonymous_cannot_move_anything(collaborations):
    pk = collaborations["x_active"].pk
    for action in ("confirm", "terminate", "complete"):
        assert APIClient().post(f"{LIST}{pk}/{action}/", {"reason": "x"}).status_code == 401


@pytest.mark.parametrize(("params", "name"), [
    ({"model": "barter"}, "model"),
    ({"status": "paused"}, "status"),
    ({"anchor": "abc"}, "anchor"),
    ({"anchor": str(2**70)}, "anchor"),
    ({"sme": "-1"}, "sme"),
    ({"year": "2025.5"}, "year"),
    ({"year": "99999"}, "year"),
    ({"q": "a\x00b"}, "q"),
    ({"page": "0"}, "page"),
])
def test_bad_filter_values_answer_400_naming_the_parameter(params, name, collaborations):
    response = APIClient().get(LIST, params)
    assert response.status_code == 400
    assert name in response.data


@pytest.mark.parametrize("params", [
    {"model": "supply"}, {"status": "proposed"}, {"year": "2026"}, {"status": "terminated", "model": "supply"}, {},
])
def test_html_list_and_api_return_the_same_set_for_the_same_filter(anchor_user, anchor_company, collaborations,
                                                                   params):
    # Filtering on the caller's own company as anchor: both lists then cover exactly the company's collaborations.
    query = {**params, "anchor": str(anchor_company.pk)}
    api_ids = {row["id"] for row in api_for(anchor_user).get(LIST, query).data["results"]}
    from tests.conftest import client_for

    page = client_for(anchor_user).get(reverse("alliance:collaboration_list"), query)
    assert page.status_code == 200
    assert {c.pk for c in page.context["collaborations"]} == api_ids
    expected = CollaborationFilterSet(query, queryset=Collaboration.objects.filter(anchor=anchor_company)).qs
    assert api_ids == {c.pk for c in expected}


def test_the_list_is_paginated_like_the_rest(anchor_user, anchor_company, company_x):
    for _ in range(27):
        factories.make_collaboration(anchor_company, company_x)
    data = api_for(anchor_user).get(LIST).data
    assert data["count"] == 27 and len(data["results"]) == 25 and data["next"]


def test_the_schema_documents_the_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    assert set(paths["/api/v1/collaborations/"]) == {"get", "post"}
    assert "post" in paths["/api/v1/collaborations/{id}/confirm/"]
    assert set(paths["/api/v1/collaborations/{id}/milestones/"]) == {"get", "post"}
    names = {p["name"] for p in paths["/api/v1/collaborations/"]["get"]["parameters"]}
    assert {"model", "status", "anchor", "sme", "year", "page"} <= names
