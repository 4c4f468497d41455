"""`manage.py load_demo` also loads the alliance: members in both tiers, standards with participations,
collaborations of every model in every status, and applications of the other programmes in every state."""

from decimal import Decimal

import pytest

from alliance.models import Collaboration, Membership, Standard, StandardParticipation, StandardRewardClaim
from procurement.models import ApplicationEvent, SubsidyApplication
from tests.demo_fixtures import run_load_demo

pytestmark = pytest.mark.usefixtures("demo_private_media")


def test_about_40_members_in_both_tiers_some_ended(demo):
    assert 35 <= Membership.objects.count() <= 45
    tiers = set(Membership.objects.filter(status="active").values_list("tier", flat=True))
    assert tiers == {"council", "member"}
    ended = Membership.objects.filter(status="ended")
    assert ended.exists() and all(m.left_on and m.end_reason for m in ended)
    types = set(Membership.objects.values_list("organisation__organisation_type", flat=True))
    assert "company" in types and len(types) >= 2  # institutions too


def test_real_standards_with_participations_in_every_state(demo):
    assert Standard.objects.count() >= 15
    assert set(Standard.objects.values_list("level", flat=True)) == {"international", "national", "industry", "group"}
    assert Standard.objects.filter(code="IEC 62660-1", body="IEC").exists()
    statuses = set(StandardParticipation.objects.values_list("status", flat=True))
    assert statuses == {"pending", "verified", "rejected"}
    assert all(p.evidence for p in StandardParticipation.objects.all())


def test_collaborations_of_every_model_in_every_status(demo):
    pairs = set(Collaboration.objects.values_list("model", "status"))
    for model in Collaboration.Model.values:
        assert {status for m, status in pairs if m == model} >= {"proposed", "active"}, model
    assert set(Collaboration.objects.values_list("status", flat=True)) == set(Collaboration.Status.values)
    for collaboration in Collaboration.objects.all():
        assert collaboration.anchor.is_anchor and collaboration.sme.size_class != "large"
        if collaboration.model == "supply":
            assert collaboration.committed_value_per_year > 0 and collaboration.ends_on
        if collaboration.status == "terminated":
            assert collaboration.status_reason


def test_applications_of_every_programme_in_every_state(demo):
    for kind in ("rd_matching", "energy_quota", "standards_reward"):
        applications = SubsidyApplication.objects.filter(programme__kind=kind)
        assert set(applications.values_list("status", flat=True)) == {
            "draft", "submitted", "returned", "approved", "rejected", "paid"
        }, kind
    for application in SubsidyApplication.objects.filter(programme__kind="rd_matching"):
        project = application.major_project
        assert application.amount == (project.total_investment * Decimal("0.15")).quantize(Decimal("0.01"))
    for application in SubsidyApplication.objects.filter(programme__kind="energy_quota"):
        claim = application.energy_quota
        assert application.amount is None and application.quota_unit == claim.unit
        assert application.quota_granted == claim.standard_quota * Decimal("1.10")
    for claim in StandardRewardClaim.objects.select_related("application", "standard"):
        assert claim.standard.is_international
        assert claim.application.amount in (Decimal("1000000.00"), Decimal("500000.00"))
    # Each went through the workflow: its events start with the draft.
    for application in SubsidyApplication.objects.filter(programme__kind__in=["rd_matching", "energy_quota"]):
        first = ApplicationEvent.objects.filter(application=application).first()
        assert first.to_status == "draft"


def test_running_twice_adds_nothing(demo):
    counts = (Membership.objects.count(), Collaboration.objects.count(), SubsidyApplication.objects.count())
    second = run_load_demo()
    assert "Alliance demo: 0 members, 0 standards, 0 participations, 0 collaborations and 0 applications" in second
    assert (Membership.objects.count(), Collaboration.objects.count(), SubsidyApplication.objects.count()) == counts


def test_sourcing_requests_in_every_status_with_gaps_and_matches(demo):
    from django.test import Client

    from alliance.models import Offer, SourcingRequest
    from alliance.selectors import sourcing_gaps, suggested_suppliers
    from registry.models import User

    statuses = {r.current_status for r in SourcingRequest.objects.all()}
    assert statuses >= {"open", "shortlisted", "awarded", "withdrawn", "expired"}
    assert set(Offer.objects.values_list("status", flat=True)) >= {"submitted", "shortlisted", "accepted", "declined"}
    accepted = Offer.objects.get(status="accepted")
    assert accepted.collaboration.status == "proposed" and accepted.collaboration.model == "supply"
    anchor = User.objects.get(username="anchor")
    supplier = User.objects.get(username="supplier")
    assert sourcing_gaps(anchor.company)
    open_request = SourcingRequest.objects.filter(anchor=anchor.company, status="open", visibility="public").first()
    assert supplier.company in [m.company for m in suggested_suppliers(open_request)]
    client = Client()
    client.force_login(supplier)
    assert client.get(f"/sourcing-requests/{open_request.pk}/offer/").status_code == 200
    home = client.get("/my/").content.decode()
    assert open_request.title in home
    client.force_login(anchor)
    home = client.get("/my/").content.decode()
    assert "Your largest non-local spend, last twelve months" in home and "/sourcing-requests/new/?category=" in home
