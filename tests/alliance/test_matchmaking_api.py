"""The matchmaking API: who sees which request, matches and offers; the same set as the HTML list for a filter;
the decisions through the services; hostile input answered 400/404, never 500, never naming another company."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from alliance.filtersets import SourcingRequestFilterSet
from alliance.models import Offer, SourcingRequest
from tests import factories
from tests.alliance.test_matchmaking import post_request

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "supplier_x", "supplier_y", "anchor_user", "official")
LIST = "/api/v1/sourcing-requests/"


def api_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def user_for(request, role):
    return None if role == "anonymous" else request.getfixturevalue(role)


@pytest.fixture
def requests_(anchor_user, company_x):
    factories.make_membership(company_x)
    return {"public": post_request(anchor_user, title="Public"),
            "private": post_request(anchor_user, title="Private", visibility="members")}


@pytest.fixture
def x_product(company_x):
    return factories.make_product(company_x, figures={"ionic_conductivity": 0.02})


@pytest.fixture
def y_product(company_y):
    return factories.make_product(company_y, figures={"ionic_conductivity": 0.03})


def offer_body(product, **overrides):
    return {"products": [product.pk], "price_low": "100.00", "price_high": "120.00", "lead_time_days": 30,
            "note": "From stock.", **overrides}


VISIBLE = {"anonymous": {"Public"}, "supplier_x": {"Public", "Private"}, "supplier_y": {"Public"},
           "anchor_user": {"Public", "Private"}, "official": {"Public", "Private"}}


@pytest.mark.parametrize("role", ROLES)
def test_list_and_detail_per_role(request, role, requests_):
    client = api_for(user_for(request, role))
    response = client.get(LIST)
    assert response.status_code == 200
    assert {row["title"] for row in response.data["results"]} == VISIBLE[role]
    detail = client.get(f"{LIST}{requests_['private'].pk}/")
    assert detail.status_code == (200 if "Private" in VISIBLE[role] else 404)


MATCHES = {"anonymous": 404, "supplier_x": 404, "supplier_y": 404, "anchor_user": 200, "official": 200}


@pytest.mark.parametrize("role", ROLES)
def test_matches_are_for_the_anchor_and_officials(request, role, requests_, x_product):
    response = api_for(user_for(request, role)).get(f"{LIST}{requests_['public'].pk}/matches/")
    assert response.status_code == MATCHES[role]
    if response.status_code == 200:
        row = response.data["results"][0]
        assert row["rank"] == 1 and row["company"] == x_product.company_id and row["reasons"]
        assert response.data["count"] == 1


def test_offers_a_supplier_sees_only_its_own(supplier_x, supplier_y, anchor_user, official, requests_, x_product,
                                             y_product):
    url = f"{LIST}{requests_['public'].pk}/offers/"
    assert api_for(supplier_x).post(url, offer_body(x_product), format="json").status_code == 201
    assert api_for(supplier_y).post(url, offer_body(y_product), format="json").status_code == 201
    own = api_for(supplier_x).get(url).data
    assert [row["supplier"] for row in own["results"]] == [supplier_x.company_id]
    assert api_for(anchor_user).get(url).data["count"] == 2
    assert api_for(official).get(url).data["count"] == 2
    assert api_for(None).get(url).data["count"] == 0


def test_decisions_and_refusals(anchor_user, supplier_x, requests_, x_product):
    request = requests_["public"]
    offer = Offer.objects.get(pk=api_for(supplier_x).post(f"{LIST}{request.pk}/offers/", offer_body(x_product),
                                                          format="json").data["id"])
    base = f"{LIST}{request.pk}/offers/{offer.pk}"
    assert api_for(supplier_x).post(f"{base}/shortlist/").status_code == 403
    assert api_for(anchor_user).post(f"{base}/shortlist/").data["status"] == "shortlisted"
    assert api_for(anchor_user).post(f"{base}/decline/", {}, format="json").status_code == 400
    accepted = api_for(anchor_user).post(f"{base}/accept/")
    assert accepted.status_code == 200 and accepted.data["collaboration"]
    again = api_for(anchor_user).post(f"{base}/accept/")
    assert again.status_code in (400, 403)
    assert api_for(anchor_user).get(f"{LIST}{request.pk}/").data["status"] == "awarded"
    assert api_for(anchor_user).post(f"{LIST}{request.pk}/offers/999999/accept/").status_code == 404


def test_create_through_the_api(anchor_user, supplier_x):
    body = {"title": "Halide powder", "category": "sulfide-electrolyte", "quantity": "12.5", "quantity_unit": "t",
            "requirements": [{"figure": "ionic_conductivity", "bound": "min", "value": 0.01}],
            "required_certificates": ["iso9001"], "deadline": (timezone.localdate() + timedelta(days=9)).isoformat()}
    response = api_for(anchor_user).post(LIST, body, format="json")
    assert response.status_code == 201, response.data
    assert response.data["requirements"][0]["unit"] == "S/cm" and response.data["status"] == "open"
    assert api_for(supplier_x).post(LIST, body, format="json").status_code == 403
    assert api_for(None).post(LIST, body, format="json").status_code in (401, 403)


@pytest.mark.parametrize(("override", "field"), [
    ({"quantity": "1e30"}, "quantity"),
    ({"quantity_unit": "barrels"}, "quantity_unit"),
    ({"category": "no-such"}, "category"),
    ({"required_certificates": ["nope"]}, "required_certificates"),
    ({"requirements": [{"figure": "ionic_conductivity", "bound": "min", "value": 7}]}, "requirements"),
    ({"requirements": [{"figure": "ionic_conductivity", "bound": "min", "value": "1e400"}]}, "requirements"),
    ({"requirements": [{"figure": "warp_speed", "bound": "min", "value": 1}]}, "requirements"),
    ({"deadline": "2001-01-01"}, "deadline"),
    ({"title": "x\x00"}, "title"),
])
def test_bad_input_is_a_400_naming_the_field(anchor_user, override, field):
    body = {"title": "Powder", "category": "sulfide-electrolyte", "quantity": "10", "quantity_unit": "t",
            "deadline": (timezone.localdate() + timedelta(days=9)).isoformat(), **override}
    response = api_for(anchor_user).post(LIST, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not SourcingRequest.objects.exists()


def test_another_companys_product_or_huge_ids_never_leak(supplier_x, requests_, x_product, y_product):
    url = f"{LIST}{requests_['public'].pk}/offers/"
    for products in ([y_product.pk], [2**63 - 1], [2**70]):
        response = api_for(supplier_x).post(url, offer_body(x_product, products=products), format="json")
        assert response.status_code == 400
        assert "products" in response.json() and "Company Y" not in response.content.decode()
    assert api_for(supplier_x).post(url, offer_body(x_product, price_low="1e20"), format="json").status_code == 400
    assert api_for(supplier_x).get(f"{LIST}{10**30}/").status_code == 404


@pytest.mark.parametrize("query", [{"status": "open"}, {"category": "solid-electrolytes"}, {"local_only": "false"},
                                   {"q": "Public"}])
def test_html_list_and_api_return_the_same_set(client, requests_, query):
    api_ids = {row["id"] for row in APIClient().get(LIST, query).data["results"]}
    html_ids = {r.pk for r in client.get("/sourcing-requests/", query).context["sourcing_requests"]}
    assert api_ids == html_ids
    assert set(SourcingRequestFilterSet.base_filters) >= set(query)


@pytest.mark.parametrize("query", [{"status": "bogus"}, {"anchor": "-1"}, {"local_only": "maybe"},
                                   {"unknown": "1"}])
def test_bad_list_parameters_are_a_400_naming_them(query):
    response = APIClient().get(LIST, query)
    assert response.status_code == 400 and list(query)[0] in response.json()


def test_schema_documents_the_endpoints(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    assert set(paths[LIST]) == {"get", "post"}
    assert "/api/v1/sourcing-requests/{id}/matches/" in paths
    assert set(paths["/api/v1/sourcing-requests/{id}/offers/"]) == {"get", "post"}
