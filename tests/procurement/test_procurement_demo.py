"""`manage.py load_demo` also loads purchases over several years and subsidy applications in every state."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from calculators.subsidies import subsidy_amount
from procurement.models import ApplicationClaim, ApplicationEvent, Purchase, SubsidyApplication
from procurement.selectors import LcrSlice, lcr_by, lcr_figures
from registry.models import Category, User
from tests.demo_fixtures import run_load_demo

pytestmark = pytest.mark.usefixtures("demo_private_media")

# The city's LCR in percent, per year relative to the baseline: below the 40 % start, then up the target path.
EXPECTED_RANGES = {-1: (36, 38), 0: (42, 45), 1: (48, 52)}




def city_lcr_by_year() -> dict[int, Decimal]:
    return {int(row["label"]): row["lcr_percent"] for row in lcr_by("year")}


def test_city_lcr_climbs_from_below_the_start_towards_the_target(demo):
    figures = city_lcr_by_year()
    today = timezone.localdate()
    years = list(range(settings.LCR_BASELINE_YEAR - 1, today.year + 1))
    assert sorted(figures) == years
    for year in years:
        low, high = EXPECTED_RANGES.get(year - settings.LCR_BASELINE_YEAR, (48, 70))
        assert low <= figures[year] <= high, (year, figures[year])
    assert [figures[y] for y in years] == sorted(figures[y] for y in years)
    assert len(set(figures.values())) == len(years)


def test_anchor_firms_above_and_below_the_city(demo):
    year = timezone.localdate().year
    city = lcr_figures(LcrSlice(year=year))["lcr_percent"]
    anchors = lcr_by("buyer", LcrSlice(year=year))
    assert len(anchors) >= 8
    assert any(row["lcr_percent"] > city for row in anchors)
    assert any(row["lcr_percent"] < city for row in anchors)
    anchor_company = User.objects.get(username="anchor").company
    assert anchor_company.pk in {row["key"] for row in anchors}


def test_purchases_look_real(demo):
    purchases = Purchase.objects.all()
    assert 1500 <= purchases.count() <= 3000
    assert set(purchases.values_list("source", flat=True)) == set(Purchase.Source.values)
    assert purchases.filter(supplier=None).exists()
    assert not purchases.filter(supplier=None, supplier_is_local=True).exists()
    assert not purchases.filter(supplier=None).filter(supplier_name="").exists()
    assert purchases.filter(supplier__isnull=False, supplier_is_local=False).exists()
    assert not purchases.filter(purchased_on__gt=timezone.localdate()).exists()
    assert not purchases.filter(buyer__is_anchor=False).exists()
    assert not purchases.filter(supplier=F("buyer")).exists()
    for purchase in purchases.select_related("supplier")[:300]:
        assert Decimal("1000") <= purchase.amount <= Decimal("50000000"), purchase.amount
        assert purchase.amount == purchase.amount.quantize(Decimal("0.01"))
        if purchase.supplier is not None:
            assert purchase.supplier_is_local == purchase.supplier.is_local
            assert purchase.supplier_identifier == purchase.supplier.uscc
    cells = Category.objects.get(slug="cells-and-packs")
    leaves_used = set(purchases.values_list("category_id", flat=True))
    assert len(leaves_used & set(cells.descendant_ids())) >= 2
    assert len(leaves_used) >= 10
    anchor_user = User.objects.get(username="anchor")
    assert not purchases.filter(buyer=anchor_user.company).exclude(created_by=anchor_user).exists()
    assert purchases.filter(source=Purchase.Source.IMPORT).exclude(import_batch=None).exists()


def test_applications_in_every_state_with_their_amounts(demo):
    # The local procurement subsidy's applications (the alliance demo adds those of the other programmes).
    applications = SubsidyApplication.objects.select_related("programme").filter(programme__kind="local_procurement")
    assert set(applications.values_list("status", flat=True)) == set(SubsidyApplication.Status.values)
    anchor_company = User.objects.get(username="anchor").company
    assert set(applications.filter(applicant=anchor_company).values_list("status", flat=True)) == set(
        SubsidyApplication.Status.values
    )
    assert 4 <= applications.values("applicant").distinct().count() <= 5
    for application in applications:
        assert application.programme.code == "local-procurement" and application.programme.version == 1
        assert application.applicant.is_published and application.applicant.is_local
        claims = application.claims.all()
        if application.status != SubsidyApplication.Status.REJECTED:
            claims = claims.filter(live=True)
        amounts = [claim.amount for claim in claims]
        assert amounts
        assert application.eligible_total == sum(amounts)
        assert application.amount == subsidy_amount(amounts, rate=application.programme.rate)
        assert application.amount > 0
        for claim in claims.select_related("purchase"):
            assert claim.amount == claim.purchase.amount
            assert claim.purchase.buyer_id == application.applicant_id
            assert claim.purchase.supplier_is_local and claim.purchase.supplier_was_verified
            assert claim.purchase.purchased_on >= application.programme.period_start
        last = ApplicationEvent.objects.filter(application=application).last()
        assert last.to_status == application.status
    rejected = applications.filter(status=SubsidyApplication.Status.REJECTED)
    assert not ApplicationClaim.objects.filter(application__in=rejected, live=True).exists()
    for application in rejected | applications.filter(status=SubsidyApplication.Status.RETURNED):
        assert application.status_reason
    for application in applications.filter(status=SubsidyApplication.Status.PAID):
        assert application.payment_reference and application.paid_on <= timezone.localdate()
        assert application.decided_by.username == "official"


def test_running_twice_adds_nothing(demo):
    def counts():
        return {
            "purchases": Purchase.objects.count(),
            "history": Purchase.history.count(),
            "applications": SubsidyApplication.objects.count(),
            "claims": ApplicationClaim.objects.count(),
            "events": ApplicationEvent.objects.count(),
            "users": User.objects.count(),
        }

    before = counts()
    figures = city_lcr_by_year()
    second = run_load_demo()
    assert counts() == before
    assert city_lcr_by_year() == figures
    assert "Procurement demo: 0 purchases and 0 applications added" in second
    assert f"now {before['purchases']} purchases, {before['applications']} applications" in second
