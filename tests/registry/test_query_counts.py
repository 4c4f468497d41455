"""Every directory page and endpoint reads a bounded number of queries, whatever the number of companies.

Each test fills the registry with 60 companies (two products with figures, a listed category, a valid
certificate each) and asks with the filters that add the most work: a search, a category, a figure
threshold (which explains each match), a page of 25 or 50.
"""

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import category, make_certificate, make_company, make_product

pytestmark = pytest.mark.django_db

COMPANIES = 60


@pytest.fixture
def registry():
    companies = []
    for n in range(COMPANIES):
        company = make_company(name=f"固态材料 {n:02d} Materials", categories=[category("graphene")])
        make_product(company, name=f"硫化物 LPSCl {n}", figures={"ionic_conductivity": 0.012 + n / 10000})
        make_product(company, category_slug="oxide-electrolyte", figures={"area_specific_resistance": 8})
        make_certificate(company)
        companies.append(company)
    return companies


def streamed(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


QUERIES = [
    {},
    {"q": "固态材料 lpscl", "category": "solid-electrolytes"},
    {"min_ionic_conductivity": "1e-2", "stage": "mass", "sort": "-employees"},
    {"q": "材", "local": "true", "size": ["small", "micro"], "page": "2"},
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("who", ["anonymous", "anchor", "official"])
def test_directory_page(registry, query, who, anchor_user, official, django_assert_max_num_queries):
    client = client_for({"anonymous": None, "anchor": anchor_user, "official": official}[who])
    with django_assert_max_num_queries(16):
        response = client.get(reverse("registry:directory"), query)
    assert response.status_code == 200
    assert len(response.context["companies"]) == 25


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("who", ["anonymous", "anchor", "official"])
def test_directory_api(registry, query, who, anchor_user, official, settings, django_assert_max_num_queries):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # throttle counts
    client = client_for({"anonymous": None, "anchor": anchor_user, "official": official}[who])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("api:company-list"), {**query, "page_size": 50})
    assert response.status_code == 200
    assert len(response.json()["results"]) >= 10


def test_company_page(registry, anchor_user, django_assert_max_num_queries):
    company = registry[0]
    for n in range(10):
        make_product(company, name=f"Extra {n}", figures={"ionic_conductivity": 0.02})
    client = client_for(anchor_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("registry:company_detail", args=[company.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["registry:directory_csv", "registry:directory_xlsx"])
def test_exports(registry, name, official, django_assert_max_num_queries):
    client = client_for(official)
    with django_assert_max_num_queries(14):
        response = client.get(reverse(name), {"category": "solid-electrolytes", "min_ionic_conductivity": "1e-2"})
        body = streamed(response)
    assert len(body) > 5000


def test_printable_directory(registry, django_assert_max_num_queries, client):
    from registry.models import Category

    top_level = Category.objects.filter(parent=None).count()
    # the page, its counts, then three a top-level category: the taxonomy's size, not the registry's
    with django_assert_max_num_queries(8 + 3 * top_level):
        body = streamed(client.get(reverse("registry:directory_print"))).decode()
    assert body.count("固态材料") == 3 * COMPANIES  # graphene, sulfide and oxide sections
