"""CollaborationFilterSet, tested directly: each filter narrows as it says, bad values are refused by name."""

from datetime import date
from decimal import Decimal

import pytest

from alliance.filtersets import CollaborationFilterSet
from alliance.models import Collaboration
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(anchor_company, company_x, company_y):
    other_anchor = factories.make_company(anchor=True, employees=3000, revenue_cny=Decimal("900000000"),
                                          name="Other Anchor")
    return {
        "a": factories.make_collaboration(anchor_company, company_x, model="supply", status="active",
                                          started_on=date(2025, 3, 1), title="Electrolyte supply"),
        "b": factories.make_collaboration(anchor_company, company_y, model="licensing", status="proposed",
                                          started_on=date(2026, 1, 1), title="Cathode licence"),
        "c": factories.make_collaboration(other_anchor, company_x, model="standard", status="completed",
                                          started_on=date(2025, 12, 31), title="Test method standard"),
    }


def names(rows, params):
    filterset = CollaborationFilterSet(params, queryset=Collaboration.objects.all())
    assert filterset.is_valid(), filterset.errors
    by_pk = {c.pk: name for name, c in rows.items()}
    return {by_pk[c.pk] for c in filterset.qs}


@pytest.mark.parametrize(("params", "expected"), [
    ({}, {"a", "b", "c"}),
    ({"model": "supply"}, {"a"}),
    ({"status": "proposed"}, {"b"}),
    ({"year": "2025"}, {"a", "c"}),
    ({"q": "licence"}, {"b"}),
    ({"q": "other anchor"}, {"c"}),
    ({"model": "standard", "year": "2025"}, {"c"}),
    ({"year": "2024"}, set()),
])
def test_each_filter_narrows(rows, params, expected):
    assert names(rows, params) == expected


def test_party_filters_take_company_ids(rows, anchor_company, company_x):
    assert names(rows, {"anchor": str(anchor_company.pk)}) == {"a", "b"}
    assert names(rows, {"sme": str(company_x.pk)}) == {"a", "c"}
    assert names(rows, {"anchor": str(anchor_company.pk), "sme": str(company_x.pk)}) == {"a"}


def test_newest_start_first(rows):
    filterset = CollaborationFilterSet({}, queryset=Collaboration.objects.all())
    assert [c.title for c in filterset.qs] == ["Cathode licence", "Test method standard", "Electrolyte supply"]


@pytest.mark.parametrize(("params", "name"), [
    ({"model": "barter"}, "model"), ({"status": "x"}, "status"), ({"anchor": "0"}, "anchor"),
    ({"sme": "1e3"}, "sme"), ({"year": "1899"}, "year"), ({"year": "2025.5"}, "year"), ({"q": "x\x00"}, "q"),
    ({"q": " ".join(["w"] * 11)}, "q"),
])
def test_bad_values_are_refused_by_name(params, name):
    filterset = CollaborationFilterSet(params, queryset=Collaboration.objects.all())
    assert not filterset.is_valid()
    assert name in filterset.errors


def test_chips_name_the_active_filters(rows):
    filterset = CollaborationFilterSet({"model": "supply", "year": "2025"}, queryset=Collaboration.objects.all())
    filterset.is_valid()
    assert {(str(label), str(value)) for _name, label, value in filterset.active_filters()} == {
        ("Model", "Long-term supply agreement"), ("Year started", "2025"),
    }
