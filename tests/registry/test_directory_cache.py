"""The companies API's cached anonymous pages (registry.directory_cache): exact, or not used.

A page asked again comes from the cache; every kind of write to what the directory shows, the date, the language,
and who asks each lead to a fresh answer, so a cached page never differs from what the database would say.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from registry import directory_cache, services
from registry.models import Category, Company, DirectoryVersion, District, ProductFigure
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

COMPANIES = "/api/v1/companies/"
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def _locmem_cache():
    # The throttles' counts would add the database cache's queries to every count below.
    with override_settings(CACHES=LOCMEM):
        from django.core.cache import cache

        cache.clear()
        yield


@pytest.fixture
def published(company_x, supplier_x):
    factories.make_product(company_x, name="LPSCl 1", figures={"ionic_conductivity": 0.012})
    factories.make_certificate(company_x)
    return company_x


def rows(client, query=None) -> dict[int, dict]:
    response = client.get(COMPANIES, query or {})
    assert response.status_code == 200, response.content
    return {row["id"]: row for row in response.json()["results"]}


def test_a_page_asked_again_comes_from_the_cache(published, client, django_assert_num_queries):
    first = client.get(COMPANIES, {"q": "Company X"})
    with django_assert_num_queries(1):  # the directory version; nothing else
        again = client.get(COMPANIES, {"q": "Company X"})
    assert again.content == first.content and again.status_code == 200


def test_errors_and_signed_in_callers_are_not_cached(published, supplier_x, official):
    anonymous = client_for(None)
    assert anonymous.get(COMPANIES, {"page": "9"}).status_code == 400
    assert anonymous.get(COMPANIES, {"page": "9"}).status_code == 400
    rows(anonymous)
    hidden = factories.make_company(name="Unpublished Ltd", status=Company.Status.PENDING)
    factories.make_user(hidden, username="hidden_user")
    # Signed in, the answer depends on who asks: their own unpublished company, contacts for officials.
    own = client_for(hidden.users.get())
    assert hidden.pk in rows(own)
    assert rows(client_for(official))[published.pk]["contact_name"] == "Li Wei"
    assert rows(anonymous)[published.pk]["contact_name"] is None
    assert hidden.pk not in rows(anonymous)


def test_the_browsable_api_page_is_not_cached(published, client):
    from django.core.cache import cache

    def cached_pages():
        return [key for key in cache._cache if "directory:api:" in key]  # LocMemCache's own store

    assert client.get(COMPANIES, HTTP_ACCEPT="text/html").status_code == 200
    assert cached_pages() == []
    rows(client)
    assert len(cached_pages()) == 1


def _company_update(company, user):
    services.company_update(company=company, by=user, data={"name": "Company X Renamed"})


def _company_categories(company, user):
    services.company_update(company=company, by=user, data={}, categories=[factories.category("graphene")])


def _company_suspend(company, official):
    services.company_suspend(company=company, by=official, reason="Licence withdrawn")


def _company_anchor(company, official):
    services.company_set_anchor(company=company, by=official, is_anchor=True)


def _company_locality(company, official):
    services.company_confirm_locality(company=company, by=official, is_local=False)


def _product_delete(company, user):
    services.product_delete(by=user, product=company.products.get())


def _figure_change(company, user):
    ProductFigure.objects.filter(product__company=company).get().delete()


def _certificate_delete(company, user):
    services.certificate_delete(by=user, certificate=company.certificates.get())


def _category_rename(company, user):
    category = factories.category("sulfide-electrolyte")
    category.slug = "sulfide-electrolytes-renamed"
    category.save()


def _district_rename(company, user):
    district = company.district
    district.name = "Renamed district"
    district.save()


def _product_add(company, user):
    services.product_save(by=user, company=company, figures={}, data={
        "name": "Oxide 2", "category": factories.category("oxide-electrolyte"), "stage": "pilot"})


# name: (the write, who makes it, the query it is seen through, what the company's row then shows)
WRITES = {
    "company profile": (_company_update, "supplier", {}, lambda row: row["name"] == "Company X Renamed"),
    "company categories": (_company_categories, "supplier", {}, lambda row: "graphene" in row["categories"]),
    "verification (suspended)": (_company_suspend, "official", {}, lambda row: row is None),
    "anchor designation": (_company_anchor, "official", {}, lambda row: row["is_anchor"]),
    "locality": (_company_locality, "official", {}, lambda row: row["local"] is False),
    "product added": (_product_add, "supplier", {"stage": "pilot"}, lambda row: row is not None),
    "product deleted": (_product_delete, "supplier", {"min_ionic_conductivity": "0.01"}, lambda row: row is None),
    "figure deleted": (_figure_change, "supplier", {"min_ionic_conductivity": "0.01"}, lambda row: row is None),
    "certificate deleted": (_certificate_delete, "supplier", {"certificate": "iso9001"}, lambda row: row is None),
    "category renamed": (_category_rename, "supplier", {"min_ionic_conductivity": "0.01"},
                         lambda row: row["matched_products"][0]["category"] == "sulfide-electrolytes-renamed"),
    "district renamed": (_district_rename, "supplier", {}, lambda row: row["district_name"] == "Renamed district"),
}


@pytest.mark.parametrize("write", WRITES)
def test_every_kind_of_write_is_seen_at_once(write, published, supplier_x, official, client):
    change, who, query, seen = WRITES[write]
    before = rows(client, query)
    assert not seen(before.get(published.pk))
    assert rows(client, query) == before  # from the cache now
    version = directory_cache.directory_version()
    change(published, {"supplier": supplier_x, "official": official}[who])
    assert directory_cache.directory_version() > version
    assert seen(rows(client, query).get(published.pk)), write


def test_a_write_rolled_back_leaves_the_version(published, supplier_x):
    version = directory_cache.directory_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        _company_update(published, supplier_x)
        assert directory_cache.directory_version() > version  # raised in the write's own transaction
        raise RuntimeError
    assert directory_cache.directory_version() == version


def test_the_next_day_is_a_new_answer(published, client, monkeypatch):
    Company.objects.filter(pk=published.pk).update(verified_until=timezone.localdate())  # lapses tonight
    assert published.pk in rows(client)
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert published.pk not in rows(client)


def test_each_language_has_its_own_answer(published, client):
    district = published.district
    assert district.name != district.name_zh
    assert rows(client)[published.pk]["district_name"] == district.name
    chinese = client.get(COMPANIES, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"]
    assert {row["id"]: row["district_name"] for row in chinese}[published.pk] == district.name_zh


def test_the_version_row_is_made_again_if_missing(db):
    DirectoryVersion.objects.all().delete()
    assert directory_cache.directory_version() == 0
    directory_cache.directory_changed()
    assert directory_cache.directory_version() == 1


def test_turned_off_nothing_is_cached(published, client, settings, django_assert_num_queries):
    settings.DIRECTORY_CACHE_SECONDS = 0
    rows(client)
    with django_assert_num_queries(3):  # the page's ids and total, its rows, their categories
        rows(client)


def test_categories_and_districts_are_directory_models():
    assert {Category, District} <= set(directory_cache.DIRECTORY_MODELS)


def test_anonymous_callers_are_counted_once(client, db, settings):
    # The per-user throttle counts signed-in callers only; anonymous ones are counted by the anonymous throttle.
    from django.core.cache import cache

    client.get(COMPANIES)
    assert cache.get("throttle_anon_127.0.0.1")
    assert cache.get("throttle_user_127.0.0.1") is None


def test_a_restored_database_starts_with_an_empty_cache(published, client, django_assert_num_queries):
    # restore brings back an older version number, which pages cached since may carry: they are all dropped.
    rows(client)
    version = directory_cache.directory_version()
    directory_cache.directory_reset()
    assert directory_cache.directory_version() > version
    DirectoryVersion.objects.update(number=version)  # what the restored database says
    with django_assert_num_queries(4):  # version, the page's ids and total, its rows, their categories: not cached
        rows(client)


def test_a_page_being_filled_is_waited_for_not_computed_again(published, client, monkeypatch,
                                                              django_assert_max_num_queries):
    """While one worker computes a page, another asking for it waits for that answer instead of reading the
    directory a second time (every write empties the cache of every popular question at once)."""
    from django.core.cache import cache

    from tests.conftest import client_for as make_client

    first = make_client(None).get(COMPANIES, {"q": "Company X"})
    (key,) = page_keys()
    data = cache.get(key)
    cache.delete(key)
    cache.add(f"{key}:filling", 1, 30)  # another worker is computing it

    def the_filler_finishes(seconds):
        cache.set(key, data, 600)
        cache.delete(f"{key}:filling")

    monkeypatch.setattr(directory_cache.time, "sleep", the_filler_finishes)
    with django_assert_max_num_queries(1):  # the directory version; no company is read
        waited = client.get(COMPANIES, {"q": "Company X"})
    assert waited.status_code == 200 and waited.content == first.content


def test_a_waiter_computes_the_page_itself_when_the_filler_gives_no_answer(published, client, monkeypatch):
    from django.core.cache import cache

    ask = client.get(COMPANIES, {"q": "Company X"})
    (key,) = page_keys()
    cache.delete(key)
    cache.add(f"{key}:filling", 1, 30)
    monkeypatch.setattr(directory_cache.time, "sleep", lambda s: cache.delete(f"{key}:filling"))  # it failed
    again = client.get(COMPANIES, {"q": "Company X"})
    assert again.status_code == 200 and again.content == ask.content
    assert cache.get(key) is not None  # stored by the waiter


def test_a_filler_that_fails_lifts_its_claim(published, client, monkeypatch):
    from django.core.cache import cache
    from rest_framework import mixins

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(mixins.ListModelMixin, "list", broken)
    with pytest.raises(RuntimeError):
        client.get(COMPANIES, {"q": "Company X"})
    assert not [k for k in cache._cache if k.endswith(":filling")]


def page_keys() -> list[str]:
    """The cached pages' keys (locmem's own keys carry the version prefix ":1:")."""
    from django.core.cache import cache

    return [k.split(":", 2)[-1] for k in cache._cache if "directory:api:" in k and not k.endswith(":filling")]
