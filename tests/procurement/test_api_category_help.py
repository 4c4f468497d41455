"""The API's documentation says which category codes a purchase accepts and where they are listed (issue 10)."""

import pytest
from rest_framework.test import APIClient


@pytest.mark.django_db
def test_the_schema_says_which_category_codes_a_purchase_accepts_and_where_they_are_listed():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    written = components["PurchaseInputRequest"]["properties"]["category"]["description"]
    for needed in ("/api/v1/categories/", "slug", "solid-state-cells", "import page"):
        assert needed in written
    assert "/api/v1/categories/" in components["Purchase"]["properties"]["category"]["description"]
