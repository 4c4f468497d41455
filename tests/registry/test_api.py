"""The registry API: companies, categories and products under /api/v1/, their filters, writes and errors."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from registry.filtersets import CompanyFilterSet
from registry.models import Category, Company, Product
from tests import factories
from tests.conftest import client_for

COMPANIES = "/api/v1/companies/"
PRODUCTS = "/api/v1/products/"
CATEGORIES = "/api/v1/categories/"



def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def directory(company_x, company_y):
    """A small directory: two verified local suppliers, one from outside the city, and two not published."""
    x_sulfide = factories.make_product(
        company_x, name="Argyrodite powder", category_slug="sulfide-electrolyte",
        figures={"ionic_conductivity": 0.02},
    )
    factories.make_certificate(company_x, cert_type="iso9001")
    factories.make_product(
        company_y, name="Garnet sheet", category_slug="oxide-electrolyte", stage=Product.Stage.PILOT,
        figures={"area_specific_resistance": 20.0},
    )
    factories.make_certificate(company_y, cert_type="iatf16949", valid=False)
    outsider = factories.make_company(name="Outside Electrolytes", local=False, employees=1500,
                                      revenue_cny=Decimal("500000000"))
    factories.make_product(
        outsider, name="Thio powder", category_slug="sulfide-electrolyte", stage=Product.Stage.RD,
        figures={"ionic_conductivity": 0.005},
    )
    factories.make_certificate(outsider, cert_type="iso9001")
    pending = factories.make_company(name="Pending Sulfides", status=Company.Status.PENDING)
    factories.make_product(pending, name="Pending powder", figures={"ionic_conductivity": 0.03})
    expired = factories.make_company(name="Expired Sulfides")
    Company.objects.filter(pk=expired.pk).update(verified_until=timezone.localdate() - timedelta(days=1))
    factories.make_product(expired, name="Expired powder", figures={"ionic_conductivity": 0.03})
    return {"x": company_x, "y": company_y, "outsider": outsider, "pending": pending, "expired": expired,
            "x_sulfide": x_sulfide}


# --- companies: list, detail, pagination ----------------------------------------------------------

def test_anonymous_list_is_the_published_directory(client, directory):
    response = client.get(COMPANIES)
    assert ids(response) == {directory["x"].pk, directory["y"].pk, directory["outsider"].pk}
    body = response.json()
    assert body["count"] == 3
    assert body["next"] is None and body["previous"] is None


def test_list_pages_with_links(client, directory):
    first = client.get(COMPANIES, {"page_size": 2}).json()
    assert first["count"] == 3 and len(first["results"]) == 2
    assert first["previous"] is None
    assert "page=2" in first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert second["next"] is None
    assert {r["id"] for r in first["results"]} | {r["id"] for r in second["results"]} == {
        directory["x"].pk, directory["y"].pk, directory["outsider"].pk
    }


@pytest.mark.parametrize("sort", ["employees", "-verified", "registered"])
def test_sorted_pages_have_a_tie_breaker(client, db, sort):
    # Every company has 120 employees: unless the order ends on a unique column, the database may
    # return pages that overlap or skip companies.
    made = {factories.make_company().pk for _ in range(5)}
    with CaptureQueriesContext(connection) as queries:
        seen = []
        for page in (1, 2, 3):
            seen += [row["id"] for row in client.get(COMPANIES, {"sort": sort, "page_size": 2, "page": page})
                     .json()["results"]]
    assert sorted(seen) == sorted(made)
    page_queries = [
        q["sql"] for q in queries.captured_queries if "LIMIT" in q["sql"] and "registry_company" in q["sql"]
    ]
    assert page_queries
    assert all(re.search(r'ORDER BY .*"registry_company"\."id" ASC', sql) for sql in page_queries)


def test_company_detail_shows_products_and_only_valid_certificates(client, directory):
    body = client.get(f"{COMPANIES}{directory['x'].pk}/").json()
    assert body["uscc"] == directory["x"].uscc
    assert body["name"] == "Company X Materials"
    assert body["district"] == factories.LOCAL_DIVISION
    assert body["local"] is True
    assert body["size_class"] == "small"
    assert [p["name"] for p in body["products"]] == ["Argyrodite powder"]
    assert body["products"][0]["meets_target"] is True
    assert body["products"][0]["url"].endswith(f"{PRODUCTS}{directory['x_sulfide'].pk}/")
    assert [c["cert_type"] for c in body["certificates"]] == ["iso9001"]

    expired_only = client.get(f"{COMPANIES}{directory['y'].pk}/").json()
    assert expired_only["certificates"] == []


def test_unknown_company_is_404(client, db):
    assert client.get(f"{COMPANIES}999999/").status_code == 404
    assert client.get(f"{COMPANIES}abc/").status_code == 404


# --- companies: filters ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"min_ionic_conductivity": "0.01"}, {"x"}),
        ({"max_ionic_conductivity": "0.01"}, {"outsider"}),
        ({"category": "solid-electrolytes"}, {"x", "y", "outsider"}),  # a parent includes its children
        ({"category": "oxide-electrolyte"}, {"y"}),
        ({"local": "true"}, {"x", "y"}),
        ({"local": "false"}, {"outsider"}),
        ({"stage": "pilot"}, {"y"}),
        ({"certificate": "iso9001"}, {"x", "outsider"}),
        ({"certificate": "iatf16949"}, set()),  # Y's is expired
        ({"meets_target": "true"}, {"x"}),
        ({"size": "large"}, {"outsider"}),
        ({"district": factories.LOCAL_DIVISION}, {"x", "y"}),
        ({"q": "garnet"}, {"y"}),  # a product name
        ({"q": "Outside"}, {"outsider"}),
        # Product conditions hold on one product: X's sulfide is mass production, not R&D.
        ({"stage": "rd", "min_ionic_conductivity": "0.01"}, set()),
        ({"stage": "mass", "min_ionic_conductivity": "0.01", "local": "true"}, {"x"}),
    ],
)
def test_company_filters(client, directory, params, expected):
    assert ids(client.get(COMPANIES, params)) == {directory[key].pk for key in expected}


def test_status_filter_cannot_reveal_unpublished_companies_to_anonymous(client, directory):
    assert ids(client.get(COMPANIES, {"status": "pending"})) == set()


def test_sort_by_name_descending(client, directory):
    names = [row["name"] for row in client.get(COMPANIES, {"sort": "-name"}).json()["results"]]
    assert names == sorted(names, reverse=True)
    assert names[0] == "Outside Electrolytes"


@pytest.mark.parametrize(
    "query",
    [
        "min_ionic_conductivity=0.01",
        "category=solid-electrolytes&local=true",
        "certificate=iso9001&size=small&size=large",
        "stage=mass&meets_target=true",
        "q=powder&sort=-employees",
        f"district={factories.LOCAL_DIVISION}&max_area_specific_resistance=25",
        "local=false&category=sulfide-electrolyte&min_ionic_conductivity=0.001",
        "",
    ],
)
def test_api_and_html_filterset_return_the_same_companies(client, directory, query):
    # The HTML directory filters Company.objects.published() with CompanyFilterSet; the API must agree.
    html = CompanyFilterSet(QueryDict(query), queryset=Company.objects.published())
    assert html.is_valid(), html.errors
    api_ids = [row["id"] for row in client.get(f"{COMPANIES}?{query}&page_size=200").json()["results"]]
    assert api_ids == list(html.qs.values_list("pk", flat=True))


def _bad_value_for(declared) -> str:
    import django_filters

    if isinstance(declared, django_filters.OrderingFilter):
        return "no_such_column"
    if isinstance(declared, django_filters.BooleanFilter):
        return "maybe"
    if isinstance(declared, django_filters.NumberFilter):
        return "a lot"
    if isinstance(declared, django_filters.ModelChoiceFilter | django_filters.ChoiceFilter
                  | django_filters.MultipleChoiceFilter):
        return "no-such-choice"
    return "nul\x00char"  # free text: the only thing it refuses is a NUL character


@pytest.mark.parametrize("name", sorted(CompanyFilterSet.base_filters))
def test_every_company_filter_parameter_reaches_the_filterset(client, directory, name):
    response = client.get(COMPANIES, {name: _bad_value_for(CompanyFilterSet.base_filters[name])})
    assert response.status_code == 400
    assert name in response.json()


# --- bad query parameters: 400 naming the parameter, never 500 ------------------------------------

@pytest.mark.parametrize(
    ("url", "query", "param"),
    [
        (COMPANIES, "min_ionic_conductivity=high", "min_ionic_conductivity"),
        (COMPANIES, "min_ionic_conductivity=1e999", "min_ionic_conductivity"),
        (COMPANIES, "min_ionic_conductivity=NaN", "min_ionic_conductivity"),
        (COMPANIES, "max_cycle_life=-Infinity", "max_cycle_life"),
        (COMPANIES, "category=no-such-category", "category"),
        (COMPANIES, "size=huge", "size"),
        (COMPANIES, "size=small&size=huge", "size"),
        (COMPANIES, "local=maybe", "local"),
        (COMPANIES, "anchor=perhaps", "anchor"),
        (COMPANIES, "district=999999", "district"),
        (COMPANIES, "district=%00", "district"),
        (COMPANIES, "q=%00", "q"),
        (COMPANIES, "q=" + "+".join(f"w{i}" for i in range(300)), "q"),  # SQLite refuses that many subqueries
        (COMPANIES, "q=" + "x" * 201, "q"),
        (PRODUCTS, "q=" + "+".join(f"w{i}" for i in range(11)), "q"),
        (COMPANIES, "sort=revenue_cny", "sort"),
        (COMPANIES, "status=deleted", "status"),
        (COMPANIES, "page=0", "page"),
        (COMPANIES, "page=-1", "page"),
        (COMPANIES, "page=abc", "page"),
        (COMPANIES, "page=%C2%B2", "page"),  # a superscript two: a digit to str.isdigit(), not to int()
        (COMPANIES, "page=99", "page"),
        (COMPANIES, "page=" + "9" * 5000, "page"),
        (COMPANIES, "page_size=0", "page_size"),
        (COMPANIES, "page_size=many", "page_size"),
        (PRODUCTS, "min_ionic_conductivity=1e999", "min_ionic_conductivity"),
        (PRODUCTS, "company=abc", "company"),
        (PRODUCTS, "company=1.5", "company"),
        (PRODUCTS, "company=1e50", "company"),  # SQLite's driver overflows on numbers this large
        (PRODUCTS, "company=99999999999999999999", "company"),
        (PRODUCTS, "stage=prototype", "stage"),
        (PRODUCTS, "meets_target=2x", "meets_target"),
        (PRODUCTS, "category=nope", "category"),
        (PRODUCTS, "page=0", "page"),
        (CATEGORIES, "page=x", "page"),
    ],
)
def test_bad_query_parameter_is_400_naming_it(client, directory, url, query, param):
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body) == [param]
    assert body[param] and all(isinstance(message, str) and message for message in body[param])


@pytest.mark.parametrize(
    "query",
    ["min_ionic_conductivity=1e-999", "min_ionic_conductivity=1e50", "max_min_operating_temp=-1e50",
     "min_ionic_conductivity=%EF%BC%91", "local=TRUE", "local=1", "local=", "q=%E7%A1%AB%E5%8C%96",
     "q=" + "+".join(f"w{i}" for i in range(10))],
)
def test_extreme_but_readable_parameters_are_answered(client, directory, query):
    assert client.get(f"{COMPANIES}?{query}").status_code == 200


def test_boolean_spellings_filter_alike(client, directory):
    expected = {directory["x"].pk, directory["y"].pk}
    for spelling in ("true", "True", "TRUE", "1", "yes"):
        assert ids(client.get(COMPANIES, {"local": spelling})) == expected


# --- categories -----------------------------------------------------------------------------------

def test_categories_are_the_taxonomy_tree(client, db):
    body = client.get(CATEGORIES).json()
    assert body["count"] == Category.objects.count()
    assert body["next"] is None
    by_slug = {row["slug"]: row for row in body["results"]}
    assert len(by_slug) == Category.objects.count()  # the whole tree on one page
    electrolytes = by_slug["solid-electrolytes"]
    assert electrolytes["parent"] is None
    assert set(electrolytes["children"]) == {
        "sulfide-electrolyte", "oxide-electrolyte", "polymer-electrolyte", "halide-electrolyte"
    }
    sulfide = by_slug["sulfide-electrolyte"]
    assert sulfide["parent"] == "solid-electrolytes"
    assert sulfide["children"] == []
    assert sulfide["name_zh"] == "硫化物电解质"
    assert sulfide["figures"] == ["ionic_conductivity"]
    assert "specific_energy" in by_slug["solid-state-cells"]["figures"]  # inherited from cells-and-packs


def test_category_detail(client, db):
    recycling = Category.objects.get(slug="recycling")
    body = client.get(f"{CATEGORIES}{recycling.pk}/").json()
    assert body["slug"] == "recycling" and body["name"] == "Recycling"


# --- products: reads ---------------------------------------------------------------------------------

def test_anonymous_products_are_those_of_published_companies(client, directory):
    names = {row["name"] for row in client.get(PRODUCTS).json()["results"]}
    assert names == {"Argyrodite powder", "Garnet sheet", "Thio powder"}


def test_product_shows_figures_with_label_and_unit(client, directory):
    body = client.get(f"{PRODUCTS}{directory['x_sulfide'].pk}/").json()
    assert body["company"] == directory["x"].pk
    assert body["company_name"] == "Company X Materials"
    assert body["category"] == "sulfide-electrolyte"
    assert body["meets_target"] is True
    assert body["figures"] == [
        {"key": "ionic_conductivity", "label": "Ionic conductivity at 25 °C", "unit": "S/cm", "value": 0.02}
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"min_ionic_conductivity": "0.01"}, {"Argyrodite powder"}),
        ({"category": "solid-electrolytes", "stage": "pilot"}, {"Garnet sheet"}),
        ({"meets_target": "false"}, {"Garnet sheet", "Thio powder"}),
        ({"q": "powder"}, {"Argyrodite powder", "Thio powder"}),
    ],
)
def test_product_filters(client, directory, params, expected):
    assert {row["name"] for row in client.get(PRODUCTS, params).json()["results"]} == expected


def test_product_filter_by_company(client, directory):
    rows = client.get(PRODUCTS, {"company": directory["y"].pk}).json()["results"]
    assert [row["name"] for row in rows] == ["Garnet sheet"]


# --- products: writes by the company's own users ----------------------------------------------------

def _new_product(**overrides):
    payload = {
        "category": "sulfide-electrolyte",
        "name": "Li6PS5Cl powder",
        "stage": "pilot",
        "annual_capacity": "50.00",
        "capacity_unit": "t",
        "made_in_city": True,
        "figures": [{"key": "ionic_conductivity", "value": 0.012}],
    }
    payload.update(overrides)
    return payload


def test_supplier_adds_a_product_to_its_own_company(supplier_x, company_y):
    client = client_for(supplier_x)
    response = client.post(PRODUCTS, _new_product(company=company_y.pk, meets_target=False),
                           content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    product = Product.objects.get(pk=body["id"])
    assert product.company == supplier_x.company  # the company sent is ignored
    assert body["meets_target"] is True  # computed from the figures, not taken from the client
    assert product.figure_values == {"ionic_conductivity": 0.012}
    assert product.history.first().history_user == supplier_x


@pytest.mark.parametrize(
    ("figures", "field"),
    [
        ([{"key": "ionic_conductivity", "value": 5}], "ionic_conductivity"),  # 5 S/cm is impossible
        ([{"key": "ionic_conductivity", "value": -0.1}], "ionic_conductivity"),
        ([{"key": "specific_energy", "value": 400}], "specific_energy"),  # not a figure of electrolytes
    ],
)
def test_implausible_figures_are_refused_naming_the_figure(supplier_x, figures, field):
    response = client_for(supplier_x).post(PRODUCTS, _new_product(figures=figures), content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["figures"]
    assert not Product.objects.filter(name="Li6PS5Cl powder").exists()


def test_figure_key_must_exist_be_a_number_and_appear_once(supplier_x):
    client = client_for(supplier_x)
    not_a_number = client.post(PRODUCTS, _new_product(figures=[{"key": "ionic_conductivity", "value": "NaN"}]),
                               content_type="application/json")
    assert not_a_number.status_code == 400 and "figures" in not_a_number.json()
    unknown = client.post(PRODUCTS, _new_product(figures=[{"key": "colour", "value": 1}]),
                          content_type="application/json")
    assert unknown.status_code == 400 and "figures" in unknown.json()
    twice = client.post(
        PRODUCTS,
        _new_product(figures=[{"key": "ionic_conductivity", "value": 0.01}, {"key": "ionic_conductivity",
                                                                            "value": 0.02}]),
        content_type="application/json",
    )
    assert twice.status_code == 400 and "figures" in twice.json()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"name": ""}, "name"), ({"stage": "someday"}, "stage"), ({"category": "no-such"}, "category"),
     ({"annual_capacity": "-3"}, "annual_capacity")],
)
def test_bad_product_fields_are_400_naming_the_field(supplier_x, overrides, field):
    response = client_for(supplier_x).post(PRODUCTS, _new_product(**overrides), content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()


def test_patch_without_figures_keeps_them_and_with_figures_replaces_them(supplier_x, directory):
    client = client_for(supplier_x)
    url = f"{PRODUCTS}{directory['x_sulfide'].pk}/"
    renamed = client.patch(url, {"name": "Argyrodite powder v2"}, content_type="application/json")
    assert renamed.status_code == 200, renamed.content
    assert renamed.json()["figures"][0]["value"] == 0.02
    lowered = client.patch(url, {"figures": [{"key": "ionic_conductivity", "value": 0.004}]},
                           content_type="application/json")
    assert lowered.status_code == 200
    product = Product.objects.get(pk=directory["x_sulfide"].pk)
    assert product.name == "Argyrodite powder v2"
    assert product.figure_values == {"ionic_conductivity": 0.004}
    assert product.meets_target is False
    cleared = client.patch(url, {"figures": []}, content_type="application/json")
    assert cleared.json()["figures"] == []


def test_changing_category_refuses_figures_the_new_category_does_not_use(supplier_x, directory):
    response = client_for(supplier_x).patch(
        f"{PRODUCTS}{directory['x_sulfide'].pk}/", {"category": "graphene"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "ionic_conductivity" in response.json()["figures"]
    assert Product.objects.get(pk=directory["x_sulfide"].pk).category.slug == "sulfide-electrolyte"


def test_supplier_deletes_its_own_product(supplier_x, directory):
    response = client_for(supplier_x).delete(f"{PRODUCTS}{directory['x_sulfide'].pk}/")
    assert response.status_code == 204
    assert not Product.objects.filter(pk=directory["x_sulfide"].pk).exists()


def test_put_is_not_offered(supplier_x, directory):
    response = client_for(supplier_x).put(
        f"{PRODUCTS}{directory['x_sulfide'].pk}/", _new_product(), content_type="application/json"
    )
    assert response.status_code == 405


# --- companies: profile edits by the company's own users ---------------------------------------------

def test_supplier_edits_its_profile(supplier_x):
    client = client_for(supplier_x)
    company = supplier_x.company
    response = client.patch(
        f"{COMPANIES}{company.pk}/",
        {"description": "Sulfide electrolytes for solid-state cells.", "employees": 1200,
         "revenue_cny": "450000000.00", "categories": ["sulfide-electrolyte", "halide-electrolyte"],
         "district": "320571", "contact_phone": "0512-87654321"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["size_class"] == "large"  # recomputed from employees and revenue
    assert sorted(body["categories"]) == ["halide-electrolyte", "sulfide-electrolyte"]
    company.refresh_from_db()
    assert company.description == "Sulfide electrolytes for solid-state cells."
    assert company.district.code == "320571"
    assert company.contact_phone == "0512-87654321"
    assert company.history.first().history_user == supplier_x


def test_officials_fields_are_read_only_to_suppliers(supplier_x):
    company = supplier_x.company
    before = (company.status, company.uscc, company.is_anchor, company.locality_confirmed)
    response = client_for(supplier_x).patch(
        f"{COMPANIES}{company.pk}/",
        {"status": "suspended", "uscc": factories.make_uscc(), "is_anchor": True, "local": False,
         "size_class": "large", "verified_until": "2099-01-01", "name": "Company X Materials Co."},
        content_type="application/json",
    )
    assert response.status_code == 200
    company.refresh_from_db()
    assert (company.status, company.uscc, company.is_anchor, company.locality_confirmed) == before
    assert company.size_class == "small"
    assert company.name == "Company X Materials Co."


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"contact_email": "not-an-email"}, "contact_email"), ({"employees": -5}, "employees"),
     ({"revenue_cny": "-1"}, "revenue_cny"), ({"district": "999999"}, "district"),
     ({"categories": ["no-such"]}, "categories"), ({"name": ""}, "name"), ({"website": "not a url"}, "website"),
     ({"revenue_cny": None}, "revenue_cny")],
)
def test_bad_profile_fields_are_400_naming_the_field(supplier_x, payload, field):
    response = client_for(supplier_x).patch(
        f"{COMPANIES}{supplier_x.company.pk}/", payload, content_type="application/json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_a_null_contact_clears_it(supplier_x):
    response = client_for(supplier_x).patch(
        f"{COMPANIES}{supplier_x.company.pk}/", {"contact_phone": None}, content_type="application/json"
    )
    assert response.status_code == 200
    supplier_x.company.refresh_from_db()
    assert supplier_x.company.contact_phone == ""


# --- token authentication ------------------------------------------------------------------------------

def test_token_authentication_sees_the_callers_own_pending_company(client, db):
    pending = factories.make_company(name="Pending Anodes", status=Company.Status.PENDING)
    user = factories.make_user(pending)
    token = Token.objects.create(user=user)
    assert pending.pk not in ids(client.get(COMPANIES))
    with_token = client.get(COMPANIES, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert pending.pk in ids(with_token)
    detail = client.get(f"{COMPANIES}{pending.pk}/", HTTP_AUTHORIZATION=f"Token {token.key}").json()
    assert detail["contact_email"] == "contact@example.com"


def test_token_write_and_bad_token(client, supplier_x):
    token = Token.objects.create(user=supplier_x)
    created = client.post(PRODUCTS, _new_product(), content_type="application/json",
                          HTTP_AUTHORIZATION=f"Token {token.key}")
    assert created.status_code == 201
    refused = client.get(COMPANIES, HTTP_AUTHORIZATION="Token not-a-real-token")
    assert refused.status_code == 401


def test_token_endpoint_exchanges_password_for_token(client, supplier_x):
    response = client.post("/api/v1/auth/token/", {"username": "supplier_x", "password": "correct-horse-42"})
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=supplier_x).key
    wrong = client.post("/api/v1/auth/token/", {"username": "supplier_x", "password": "guess"})
    assert wrong.status_code == 400
    assert "token" not in wrong.json()


def test_api_root_lists_the_endpoints(client, db):
    body = client.get("/api/v1/").json()
    assert set(body) == {"companies", "categories", "products", "production-bases", "land-requests"}


def test_query_count_of_company_list_does_not_grow_with_companies(client, db, django_assert_max_num_queries):
    for _ in range(12):
        company = factories.make_company(categories=[factories.category("graphene")])
        factories.make_product(company, category_slug="graphene")
    # The throttle's counter lives in the database cache by default: a constant few queries, not counted here.
    locmem = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=locmem), django_assert_max_num_queries(6):
        assert client.get(COMPANIES).status_code == 200
