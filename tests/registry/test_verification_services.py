"""Verification services: the state each leaves, the history line it writes, and who it refuses."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from registry import services
from registry.models import OFFICIALS_GROUP, Company
from tests import factories

PENDING = Company.Status.PENDING
VERIFIED = Company.Status.VERIFIED
REJECTED = Company.Status.REJECTED
SUSPENDED = Company.Status.SUSPENDED


@pytest.fixture
def pending(db):
    return factories.make_company(name="Pending Electrolytes", status=PENDING)


def latest_history(company):
    return company.history.order_by("-history_date", "-history_id").first()


def reload(company):
    return Company.objects.get(pk=company.pk)


# --- verify -------------------------------------------------------------------------------------------------

def test_verify_sets_status_who_when_and_a_year_of_validity(official, pending):
    before = timezone.now()
    services.company_verify(company=pending, by=official)
    company = reload(pending)
    assert company.status == VERIFIED
    assert company.verified_by == official
    assert before <= company.verified_at <= timezone.now()
    assert company.verified_until == timezone.localdate() + timedelta(days=365)
    assert Company.objects.published().filter(pk=company.pk).exists()
    record = latest_history(company)
    assert record.history_user == official
    assert record.history_change_reason.startswith("Verified")
    assert record.status == VERIFIED


@override_settings(VERIFICATION_VALIDITY_DAYS=30)
def test_verify_uses_the_configured_validity(official, pending):
    services.company_verify(company=pending, by=official)
    assert reload(pending).verified_until == timezone.localdate() + timedelta(days=30)


def test_verify_can_confirm_locality_in_the_same_step(official, pending):
    services.company_verify(company=pending, by=official, locality_confirmed=True)
    assert reload(pending).locality_confirmed is True


def test_expired_company_leaves_directory_until_reverified(official, db):
    company = factories.make_company(name="Expired Anodes")
    Company.objects.filter(pk=company.pk).update(
        verified_at=timezone.now() - timedelta(days=400), verified_until=timezone.localdate() - timedelta(days=1)
    )
    assert not Company.objects.published().filter(pk=company.pk).exists()
    assert reload(company).verification_expired

    services.company_verify(company=company, by=official)

    company = reload(company)
    assert company.verified_until == timezone.localdate() + timedelta(days=365)
    assert Company.objects.published().filter(pk=company.pk).exists()
    assert latest_history(company).history_change_reason.startswith("Re-verified")


def test_verify_after_rejection_and_after_suspension(official, pending):
    services.company_reject(company=pending, by=official, reason="Licence unreadable")
    services.company_verify(company=pending, by=official)
    assert reload(pending).status == VERIFIED
    assert reload(pending).status_reason == ""
    services.company_suspend(company=pending, by=official, reason="Under investigation")
    services.company_verify(company=pending, by=official)
    assert reload(pending).status == VERIFIED


# --- reject -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("reason", ["", "   \n ", None])
def test_reject_requires_a_reason_and_changes_nothing_without_one(official, pending, reason):
    records = pending.history.count()
    with pytest.raises(ValidationError) as excinfo:
        services.company_reject(company=pending, by=official, reason=reason)
    assert "reason" in excinfo.value.message_dict
    assert reload(pending).status == PENDING
    assert pending.history.count() == records


def test_reject_with_reason_records_it(official, pending):
    services.company_reject(company=pending, by=official, reason="  The USCC belongs to another firm.  ")
    company = reload(pending)
    assert company.status == REJECTED
    assert company.status_reason == "The USCC belongs to another firm."
    assert company.verified_until is None
    record = latest_history(company)
    assert record.history_user == official
    assert record.history_change_reason == "Rejected: The USCC belongs to another firm."


def test_a_long_reason_is_kept_whole_on_the_company_and_shortened_in_the_history_line(official, pending):
    reason = "The registration documents do not match the licence. " * 10
    services.company_reject(company=pending, by=official, reason=reason)
    company = reload(pending)
    assert company.status_reason == reason.strip()
    line = latest_history(company).history_change_reason
    assert len(line) <= 100
    assert line.startswith("Rejected: The registration documents")
    assert latest_history(company).status_reason == reason.strip()


def test_a_verified_company_is_suspended_not_rejected(official, company_x):
    with pytest.raises(ValidationError, match="suspend it instead"):
        services.company_reject(company=company_x, by=official, reason="Fraud")
    assert reload(company_x).status == VERIFIED


def test_rejecting_twice_is_refused(official, pending):
    services.company_reject(company=pending, by=official, reason="Incomplete")
    with pytest.raises(ValidationError, match="already rejected"):
        services.company_reject(company=pending, by=official, reason="Incomplete")


# --- suspend ------------------------------------------------------------------------------------------------

def test_suspend_takes_a_verified_company_out_of_the_directory(official, company_x):
    assert Company.objects.published().filter(pk=company_x.pk).exists()
    services.company_suspend(company=company_x, by=official, reason="Safety incident under review")
    company = reload(company_x)
    assert company.status == SUSPENDED
    assert company.status_reason == "Safety incident under review"
    assert not Company.objects.published().filter(pk=company.pk).exists()
    record = latest_history(company)
    assert record.history_user == official
    assert record.history_change_reason == "Suspended: Safety incident under review"


def test_suspend_without_reason(official, company_x):
    services.company_suspend(company=company_x, by=official)
    assert reload(company_x).status == SUSPENDED
    assert latest_history(company_x).history_change_reason == "Suspended"


def test_only_a_verified_company_can_be_suspended(official, pending):
    with pytest.raises(ValidationError, match="cannot be suspended"):
        services.company_suspend(company=pending, by=official)
    assert reload(pending).status == PENDING


# --- anchor designation and locality ----------------------------------------------------------------------

def test_designate_and_remove_anchor_firm(official, company_x):
    services.company_set_anchor(company=company_x, by=official, is_anchor=True)
    assert reload(company_x).is_anchor is True
    record = latest_history(company_x)
    assert (record.history_user, record.history_change_reason) == (official, "Designated anchor firm")

    services.company_set_anchor(company=company_x, by=official, is_anchor=False)
    assert reload(company_x).is_anchor is False
    record = latest_history(company_x)
    assert (record.history_user, record.history_change_reason) == (official, "Anchor designation removed")


def test_designating_an_anchor_twice_is_refused(official, db):
    anchor = factories.make_company(name="Anchor Packs", anchor=True)
    records = anchor.history.count()
    with pytest.raises(ValidationError, match="already an anchor firm"):
        services.company_set_anchor(company=anchor, by=official, is_anchor=True)
    assert anchor.history.count() == records


def test_confirm_and_deny_locality(official, pending):
    assert reload(pending).locality_confirmed is None
    services.company_confirm_locality(company=pending, by=official, is_local=True)
    assert reload(pending).locality_confirmed is True
    assert reload(pending).is_local
    record = latest_history(pending)
    assert (record.history_user, record.history_change_reason) == (official, "Locality confirmed")

    services.company_confirm_locality(company=pending, by=official, is_local=False)
    assert reload(pending).locality_confirmed is False
    assert latest_history(pending).history_change_reason == "Locality denied"


# --- who may act --------------------------------------------------------------------------------------------

def _supplier(company):
    return factories.make_user(company, username="supplier_of_target")


def _staff_outside_group(company):
    return factories.make_user(None, username="staff_no_group", is_staff=True)


def _staff_with_permission_but_not_official(company):
    user = factories.make_user(None, username="staff_perm", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="verify_company"))
    return user


def _official_without_verify_permission(company):
    group = Group.objects.create(name="data clerks")
    group.permissions.add(Permission.objects.get(codename="view_company"))
    user = factories.make_official(username="clerk")
    user.groups.set([group, Group.objects.get(name=OFFICIALS_GROUP)])
    Group.objects.get(name=OFFICIALS_GROUP).permissions.remove(Permission.objects.get(codename="verify_company"))
    return user


def _inactive_official(company):
    user = factories.make_official(username="retired")
    user.is_active = False
    user.save()
    return user


REFUSED = [_supplier, _staff_outside_group, _staff_with_permission_but_not_official,
           _official_without_verify_permission, _inactive_official]

MOVES = [
    ("verify", PENDING, lambda c, u: services.company_verify(company=c, by=u)),
    ("reject", PENDING, lambda c, u: services.company_reject(company=c, by=u, reason="No")),
    ("suspend", VERIFIED, lambda c, u: services.company_suspend(company=c, by=u, reason="No")),
    ("designate", VERIFIED, lambda c, u: services.company_set_anchor(company=c, by=u, is_anchor=True)),
    ("confirm", PENDING, lambda c, u: services.company_confirm_locality(company=c, by=u, is_local=True)),
    ("deny", PENDING, lambda c, u: services.company_confirm_locality(company=c, by=u, is_local=False)),
]


@pytest.mark.parametrize("make_user", REFUSED, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize(("move", "status", "call"), MOVES, ids=[m[0] for m in MOVES])
def test_each_move_refuses_anyone_but_an_official_with_the_verify_permission(db, make_user, move, status, call):
    company = factories.make_company(name="Target Cathodes", status=status)
    user = make_user(company)
    records = company.history.count()
    snapshot = Company.objects.filter(pk=company.pk).values(
        "status", "is_anchor", "locality_confirmed", "verified_until"
    ).get()
    with pytest.raises(PermissionDenied):
        call(company, user)
    assert Company.objects.filter(pk=company.pk).values(
        "status", "is_anchor", "locality_confirmed", "verified_until"
    ).get() == snapshot
    assert company.history.count() == records


def test_a_superuser_may_verify(db, pending):
    admin_user = factories.make_user(None, username="root", is_staff=True, is_superuser=True)
    services.company_verify(company=pending, by=admin_user)
    assert reload(pending).status == VERIFIED

