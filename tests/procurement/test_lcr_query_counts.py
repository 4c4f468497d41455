"""Every LCR page and answer, the home page and /my/purchases/ cost a bounded number of queries, however many
purchases there are (they read the rollup cells), and give the same numbers as the purchases themselves."""

import itertools
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from procurement.models import Purchase
from procurement.rollups import rollups_differences, rollups_record_created
from procurement.selectors import LcrSlice, lcr_figures, lcr_purchases, lcr_totals
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
_invoices = itertools.count()


def add_purchases(buyer, suppliers, count):
    """`count` purchases of a buyer over five years, three categories and local and outside suppliers."""
    categories = [factories.category(slug) for slug in ("solid-state-cells", "sulfide-electrolyte", "graphene")]
    purchases = []
    for n in range(count):
        supplier = suppliers[n % len(suppliers)]
        purchased_on = date(YEAR - n % 5, 1 + n % 12, 1 + n % 28)
        purchases.append(Purchase(
            buyer=buyer, supplier=supplier, supplier_identifier=supplier.uscc, supplier_name=supplier.name,
            supplier_is_local=supplier.is_local, supplier_was_verified=True, purchased_on=purchased_on,
            purchased_year=purchased_on.year, category=categories[n % 3], amount=Decimal(f"{n % 997 + 1}.25"),
            invoice_number=f"Q-{next(_invoices)}", source="import",
        ))
    with transaction.atomic():
        Purchase.objects.bulk_create(purchases, batch_size=500)
        rollups_record_created(purchases)


@pytest.fixture
def city(anchor_company, company_x):
    outside = factories.make_company(local=False)
    rival = factories.make_company(name="Rival Anchor Works", anchor=True)
    return {"anchor": anchor_company, "rival": rival, "suppliers": [company_x, outside]}


def queries_of(fetch) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200
    return len(captured)


def pages(anchor_user, official):
    # Clients logged in beforehand: the login's own queries are not the page's.
    anchor, officer, anonymous = client_for(anchor_user), client_for(official), Client()
    return {
        "dashboard (anonymous)": lambda: anonymous.get(reverse("procurement:dashboard")),
        "dashboard (anchor)": lambda: anchor.get(reverse("procurement:dashboard")),
        "dashboard (official)": lambda: officer.get(reverse("procurement:dashboard")),
        "dashboard workbook": lambda: officer.get(reverse("procurement:dashboard_xlsx")),
        "home": lambda: anonymous.get("/"),
        "lcr": lambda: anonymous.get("/api/v1/lcr/", {"year": YEAR}),
        "lcr by category": lambda: anonymous.get("/api/v1/lcr/", {"year": YEAR, "category": "cells-and-packs"}),
        "lcr by district": lambda: anonymous.get("/api/v1/lcr/", {"district": factories.LOCAL_DIVISION}),
        "lcr trend": lambda: anonymous.get("/api/v1/lcr/trend/"),
        "lcr of a buyer": lambda: anchor.get("/api/v1/lcr/trend/", {"buyer": anchor_user.company.uscc}),
        "lcr by buyer": lambda: officer.get("/api/v1/lcr/by-buyer/", {"year": YEAR}),
        "my purchases": lambda: anchor.get("/my/purchases/"),
        "my purchases, a year": lambda: anchor.get("/my/purchases/", {"year": YEAR, "page": 3}),
        "my purchases, deep page": lambda: anchor.get("/my/purchases/", {"page": 9999}),
    }


# The most any of them may cost; the point of the test is that the count does not grow with the purchases.
MAX_QUERIES: dict[str, int] = {}


def test_query_counts_stay_flat_as_purchases_grow(city, anchor_user, official, django_assert_max_num_queries):
    add_purchases(city["anchor"], city["suppliers"], 60)
    add_purchases(city["rival"], city["suppliers"], 30)
    checks = pages(anchor_user, official)
    for fetch in checks.values():
        fetch()  # warm: sessions, caches, content types
    before = {name: queries_of(fetch) for name, fetch in checks.items()}

    add_purchases(city["anchor"], city["suppliers"], 1500)
    add_purchases(city["rival"], city["suppliers"], 700)
    after = {name: queries_of(fetch) for name, fetch in checks.items()}
    assert after == before
    for name, fetch in checks.items():
        with django_assert_max_num_queries(MAX_QUERIES.get(name, 15)):
            fetch()
    assert rollups_differences() == []


def test_the_rollups_give_the_purchases_own_numbers(city, anchor_user):
    add_purchases(city["anchor"], city["suppliers"], 300)
    add_purchases(city["rival"], city["suppliers"], 200)
    for lcr_slice in (LcrSlice(), LcrSlice(year=YEAR), LcrSlice(buyer=city["anchor"], year=YEAR - 2),
                      LcrSlice(category=factories.category("cells-and-packs")),
                      LcrSlice(district=city["anchor"].district, year=YEAR - 1)):
        assert lcr_totals(lcr_slice) == lcr_totals(lcr_purchases(lcr_slice))


def test_my_purchases_totals_and_count_come_from_the_rollups_and_pages_are_bounded(city, anchor_user):
    add_purchases(city["anchor"], city["suppliers"], 5100)
    anchor = client_for(anchor_user)
    raw = lcr_totals(Purchase.objects.filter(buyer=city["anchor"]))
    response = anchor.get("/my/purchases/")
    assert response.context["result_count"] == 5100
    assert response.context["total_amount"] == raw["total_amount"]
    assert response.context["local_amount"] == raw["local_amount"]
    assert response.context["page_obj"].paginator.num_pages == 200
    assert "choose a year or a date range above to see older purchases" in response.content.decode()
    last = anchor.get("/my/purchases/", {"page": 9999}).context["page_obj"]
    assert last.number == 200 and len(last.object_list) == 25

    # A filter the cells hold (year, locality) and one they do not (a search) give the purchases' own sums.
    local_year = anchor.get("/my/purchases/", {"year": YEAR, "local": "true"}).context
    expected = lcr_totals(Purchase.objects.filter(buyer=city["anchor"], purchased_on__year=YEAR,
                                                  supplier_is_local=True))
    assert (local_year["result_count"], local_year["total_amount"]) == (
        expected["purchase_count"], expected["total_amount"]
    )
    searched = anchor.get("/my/purchases/", {"q": "Q-1"}).context
    matching = Purchase.objects.filter(buyer=city["anchor"], invoice_number__icontains="Q-1")
    assert searched["result_count"] == matching.count()
    assert searched["total_amount"] == lcr_totals(matching)["total_amount"]
    assert lcr_figures(LcrSlice(buyer=city["anchor"]))["purchase_count"] == 5100
