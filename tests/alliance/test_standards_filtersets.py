"""The alliance's shared FilterSets, tested directly: what each filter keeps, and the values they refuse."""

import pytest

from alliance.filtersets import MembershipFilterSet, StandardFilterSet
from alliance.models import Membership, Standard
from tests import factories

pytestmark = pytest.mark.django_db


def codes(data):
    filterset = StandardFilterSet(data, queryset=Standard.objects.all())
    assert filterset.is_valid(), filterset.errors
    return [standard.code for standard in filterset.qs]


def test_standard_filters():
    factories.make_standard(code="IEC 62660-9", body="IEC", status="published")
    factories.make_standard(code="ISO 12405-4", body="ISO", title="Battery packs", status="proposed")
    factories.make_standard(code="T/CIAPS 0012", body="group", title_zh="固态电池术语", status="proposed")
    assert codes({}) == ["IEC 62660-9", "ISO 12405-4", "T/CIAPS 0012"]
    assert codes({"body": "ISO"}) == ["ISO 12405-4"]
    assert codes({"level": "international", "status": "proposed"}) == ["ISO 12405-4"]
    assert codes({"q": "packs"}) == ["ISO 12405-4"]
    assert codes({"q": "固态"}) == ["T/CIAPS 0012"]


@pytest.mark.parametrize("data,field", [({"body": "ANSI"}, "body"), ({"q": "w " * 11}, "q"),
                                        ({"status": "published\x00"}, "status")])
def test_standard_filters_refuse_bad_values(data, field):
    filterset = StandardFilterSet(data, queryset=Standard.objects.all())
    assert not filterset.is_valid()
    assert field in filterset.errors


def names(data):
    filterset = MembershipFilterSet(data, queryset=Membership.objects.all())
    assert filterset.is_valid(), filterset.errors
    return [membership.organisation.name for membership in filterset.qs]


def test_membership_filters():
    sulfide = factories.category("sulfide-electrolyte")
    a = factories.make_company(name="A Sulfides", categories=[sulfide])
    b = factories.make_company(name="B Cells", local=False)
    factories.make_product(b, category_slug="sulfide-electrolyte")
    c = factories.make_company(name="C Institute", organisation_type="institute",
                               uscc=factories.make_uscc(authority="12"))
    factories.make_membership(a, tier="member")
    factories.make_membership(b, tier="council")
    factories.make_membership(c, status="ended")
    assert names({}) == ["B Cells", "A Sulfides", "C Institute"]  # council first
    assert names({"status": "active"}) == ["B Cells", "A Sulfides"]
    assert names({"tier": "council"}) == ["B Cells"]
    assert names({"organisation_type": "institute"}) == ["C Institute"]
    # A category counts whether listed on the profile or through a product, and a parent includes its children.
    assert names({"category": sulfide.parent.slug}) == ["B Cells", "A Sulfides"]
    assert names({"district": factories.LOCAL_DIVISION}) == ["A Sulfides", "C Institute"]
    assert names({"q": a.uscc.lower()}) == ["A Sulfides"]


@pytest.mark.parametrize("data,field", [({"tier": "king"}, "tier"), ({"category": "nope"}, "category"),
                                        ({"district": "999999"}, "district")])
def test_membership_filters_refuse_bad_values(data, field):
    filterset = MembershipFilterSet(data, queryset=Membership.objects.all())
    assert not filterset.is_valid()
    assert field in filterset.errors
