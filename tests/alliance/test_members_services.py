"""Membership services: the state they leave, the history row with the official, and the moves they refuse."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from alliance import members
from alliance.models import Membership
from registry.identifiers import with_check_digit
from registry.models import Company
from tests import factories

pytestmark = pytest.mark.django_db


def test_admitting_a_verified_company_makes_it_an_active_member_with_history(official, company_x):
    membership = members.membership_admit(organisation=company_x, by=official, tier="council",
                                          joined_on=date(2025, 4, 1))
    membership.refresh_from_db()
    assert (membership.status, membership.tier, membership.joined_on) == ("active", "council", date(2025, 4, 1))
    assert membership.admitted_by == official
    record = membership.history.get()
    assert record.history_user == official
    assert record.history_change_reason == "Admitted: Council member"


def test_joining_defaults_to_today(official, company_x):
    assert members.membership_admit(organisation=company_x, by=official).joined_on == timezone.localdate()


@pytest.mark.parametrize("status", [Company.Status.PENDING, Company.Status.REJECTED, Company.Status.SUSPENDED])
def test_an_unverified_organisation_is_refused(official, status):
    company = factories.make_company(status=status, name="Unverified Co")
    with pytest.raises(ValidationError) as excinfo:
        members.membership_admit(organisation=company, by=official)
    assert "not verified" in excinfo.value.message_dict["organisation"][0]
    assert not Membership.objects.exists()


def test_an_expired_verification_is_refused(official, company_x):
    Company.objects.filter(pk=company_x.pk).update(verified_until=timezone.localdate() - timedelta(days=1))
    company_x.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        members.membership_admit(organisation=company_x, by=official)
    assert "expired" in excinfo.value.message_dict["organisation"][0]


def test_an_organisation_already_a_member_is_refused(official, company_x):
    members.membership_admit(organisation=company_x, by=official)
    with pytest.raises(ValidationError) as excinfo:
        members.membership_admit(organisation=company_x, by=official)
    assert "already a member" in excinfo.value.message_dict["organisation"][0]
    assert Membership.objects.count() == 1


def test_a_university_with_an_enterprise_code_is_refused_with_the_reason(official):
    university = factories.make_company(name="Suzhou Materials University", organisation_type="university")
    with pytest.raises(ValidationError) as excinfo:
        members.membership_admit(organisation=university, by=official)
    message = excinfo.value.message_dict["organisation"][0]
    assert "91" in message and "University" in message and "12, 52" in message


def test_a_university_with_a_public_institution_code_is_admitted(official):
    university = factories.make_company(
        name="Suzhou Materials University", organisation_type="university", uscc=factories.make_uscc(authority="12")
    )
    assert members.membership_admit(organisation=university, by=official).status == "active"


def test_a_former_member_can_be_admitted_again(official, company_x):
    first = members.membership_admit(organisation=company_x, by=official, joined_on=date(2024, 1, 1))
    members.membership_end(membership=first, by=official, reason="Did not renew.", left_on=date(2024, 12, 31))
    again = members.membership_admit(organisation=company_x, by=official)
    assert again.pk != first.pk and again.status == "active"


@pytest.mark.parametrize("who", ["supplier_x", "anchor_user"])
def test_only_officials_admit(request, who, company_y):
    with pytest.raises(PermissionDenied):
        members.membership_admit(organisation=company_y, by=request.getfixturevalue(who))
    assert not Membership.objects.exists()


def test_a_staff_user_outside_the_officials_group_cannot_admit(company_x):
    staff = factories.make_user(None, is_staff=True)
    with pytest.raises(PermissionDenied):
        members.membership_admit(organisation=company_x, by=staff)


def test_a_future_joining_date_is_refused(official, company_x):
    with pytest.raises(ValidationError) as excinfo:
        members.membership_admit(organisation=company_x, by=official, joined_on=timezone.localdate() + timedelta(1))
    assert "joined_on" in excinfo.value.message_dict


def test_changing_the_tier_is_recorded(official, company_x):
    membership = members.membership_admit(organisation=company_x, by=official)
    members.membership_change_tier(membership=membership, by=official, tier="council")
    membership.refresh_from_db()
    assert membership.tier == "council"
    latest = membership.history.first()
    assert latest.history_user == official
    assert latest.history_change_reason == "Tier changed: Member → Council member"


def test_changing_to_the_same_tier_is_refused(official, company_x):
    membership = members.membership_admit(organisation=company_x, by=official)
    with pytest.raises(ValidationError, match="already in the tier"):
        members.membership_change_tier(membership=membership, by=official, tier="member")


def test_ending_records_the_reason_and_date(official, company_x):
    membership = members.membership_admit(organisation=company_x, by=official, joined_on=date(2024, 1, 1))
    members.membership_end(membership=membership, by=official, reason="Moved out of the city.",
                           left_on=date(2025, 2, 1))
    membership.refresh_from_db()
    assert (membership.status, membership.left_on, membership.end_reason) == (
        "ended", date(2025, 2, 1), "Moved out of the city."
    )
    assert membership.history.first().history_change_reason == "Ended: Moved out of the city."
    assert members.membership_of(company_x) is None


def test_ending_needs_a_reason_and_a_sensible_date(official, company_x):
    membership = members.membership_admit(organisation=company_x, by=official, joined_on=date(2025, 1, 10))
    with pytest.raises(ValidationError) as excinfo:
        members.membership_end(membership=membership, by=official, reason="  ", left_on=date(2025, 1, 1))
    assert set(excinfo.value.message_dict) == {"reason", "left_on"}
    with pytest.raises(ValidationError) as excinfo:
        members.membership_end(membership=membership, by=official, reason="x",
                               left_on=timezone.localdate() + timedelta(days=1))
    assert "future" in excinfo.value.message_dict["left_on"][0]
    membership.refresh_from_db()
    assert membership.status == "active"


def test_an_ended_membership_cannot_end_again_or_change_tier(official, company_x):
    membership = members.membership_admit(organisation=company_x, by=official, joined_on=date(2024, 1, 1))
    members.membership_end(membership=membership, by=official, reason="Left.")
    with pytest.raises(ValidationError, match="already ended"):
        members.membership_end(membership=membership, by=official, reason="Again.")
    with pytest.raises(ValidationError, match="has ended"):
        members.membership_change_tier(membership=membership, by=official, tier="council")


def test_counts_by_type_and_district(official):
    institute = factories.make_company(organisation_type="institute", uscc=factories.make_uscc(authority="52"))
    factories.make_membership(institute)
    factories.make_membership(factories.make_company())
    factories.make_membership(factories.make_company(), status="ended")
    by_type = {row["label"]: row["count"] for row in members.member_counts_by_organisation_type()}
    assert by_type["Research institute"] == 1 and by_type["Company"] == 1
    by_district = {row["code"]: row["count"] for row in members.member_counts_by_district()}
    assert by_district[factories.LOCAL_DIVISION] == 2


def test_counts_by_category_include_children(official):
    company = factories.make_company(categories=[factories.category("sulfide-electrolyte")])
    factories.make_membership(company)
    factories.make_membership(factories.make_company())
    rows = {row["slug"]: row["count"] for row in members.member_counts_by_category()}
    parent = factories.category("sulfide-electrolyte").parent
    top = parent
    while top.parent is not None:
        top = top.parent
    assert rows[top.slug] == 1


def test_a_letter_authority_code_fits_no_type_on_admission(official):
    association = factories.make_company(
        organisation_type="association", uscc=with_check_digit("N1320583MA1K4T2B0")
    )
    with pytest.raises(ValidationError, match="do not fit"):
        members.membership_admit(organisation=association, by=official)
