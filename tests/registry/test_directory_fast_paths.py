"""The directory's fast paths give exactly what the general code gives.

Issue 9 ("City scale"): the companies API writes its list rows field by field (CompanySerializer.list_row_writer),
both lists read a page as its ids with the total in one statement and then its rows (DirectoryPaginator), and the
filter panel's widgets are written out in Python (registry.widget_html). Each is held here to the code it
replaces: DRF's own fields, Django's paginator, Django's widget templates.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import QueryDict
from django.test import override_settings
from django.utils import timezone
from rest_framework import serializers

from registry.api.pagination import StandardPagination
from registry.api.serializers import CompanyListSerializer
from registry.api.views import CompanyViewSet
from registry.filtersets import CompanyFilterSet, clean_query
from registry.models import Company
from registry.selectors import DirectoryPaginator, page_ids
from registry.views.directory import _prepare_form
from registry.widget_html import FastRenderMixin
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

COMPANIES = "/api/v1/companies/"
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def registry(company_x):
    """Companies with every field's awkward case: no district, no English name, products with and without figures."""
    made = [company_x]
    for n in range(7):
        company = factories.make_company(
            name=f"固态 {n % 3} 材料",  # ties on the name: the id breaks them
            name_en="" if n % 2 else f"Solid {n}",
            local=n % 3 != 0,
            anchor=n == 4,
            revenue_cny=Decimal("1234567.5") if n == 2 else Decimal("50000000.00"),
            district=None if n == 5 else factories.District.objects.first(),
            categories=[factories.category("graphene")] if n % 2 else (),
        )
        factories.make_product(company, name=f"LPSCl {n}", figures={"ionic_conductivity": 0.01 + n / 1000})
        factories.make_product(company, category_slug="oxide-electrolyte", meets_target=bool(n % 2))
        made.append(company)
    lapsed = factories.make_company(name="固态 lapsed")
    Company.objects.filter(pk=lapsed.pk).update(verified_until=timezone.localdate() - timedelta(days=1))
    factories.make_company(name="固态 pending", status=Company.Status.PENDING)
    return made


QUERIES = [
    {},
    {"q": "固态"},
    {"min_ionic_conductivity": "0.012", "stage": "mass"},
    {"meets_target": "true"},
    {"category": "solid-electrolytes", "sort": "-employees"},
    {"size": ["small", "large"], "local": "true"},
    {"page_size": "3", "page": "2"},
    {"page_size": "3", "page": "last"},
    {"page_size": "3", "page": "9"},
    {"page": "0"},
    {"q": "no such company"},
]


@pytest.mark.parametrize("who", ["anonymous", "supplier", "anchor", "official"])
def test_list_rows_are_what_the_serializer_fields_give(registry, who, supplier_x, anchor_user, official, monkeypatch):
    client = client_for({"anonymous": None, "supplier": supplier_x, "anchor": anchor_user, "official": official}[who])
    with override_settings(CACHES=LOCMEM):
        fast = [client.get(COMPANIES, query) for query in QUERIES] + [client.get("/api/v1/companies.json")]
        # DRF's own field-by-field rows and Django's own paginator:
        monkeypatch.setattr(CompanyListSerializer, "to_representation", serializers.ListSerializer.to_representation)
        monkeypatch.setattr(CompanyViewSet, "pagination_class", StandardPagination)
        general = [client.get(COMPANIES, query) for query in QUERIES] + [client.get("/api/v1/companies.json")]
    for query, mine, theirs in zip([*QUERIES, ".json"], fast, general, strict=True):
        assert (mine.status_code, mine.content) == (theirs.status_code, theirs.content), query
    rows = fast[2].json()["results"]
    assert rows and all(row["matched_products"] for row in rows)  # the product filters' explanation is there
    if who == "supplier":  # its own company's contacts and revenue, nobody else's
        own = next(row for row in fast[0].json()["results"] if row["id"] == supplier_x.company_id)
        assert own["revenue_cny"] == "50000000.00" and own["contact_name"] == "Li Wei"


@pytest.mark.parametrize("query", [{}, {"q": "固态"}, {"sort": "-employees"}, {"min_ionic_conductivity": "0.012"}])
@pytest.mark.parametrize("number", [1, 2, 3, "last", "0", "x", 99, "1.0", 2**70])
def test_the_paginator_gives_django_paginators_pages_and_errors(registry, query, number):
    data = QueryDict(mutable=True)
    data.update(query)
    companies = CompanyFilterSet(data, queryset=Company.objects.published()).qs

    def outcome(paginator_class):
        paginator = paginator_class(companies, 3)
        if number == "last":
            return ("page", [c.pk for c in paginator.page(paginator.num_pages)], paginator.count)
        try:
            page = paginator.page(number)
        except (PageNotAnInteger, EmptyPage) as error:
            return (type(error).__name__, str(error), paginator.count)
        return ("page", [c.pk for c in page], page.start_index(), page.end_index(), page.has_next(), paginator.count)

    assert outcome(DirectoryPaginator) == outcome(Paginator)


def test_a_size_filter_keeps_the_one_statement_page(registry, django_assert_num_queries):
    # A column of the company itself repeats no company, so the size filter needs no DISTINCT (which would keep the
    # page off DirectoryPaginator's one statement).
    data = QueryDict("size=small&size=large&size=micro&size=medium")
    companies = CompanyFilterSet(data, queryset=Company.objects.published()).qs.order_by("name", "pk")
    assert not companies.query.distinct
    with django_assert_num_queries(1):
        ids, total = page_ids(companies, 0, 50)
    assert sorted(ids) == sorted(Company.objects.published().values_list("pk", flat=True)) and total == len(ids)


def test_the_page_and_its_total_come_from_one_statement(registry, django_assert_num_queries):
    companies = Company.objects.published().order_by("name", "pk")
    with django_assert_num_queries(1):
        ids, total = page_ids(companies, 3, 3)
    assert ids == list(companies.values_list("pk", flat=True)[3:6])
    assert total == companies.count() == len(registry)
    assert page_ids(companies, 300, 3) == ([], None)
    assert page_ids(companies, 2**63, 3) == ([], None)  # past what the database's integers hold: empty, not a 500


def test_the_html_page_counts_products_from_the_prefetched_rows(registry, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        response = client.get("/directory/", {"q": "固态"})
    shown = {company.pk: company for company in response.context["companies"]}
    assert response.context["result_count"] == 7
    for company in registry[1:]:
        assert (shown[company.pk].product_count, shown[company.pk].target_count) == (
            company.products.count(), company.products.filter(meets_target=True).count()
        )
    assert "2 products, 1 meeting the city target" in response.content.decode()


@pytest.mark.parametrize("query", [
    "", "category=sulfide-electrolyte&local=true&size=small&size=micro&q=%3Cb%3E%22x%22%26",
    "local=maybe&district=nowhere&sort=-employees&anchor=false&certificate=iso9001&stage=mass&meets_target=true",
])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_panels_widgets_are_django_templates_html(db, query, language):
    from django.utils import translation

    with translation.override(language):
        filterset = CompanyFilterSet(clean_query(QueryDict(query), CompanyFilterSet), queryset=Company.objects.all())
        form = _prepare_form(filterset.form)
        form.is_valid()
        for name, field in form.fields.items():
            assert isinstance(field.widget, FastRenderMixin), name
            fast = str(form[name])
            field.widget.__class__ = type(field.widget).__bases__[1]  # the widget's own class: Django's templates
            assert not isinstance(field.widget, FastRenderMixin)
            assert fast == str(form[name]), name
