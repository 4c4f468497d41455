"""The OpenAPI schema at /api/schema/ and its browsable page at /api/docs/, served without any outside host."""

import re

import pytest
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

from registry.filtersets import CompanyFilterSet, ProductFilterSet


@pytest.fixture
def schema(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _query_parameters(operation) -> dict[str, dict]:
    return {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}


def test_schema_is_valid_openapi_3_with_our_paths(schema):
    validate_schema(schema)  # raises on any departure from the OpenAPI 3 specification
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert set(paths["/api/v1/companies/"]) == {"get"}
    assert set(paths["/api/v1/companies/{id}/"]) == {"get", "patch"}  # no sign-up or deletion here
    assert set(paths["/api/v1/categories/"]) == {"get"}
    assert set(paths["/api/v1/categories/{id}/"]) == {"get"}
    assert set(paths["/api/v1/products/"]) == {"get", "post"}
    assert set(paths["/api/v1/products/{id}/"]) == {"get", "patch", "delete"}
    assert "/api/v1/auth/token/" in paths


def test_schema_is_served_as_yaml_too(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3.")


def test_every_directory_filter_is_documented(schema):
    companies = _query_parameters(schema["paths"]["/api/v1/companies/"]["get"])
    assert set(CompanyFilterSet.base_filters) | {"page", "page_size"} <= set(companies)
    assert companies["min_ionic_conductivity"]["schema"]["type"] == "number"
    assert companies["local"]["schema"]["type"] == "boolean"
    # Categories and districts go by slug and division code, not by database id.
    assert companies["category"]["schema"]["type"] == "string"
    assert companies["district"]["schema"]["type"] == "string"
    assert companies["size"]["schema"]["type"] == "array"
    assert "-name" in companies["sort"]["schema"]["items"]["enum"]

    products = _query_parameters(schema["paths"]["/api/v1/products/"]["get"])
    assert set(ProductFilterSet.base_filters) | {"page", "page_size"} <= set(products)
    assert products["company"]["schema"]["type"] == "integer"


def test_contacts_are_documented_as_nullable(schema):
    company = schema["components"]["schemas"]["CompanyDetail"]["properties"]
    for field in ("contact_name", "contact_phone", "contact_email", "address", "revenue_cny"):
        assert company[field].get("nullable") is True, field
    assert company["status"]["readOnly"] is True
    patch = schema["components"]["schemas"]["PatchedCompanyDetailRequest"]["properties"]
    assert not {"status", "uscc", "is_anchor", "local", "size_class"} & set(patch)


def test_token_authentication_is_documented(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["in"] == "header"
    assert schemes["tokenAuth"]["name"] == "Authorization"


def test_schema_generates_without_warnings(tmp_path, db):
    # --fail-on-warn turns every guess drf-spectacular had to make (an untyped filter, a name clash) into an error.
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/v1/companies/" in target.read_text()


def test_docs_page_uses_only_local_assets(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"https?://", html), "the docs page must not load anything from another host"
    # What the page loads (scripts, stylesheets, icons), not the links of the site's header and footer.
    assets = re.findall(r'<script src="([^"]+)"', html) + re.findall(r'<link [^>]*href="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    # The page's own start-up script first: closing a static file's response below signals the end of a request,
    # which closes the test's database connection on PostgreSQL.
    for asset in sorted(assets, key=lambda a: a.startswith("/static/")):
        # The start-up script comes from the page's own URL (no inline script: Content-Security-Policy).
        assert asset.startswith("/static/") or asset == "/api/docs/?script=", asset
        served = client.get(asset)
        assert served.status_code == 200, asset
        if hasattr(served, "close"):
            served.close()


def test_docs_page_has_the_site_frame_and_language(client, db):
    html = client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'class="site-header"' in html and 'class="skip-link"' in html
    assert "<h1>API 文档</h1>" in html or "<h1>API documentation</h1>" in html


def test_docs_page_does_not_call_swaggers_validator(client, db):
    # The settings are in the start-up script, served apart from the page.
    html = client.get("/api/docs/?script=").content.decode()
    assert '"validatorUrl": null' in html
    assert "/api/schema/" in html
