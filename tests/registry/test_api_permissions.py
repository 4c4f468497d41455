"""The API's permission matrix: anonymous, supplier of X, supplier of Y, anchor firm, official × endpoint × method.

401: not signed in. 403: may see the record but not change it. 404: may not even see it (a pending company
and its products exist only for its own users and officials). 405: nobody does this through the API.
"""


import pytest
from django.test import Client

from registry.models import Category, Company, Product
from tests import factories
from tests.conftest import client_for

ROLES = ["anonymous", "supplier_x", "supplier_y", "anchor_user", "official"]



@pytest.fixture
def clients(supplier_x, supplier_y, anchor_user, official):
    return {
        "anonymous": Client(),
        "supplier_x": client_for(supplier_x),
        "supplier_y": client_for(supplier_y),
        "anchor_user": client_for(anchor_user),
        "official": client_for(official),
    }


@pytest.fixture
def product_x(company_x):
    return factories.make_product(company_x, name="X electrolyte", figures={"ionic_conductivity": 0.02})


@pytest.fixture
def pending_x(company_x, product_x):
    """Company X before an official verified it."""
    Company.objects.filter(pk=company_x.pk).update(
        status=Company.Status.PENDING, verified_at=None, verified_until=None, locality_confirmed=None
    )
    company_x.refresh_from_db()
    return company_x


def _call(client, method, url, data=None):
    call = getattr(client, method)
    if method in ("post", "put", "patch"):
        return call(url, data or {}, content_type="application/json")
    return call(url)


# --- companies ---------------------------------------------------------------------------------------------

PUBLISHED_COMPANY = {
    "list": dict.fromkeys(ROLES, 200),
    "retrieve": dict.fromkeys(ROLES, 200),
    "patch": {"anonymous": 401, "supplier_x": 200, "supplier_y": 403, "anchor_user": 403, "official": 403},
    "put": {"anonymous": 401, "supplier_x": 405, "supplier_y": 405, "anchor_user": 405, "official": 405},
    "delete": {"anonymous": 401, "supplier_x": 405, "supplier_y": 405, "anchor_user": 405, "official": 405},
    "post": {"anonymous": 401, "supplier_x": 405, "supplier_y": 405, "anchor_user": 405, "official": 405},
}
PENDING_COMPANY = {
    "retrieve": {"anonymous": 404, "supplier_x": 200, "supplier_y": 404, "anchor_user": 404, "official": 200},
    "patch": {"anonymous": 401, "supplier_x": 200, "supplier_y": 404, "anchor_user": 404, "official": 403},
    # No company is ever deleted through the API, so the method is refused before the company is looked up.
    "delete": {"anonymous": 401, "supplier_x": 405, "supplier_y": 405, "anchor_user": 405, "official": 405},
}


def _company_call(client, action, company):
    detail = f"/api/v1/companies/{company.pk}/"
    if action == "list":
        return client.get("/api/v1/companies/")
    if action == "retrieve":
        return client.get(detail)
    if action == "post":
        return _call(client, "post", "/api/v1/companies/", {"name": "New Co", "uscc": factories.make_uscc()})
    return _call(client, action, detail, {"description": f"Edited by {action}"})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(PUBLISHED_COMPANY))
def test_published_company(clients, company_x, role, action):
    before = Company.objects.get(pk=company_x.pk).description
    response = _company_call(clients[role], action, company_x)
    assert response.status_code == PUBLISHED_COMPANY[action][role], response.content
    changed = Company.objects.get(pk=company_x.pk).description != before
    assert changed == (action == "patch" and role == "supplier_x")
    assert Company.objects.filter(pk=company_x.pk).exists()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(PENDING_COMPANY))
def test_pending_company(clients, pending_x, role, action):
    response = _company_call(clients[role], action, pending_x)
    assert response.status_code == PENDING_COMPANY[action][role], response.content
    if response.status_code == 404:
        assert "Company X" not in response.content.decode()


@pytest.mark.parametrize(
    ("role", "listed"),
    [("anonymous", False), ("supplier_x", True), ("supplier_y", False), ("anchor_user", False), ("official", True)],
)
def test_pending_company_listed_only_for_its_users_and_officials(clients, pending_x, role, listed):
    rows = clients[role].get("/api/v1/companies/", {"page_size": 200}).json()["results"]
    assert (pending_x.pk in {row["id"] for row in rows}) is listed


def test_officials_list_every_status(clients, pending_x, company_y):
    rejected = factories.make_company(status=Company.Status.REJECTED)
    listed = {row["id"] for row in clients["official"].get("/api/v1/companies/").json()["results"]}
    assert {pending_x.pk, company_y.pk, rejected.pk} <= listed
    filtered = clients["official"].get("/api/v1/companies/", {"status": "pending"}).json()["results"]
    assert [row["id"] for row in filtered] == [pending_x.pk]


CONTACTS_SHOWN = {"anonymous": False, "supplier_x": True, "supplier_y": False, "anchor_user": True, "official": True}
REVENUE_SHOWN = {"anonymous": False, "supplier_x": True, "supplier_y": False, "anchor_user": False, "official": True}


@pytest.mark.parametrize("role", ROLES)
def test_contacts_and_revenue_only_for_those_allowed(clients, company_x, role):
    detail = clients[role].get(f"/api/v1/companies/{company_x.pk}/").json()
    row = next(r for r in clients[role].get("/api/v1/companies/").json()["results"] if r["id"] == company_x.pk)
    for body in (detail, row):
        contacts = (body["contact_name"], body["contact_phone"], body["contact_email"], body["address"])
        if CONTACTS_SHOWN[role]:
            assert contacts[:3] == ("Li Wei", "0512-12345678", "contact@example.com")
        else:
            assert contacts == (None, None, None, None)
        assert body["revenue_cny"] == ("50000000.00" if REVENUE_SHOWN[role] else None)
    # Whatever the role, the public profile is there.
    assert detail["name"] == "Company X Materials" and detail["uscc"] == company_x.uscc


def test_refused_edit_says_why(clients, company_x):
    response = clients["supplier_y"].patch(
        f"/api/v1/companies/{company_x.pk}/", {"name": "Hijacked"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "own users" in response.json()["detail"]
    assert Company.objects.get(pk=company_x.pk).name == "Company X Materials"


# --- products ----------------------------------------------------------------------------------------------

PUBLISHED_PRODUCT = {
    "list": dict.fromkeys(ROLES, 200),
    "retrieve": dict.fromkeys(ROLES, 200),
    "patch": {"anonymous": 401, "supplier_x": 200, "supplier_y": 403, "anchor_user": 403, "official": 403},
    "delete": {"anonymous": 401, "supplier_x": 204, "supplier_y": 403, "anchor_user": 403, "official": 403},
    "post": {"anonymous": 401, "supplier_x": 201, "supplier_y": 201, "anchor_user": 201, "official": 403},
}
PENDING_PRODUCT = {
    "retrieve": {"anonymous": 404, "supplier_x": 200, "supplier_y": 404, "anchor_user": 404, "official": 200},
    "patch": {"anonymous": 401, "supplier_x": 200, "supplier_y": 404, "anchor_user": 404, "official": 403},
    "delete": {"anonymous": 401, "supplier_x": 204, "supplier_y": 404, "anchor_user": 404, "official": 403},
}
NEW_PRODUCT = {"category": "sulfide-electrolyte", "name": "Fresh powder", "stage": "rd",
               "figures": [{"key": "ionic_conductivity", "value": 0.001}]}


def _product_call(client, action, product):
    detail = f"/api/v1/products/{product.pk}/"
    if action == "list":
        return client.get("/api/v1/products/")
    if action == "retrieve":
        return client.get(detail)
    if action == "post":
        return _call(client, "post", "/api/v1/products/", NEW_PRODUCT)
    return _call(client, action, detail, {"name": "Renamed"})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(PUBLISHED_PRODUCT))
def test_published_product(clients, product_x, role, action, request):
    response = _product_call(clients[role], action, product_x)
    assert response.status_code == PUBLISHED_PRODUCT[action][role], response.content
    succeeded = response.status_code < 300
    if action == "patch":
        assert (Product.objects.get(pk=product_x.pk).name == "Renamed") is succeeded
    if action == "delete":
        assert Product.objects.filter(pk=product_x.pk).exists() is not succeeded
    if action == "post":
        created = Product.objects.filter(name="Fresh powder")
        if succeeded:
            user = request.getfixturevalue(role)
            assert [p.company_id for p in created] == [user.company_id]
        else:
            assert not created.exists()
    if action == "list":
        assert product_x.pk in {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(PENDING_PRODUCT))
def test_product_of_pending_company(clients, pending_x, product_x, role, action):
    response = _product_call(clients[role], action, product_x)
    assert response.status_code == PENDING_PRODUCT[action][role], response.content


@pytest.mark.parametrize(
    ("role", "listed"),
    [("anonymous", False), ("supplier_x", True), ("supplier_y", False), ("anchor_user", False), ("official", True)],
)
def test_products_of_pending_company_listed_only_for_its_users_and_officials(
    clients, pending_x, product_x, role, listed
):
    rows = clients[role].get("/api/v1/products/").json()["results"]
    assert (product_x.pk in {row["id"] for row in rows}) is listed


def test_a_company_less_user_cannot_add_products(db):
    loner = factories.make_user(None)
    response = client_for(loner).post("/api/v1/products/", NEW_PRODUCT, content_type="application/json")
    assert response.status_code == 403
    assert not Product.objects.filter(name="Fresh powder").exists()


# --- categories --------------------------------------------------------------------------------------------

CATEGORY = {
    "list": dict.fromkeys(ROLES, 200),
    "retrieve": dict.fromkeys(ROLES, 200),
    "post": {"anonymous": 401, "supplier_x": 405, "supplier_y": 405, "anchor_user": 405, "official": 405},
    "patch": {"anonymous": 401, "supplier_x": 405, "supplier_y": 405, "anchor_user": 405, "official": 405},
    "delete": {"anonymous": 401, "supplier_x": 405, "supplier_y": 405, "anchor_user": 405, "official": 405},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(CATEGORY))
def test_categories_are_read_only(clients, role, action):
    graphene = Category.objects.get(slug="graphene")
    url = f"/api/v1/categories/{graphene.pk}/"
    if action == "list":
        response = clients[role].get("/api/v1/categories/")
    elif action == "retrieve":
        response = clients[role].get(url)
    elif action == "post":
        response = _call(clients[role], "post", "/api/v1/categories/", {"slug": "new", "name": "New"})
    else:
        response = _call(clients[role], action, url, {"name": "Renamed"})
    assert response.status_code == CATEGORY[action][role]
    assert Category.objects.filter(slug="graphene", name="Graphene").exists()
    assert not Category.objects.filter(slug="new").exists()


# --- documentation ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/", "/api/v1/"])
def test_schema_and_docs_are_open_to_everyone(clients, role, url):
    assert clients[role].get(url).status_code == 200


def test_anonymous_write_asks_for_credentials(client, company_x):
    response = client.patch(f"/api/v1/companies/{company_x.pk}/", {"name": "x"}, content_type="application/json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
