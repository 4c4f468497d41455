"""The LCR API: shapes, who sees what, and bad parameters named in a 400."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests import factories

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def buy(buyer, supplier, amount, *, year=2026, category="solid-state-cells"):
    return factories.make_purchase(
        buyer, supplier, amount=Decimal(amount), purchased_on=date(year, 5, 1), category=factories.category(category)
    )


@pytest.fixture
def purchases(anchor_company, company_x):
    outside = factories.make_company(local=False)
    buy(anchor_company, company_x, "382.50")
    buy(anchor_company, outside, "617.50")
    return anchor_company


def test_city_wide_figures_are_open_to_anonymous_callers(purchases):
    response = api().get("/api/v1/lcr/", {"year": 2026, "category": "cells-and-packs", "district": "320583"})
    assert response.status_code == 200
    assert response.json() == {
        "local_amount": "382.50", "total_amount": "1000.00", "lcr_percent": "38.25", "purchase_count": 2,
    }


def test_an_empty_slice_answers_null_with_a_sentence(purchases):
    body = api().get("/api/v1/lcr/", {"year": 2019}).json()
    assert body["lcr_percent"] is None
    assert body["local_amount"] == "0.00" and body["total_amount"] == "0.00" and body["purchase_count"] == 0
    assert body["message"] == "No purchases recorded for this selection."


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"year": "last"}, "year"),
        ({"category": "no-such-category"}, "category"),
        ({"buyer": "91320583MA00000000"}, "buyer"),
        ({"buyer": "999999"}, "buyer"),
        ({"district": "999999"}, "district"),
        ({"size": "gigantic"}, "size"),
    ],
)
def test_bad_parameters_are_refused_naming_the_parameter(official, params, named):
    response = api(official).get("/api/v1/lcr/", params)
    assert response.status_code == 400
    assert list(response.json()) == [named]


def test_one_buyers_figures_only_for_its_users_and_officials(purchases, anchor_user, official, supplier_x):
    other_anchor_user = factories.make_user(factories.make_company(anchor=True))
    by_uscc = {"buyer": purchases.uscc}
    assert api().get("/api/v1/lcr/", by_uscc).status_code in (401, 403)
    assert api(other_anchor_user).get("/api/v1/lcr/", by_uscc).status_code == 403
    assert api(supplier_x).get("/api/v1/lcr/", by_uscc).status_code == 403
    own = api(anchor_user).get("/api/v1/lcr/", by_uscc)
    assert own.status_code == 200 and own.json()["lcr_percent"] == "38.25"
    by_id = api(official).get("/api/v1/lcr/", {"buyer": purchases.pk})
    assert by_id.status_code == 200 and by_id.json()["total_amount"] == "1000.00"


def test_trend_gives_the_series_beside_the_target(settings, purchases, anchor_user):
    settings.LCR_BASELINE_YEAR = 2025
    body = api().get("/api/v1/lcr/trend/").json()
    assert body["baseline_year"] == 2025
    years = [point["year"] for point in body["series"]]
    assert years == list(range(2025, max(timezone.localdate().year, 2026) + 1))
    by_year = {point["year"]: point for point in body["series"]}
    assert by_year[2025] == {
        "year": 2025, "local_amount": "0.00", "total_amount": "0.00", "purchase_count": 0,
        "lcr_percent": None, "target_percent": "40.00",
    }
    assert by_year[2026]["lcr_percent"] == "38.25" and by_year[2026]["target_percent"] == "46.00"
    assert api().get("/api/v1/lcr/trend/", {"buyer": purchases.uscc}).status_code in (401, 403)
    own = api(anchor_user).get("/api/v1/lcr/trend/", {"buyer": purchases.uscc})
    assert own.status_code == 200 and own.json()["series"][1]["lcr_percent"] == "38.25"


def test_per_anchor_table_is_for_officials_only(purchases, anchor_user, official):
    assert api().get("/api/v1/lcr/by-buyer/", {"year": 2026}).status_code in (401, 403)
    assert api(anchor_user).get("/api/v1/lcr/by-buyer/", {"year": 2026}).status_code == 403
    response = api(official).get("/api/v1/lcr/by-buyer/", {"year": 2026})
    assert response.status_code == 200
    assert response.json() == {"year": 2026, "results": [{
        "id": purchases.pk, "uscc": purchases.uscc, "name": purchases.name, "local_amount": "382.50",
        "total_amount": "1000.00", "purchase_count": 2, "lcr_percent": "38.25",
    }]}
    assert api(official).get("/api/v1/lcr/by-buyer/", {"year": "x"}).status_code == 400


def test_schema_documents_the_lcr_parameters(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    names = {parameter["name"] for parameter in schema["paths"]["/api/v1/lcr/"]["get"]["parameters"]}
    assert names == {"buyer", "year", "category", "district", "size"}
    assert "/api/v1/lcr/trend/" in schema["paths"] and "/api/v1/lcr/by-buyer/" in schema["paths"]
