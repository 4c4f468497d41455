"""The officials' admin of members and standards: admission through the service, tier and ending actions with
their reason page, verification and rejection of participations, and who may do it."""

from datetime import date

import pytest
from django.utils import timezone

from alliance.models import Membership, Standard, StandardParticipation
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

MEMBERS = "/admin/alliance/membership/"
PARTICIPATIONS = "/admin/alliance/standardparticipation/"


def test_an_official_admits_a_verified_company(official, company_x):
    response = client_for(official).post(f"{MEMBERS}add/", {
        "organisation": company_x.pk, "tier": "council", "joined_on": "2025-03-01",
    })
    assert response.status_code == 302
    membership = Membership.objects.get()
    assert (membership.organisation, membership.tier, membership.admitted_by) == (company_x, "council", official)
    assert membership.history.get().history_user == official


def test_admitting_a_university_with_a_company_code_shows_why(official):
    university = factories.make_company(name="Materials University", organisation_type="university")
    response = client_for(official).post(f"{MEMBERS}add/", {
        "organisation": university.pk, "tier": "member", "joined_on": timezone.localdate().isoformat(),
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert "do not fit the organisation type" in html and "University" in html
    assert not Membership.objects.exists()


def test_unverified_companies_and_members_are_not_offered(official, company_x, company_y):
    pending = factories.make_company(status="pending", name="Pending Newco")
    factories.make_membership(company_y)
    html = client_for(official).get(f"{MEMBERS}add/").content.decode()
    assert "Company X Materials" in html
    assert "Pending Newco" not in html and "Company Y Equipment" not in html
    response = client_for(official).post(f"{MEMBERS}add/", {
        "organisation": pending.pk, "tier": "member", "joined_on": "2025-03-01"})
    assert response.status_code == 200 and Membership.objects.count() == 1


def test_tier_change_action(official, company_x):
    membership = factories.make_membership(company_x)
    response = client_for(official).post(MEMBERS, {"action": "make_council", "_selected_action": [membership.pk]},
                                         follow=True)
    assert "1 membership moved to the tier “Council member”." in response.content.decode()
    membership.refresh_from_db()
    assert membership.tier == "council"
    assert membership.history.first().history_user == official


def test_ending_asks_for_the_reason_then_ends(official, company_x):
    membership = factories.make_membership(company_x, joined_on=date(2024, 1, 1))
    client = client_for(official)
    choice = {"action": "end_memberships", "_selected_action": [membership.pk]}
    page = client.post(MEMBERS, choice)
    assert page.status_code == 200 and "End the memberships" in page.content.decode()
    refused = client.post(MEMBERS, {**choice, "apply": "1", "reason": "  ", "left_on": "2025-01-31"})
    assert "Give the reason for ending the membership." in refused.content.decode()
    done = client.post(MEMBERS, {**choice, "apply": "1", "reason": "Moved away.", "left_on": "2025-01-31"},
                       follow=True)
    assert "1 membership ended." in done.content.decode()
    membership.refresh_from_db()
    assert (membership.status, membership.left_on, membership.end_reason) == ("ended", date(2025, 1, 31), "Moved away.")


def test_memberships_are_never_deleted_or_edited_directly(official, company_x):
    membership = factories.make_membership(company_x)
    client = client_for(official)
    assert client.post(f"{MEMBERS}{membership.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(f"{MEMBERS}{membership.pk}/change/", {"tier": "council", "status": "ended"})
    membership.refresh_from_db()
    assert (membership.tier, membership.status) == ("member", "active")


@pytest.mark.parametrize("who", ["supplier_x", "anchor_user"])
def test_company_users_cannot_reach_the_admin(request, who):
    response = client_for(request.getfixturevalue(who)).get(MEMBERS)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_an_official_verifies_a_participation(official, company_x):
    participation = factories.make_participation(company_x)
    response = client_for(official).post(
        PARTICIPATIONS, {"action": "verify_participations", "_selected_action": [participation.pk]}, follow=True
    )
    assert "1 participation verified." in response.content.decode()
    participation.refresh_from_db()
    assert (participation.status, participation.verified_by) == ("verified", official)


def test_rejecting_a_participation_needs_a_reason(official, company_x):
    participation = factories.make_participation(company_x)
    client = client_for(official)
    choice = {"action": "reject_participations", "_selected_action": [participation.pk]}
    assert "Give the reason for rejecting." in client.post(PARTICIPATIONS, {**choice, "apply": "1", "reason": ""}
                                                           ).content.decode()
    client.post(PARTICIPATIONS, {**choice, "apply": "1", "reason": "The letter is for another company."})
    participation.refresh_from_db()
    assert (participation.status, participation.status_reason) == ("rejected", "The letter is for another company.")


def test_a_decided_participation_reports_the_refusal(official, company_x):
    participation = factories.make_participation(company_x, status="verified")
    response = client_for(official).post(
        PARTICIPATIONS, {"action": "verify_participations", "_selected_action": [participation.pk]}, follow=True
    )
    assert "cannot be verified" in response.content.decode()


def test_officials_cannot_add_participations_but_add_standards(official):
    client = client_for(official)
    assert client.get(f"{PARTICIPATIONS}add/").status_code == 403
    response = client.post("/admin/alliance/standard/add/", {
        "code": "IEC 63115-3", "title": "Sealed nickel cells", "title_zh": "", "body": "IEC", "level": "international",
        "status": "proposed", "proposed_on": "", "published_on": "",
    })
    assert response.status_code == 302
    standard = Standard.objects.get()
    assert standard.history.get().history_user == official


def test_a_level_that_does_not_fit_the_body_is_explained(official):
    response = client_for(official).post("/admin/alliance/standard/add/", {
        "code": "GB/T 1", "title": "A national standard", "title_zh": "", "body": "national", "level": "international",
        "status": "proposed", "proposed_on": "", "published_on": "",
    })
    assert response.status_code == 200
    assert "Only standards of ISO, IEC or ITU are international" in response.content.decode()
    assert not Standard.objects.exists()


def test_the_participation_page_links_the_evidence(official, company_x):
    participation = factories.make_participation(company_x)
    html = client_for(official).get(f"{PARTICIPATIONS}{participation.pk}/change/").content.decode()
    assert f"/alliance/participations/{participation.pk}/evidence/" in html
    assert StandardParticipation.objects.get().status == "pending"
