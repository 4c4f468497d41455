"""PurchaseFilterSet: each filter on hand-made purchases, and bad values refused rather than ignored."""

from datetime import date
from decimal import Decimal

import pytest

from procurement.filtersets import PurchaseFilterSet
from procurement.models import Purchase
from tests import factories


@pytest.fixture
def purchases(anchor_company, company_x, company_y):
    outside = factories.make_company(name="Faraway Foils", local=False)
    return {
        "cells_2024": factories.make_purchase(
            anchor_company, company_x, purchased_on=date(2024, 3, 1), invoice_number="A-100",
            category=factories.category("solid-state-cells"), description="Pouch cells",
        ),
        "sulfide_2025": factories.make_purchase(
            anchor_company, company_y, purchased_on=date(2025, 7, 15), invoice_number="B-200",
            category=factories.category("sulfide-electrolyte"), source="api",
        ),
        "oxide_2025": factories.make_purchase(
            anchor_company, outside, purchased_on=date(2025, 12, 31), invoice_number="C-300",
            category=factories.category("oxide-electrolyte"), source="import",
        ),
        "unregistered": factories.make_purchase(
            anchor_company, None, purchased_on=date(2026, 1, 2), invoice_number="D-400",
            supplier_identifier="VAT-DE-9", supplier_name="Elsewhere GmbH", amount=Decimal("5.00"),
        ),
    }


def matched(params, purchases) -> set[str]:
    filterset = PurchaseFilterSet(params, queryset=Purchase.objects.all())
    assert filterset.is_valid(), filterset.errors
    names = {p.pk: name for name, p in purchases.items()}
    return {names[p.pk] for p in filterset.qs}


@pytest.mark.django_db
def test_search_matches_supplier_name_identifier_invoice_and_description(purchases, company_y):
    assert matched({"q": "elsewhere"}, purchases) == {"unregistered"}
    assert matched({"q": "vat-de-9"}, purchases) == {"unregistered"}
    assert matched({"q": company_y.uscc}, purchases) == {"sulfide_2025"}
    assert matched({"q": "b-2"}, purchases) == {"sulfide_2025"}
    assert matched({"q": "pouch"}, purchases) == {"cells_2024"}
    assert matched({"q": "pouch b-200"}, purchases) == set()  # every word must match


@pytest.mark.django_db
def test_year_and_date_range(purchases):
    assert matched({"year": "2025"}, purchases) == {"sulfide_2025", "oxide_2025"}
    assert matched({"date_from": "2025-07-15", "date_to": "2025-12-31"}, purchases) == {"sulfide_2025", "oxide_2025"}
    assert matched({"date_from": "2025-12-31"}, purchases) == {"oxide_2025", "unregistered"}
    assert matched({"date_to": "2024-12-31"}, purchases) == {"cells_2024"}


@pytest.mark.django_db
def test_a_parent_category_includes_its_children(purchases):
    assert matched({"category": "solid-electrolytes"}, purchases) == {"sulfide_2025", "oxide_2025"}
    assert matched({"category": "sulfide-electrolyte"}, purchases) == {"sulfide_2025"}
    assert matched({"category": "cells-and-packs"}, purchases) == {"cells_2024", "unregistered"}


@pytest.mark.django_db
def test_local_source_and_supplier(purchases, company_x):
    assert matched({"local": "true"}, purchases) == {"cells_2024", "sulfide_2025"}
    assert matched({"local": "false"}, purchases) == {"oxide_2025", "unregistered"}
    assert matched({"source": "api"}, purchases) == {"sulfide_2025"}
    assert matched({"source": "import"}, purchases) == {"oxide_2025"}
    assert matched({"supplier": company_x.uscc.lower()}, purchases) == {"cells_2024"}
    assert matched({"supplier": "vat-de-9"}, purchases) == {"unregistered"}


@pytest.mark.django_db
def test_results_are_newest_first(purchases):
    assert [p.invoice_number for p in PurchaseFilterSet({}, queryset=Purchase.objects.all()).qs] == [
        "D-400", "C-300", "B-200", "A-100"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("params", "field"), [
    ({"year": "2025.5"}, "year"),
    ({"year": "twenty"}, "year"),
    ({"date_from": "01/02/2025"}, "date_from"),
    ({"date_from": "2025-06-01", "date_to": "2025-01-01"}, "date_to"),
    ({"category": "batteries"}, "category"),
    ({"local": "perhaps"}, "local"),
    ({"source": "fax"}, "source"),
    ({"q": " ".join(["word"] * 11)}, "q"),
])
def test_bad_values_are_refused_with_the_field_named(params, field):
    filterset = PurchaseFilterSet(params, queryset=Purchase.objects.all())
    assert not filterset.is_valid()
    assert field in filterset.errors
