"""The collaboration workflow's services: the state they leave, the history they write, the moves they refuse."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from alliance.collaborations import (
    ALLOWED_TRANSITIONS,
    collaboration_complete,
    collaboration_confirm,
    collaboration_propose,
    collaboration_terminate,
    milestone_add,
    milestone_complete,
)
from alliance.models import Collaboration, Standard
from registry.models import Company
from tests import factories

pytestmark = pytest.mark.django_db

SUPPLY = {
    "title": "Sulfide electrolyte supply 2025–2027",
    "started_on": date(2025, 1, 1),
    "ends_on": date(2027, 12, 31),
    "committed_value_per_year": Decimal("2000000.00"),
    "committed_quantity": Decimal("12.5"),
    "quantity_unit": "t",
}


def propose_supply(anchor_user, company_x, **overrides):
    return collaboration_propose(by=anchor_user, other_party=company_x, model="supply", data={**SUPPLY, **overrides})


def test_an_anchor_proposes_a_supply_agreement_to_an_sme(anchor_user, anchor_company, company_x):
    collaboration = propose_supply(anchor_user, company_x)
    collaboration.refresh_from_db()
    assert (collaboration.anchor, collaboration.sme) == (anchor_company, company_x)
    assert collaboration.status == "proposed"
    assert collaboration.proposed_by == anchor_user
    assert collaboration.proposed_by_company == anchor_company
    assert collaboration.committed_value_per_year == Decimal("2000000.00")
    record = collaboration.history.get()
    assert (record.history_user, record.history_change_reason, record.status) == (anchor_user, "Proposed", "proposed")


def test_an_sme_proposes_and_the_anchor_becomes_the_anchor_party(supplier_x, anchor_company, company_x):
    collaboration = collaboration_propose(
        by=supplier_x, other_party=anchor_company, model="licensing",
        data={"title": "Licence", "started_on": date(2025, 1, 1), "licensed_patents": "CN114123456B"},
    )
    assert (collaboration.anchor, collaboration.sme, collaboration.proposed_by_company) == (
        anchor_company, company_x, company_x
    )


def test_only_the_chosen_models_fields_are_kept(anchor_user, company_x):
    collaboration = collaboration_propose(
        by=anchor_user, other_party=company_x, model="licensing",
        data={"title": "Licence", "started_on": date(2025, 1, 1), "licensed_patents": "CN1",
              "committed_value_per_year": Decimal("5"), "quantity_unit": "t"},
    )
    collaboration.refresh_from_db()
    assert collaboration.committed_value_per_year is None
    assert collaboration.quantity_unit == ""


def test_two_smes_or_two_anchors_cannot_collaborate(anchor_user, supplier_x, company_y):
    other_anchor = factories.make_company(anchor=True, employees=3000, revenue_cny=Decimal("900000000"))
    with pytest.raises(ValidationError) as error:
        collaboration_propose(by=anchor_user, other_party=other_anchor, model="supply", data=SUPPLY)
    assert "other_party" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        collaboration_propose(by=supplier_x, other_party=company_y, model="supply", data=SUPPLY)
    assert "other_party" in error.value.message_dict
    assert not Collaboration.objects.exists()


def test_a_large_company_that_is_not_an_anchor_is_not_an_sme(anchor_user):
    large = factories.make_company(employees=3000, revenue_cny=Decimal("900000000"))
    assert large.size_class == Company.SizeClass.LARGE_
    with pytest.raises(ValidationError) as error:
        collaboration_propose(by=anchor_user, other_party=large, model="supply", data=SUPPLY)
    assert "other_party" in error.value.message_dict


def test_the_other_party_must_be_verified(anchor_user):
    pending = factories.make_company(status=Company.Status.PENDING)
    with pytest.raises(ValidationError) as error:
        collaboration_propose(by=anchor_user, other_party=pending, model="supply", data=SUPPLY)
    assert "other_party" in error.value.message_dict


def test_a_user_without_a_company_or_of_an_unverified_one_cannot_propose(official, company_x):
    with pytest.raises(PermissionDenied):
        collaboration_propose(by=official, other_party=company_x, model="supply", data=SUPPLY)
    pending_anchor = factories.make_company(anchor=True, status=Company.Status.PENDING, employees=3000,
                                            revenue_cny=Decimal("900000000"))
    with pytest.raises(PermissionDenied):
        collaboration_propose(by=factories.make_user(pending_anchor), other_party=company_x, model="supply",
                              data=SUPPLY)


@pytest.mark.parametrize(("model", "data", "field"), [
    ("supply", {"title": "S", "started_on": date(2025, 1, 1), "committed_value_per_year": Decimal("1")}, "ends_on"),
    ("supply", {"title": "S", "started_on": date(2025, 1, 1), "ends_on": date(2026, 1, 1)},
     "committed_value_per_year"),
    ("supply", {**SUPPLY, "quantity_unit": ""}, "quantity_unit"),
    ("supply", {**SUPPLY, "ends_on": date(2024, 12, 31)}, "ends_on"),
    ("supply", {**SUPPLY, "committed_value_per_year": Decimal("1e20")}, "committed_value_per_year"),
    ("supply", {**SUPPLY, "committed_value_per_year": Decimal("-1")}, "committed_value_per_year"),
    ("supply", {**SUPPLY, "title": "x\x00y"}, "title"),
    ("supply", {**SUPPLY, "title": "x" * 201}, "title"),
    ("licensing", {"title": "L", "started_on": date(2025, 1, 1)}, "licensed_patents"),
    ("standard", {"title": "S", "started_on": date(2025, 1, 1)}, "standard"),
    ("barter", {"title": "S", "started_on": date(2025, 1, 1)}, "model"),
])
def test_refused_proposals_name_the_field(anchor_user, company_x, model, data, field):
    with pytest.raises(ValidationError) as error:
        collaboration_propose(by=anchor_user, other_party=company_x, model=model, data=data)
    assert field in error.value.message_dict
    assert not Collaboration.objects.exists()


def test_a_standard_co_creation_names_its_standard(anchor_user, company_x):
    standard = Standard.objects.create(code="T/CSSB 001-2025", title="Sulfide electrolyte test method",
                                       body="group", level="group")
    collaboration = collaboration_propose(
        by=anchor_user, other_party=company_x, model="standard",
        data={"title": "Test method", "started_on": date(2025, 1, 1), "standard": standard},
    )
    assert collaboration.standard == standard


def test_supply_categories_are_kept(anchor_user, company_x):
    cells = factories.category("solid-state-cells")
    collaboration = collaboration_propose(
        by=anchor_user, other_party=company_x, model="supply", data=SUPPLY, categories=[cells]
    )
    assert list(collaboration.categories.all()) == [cells]


def test_the_other_party_confirms_and_it_becomes_active(anchor_user, supplier_x):
    collaboration = propose_supply(anchor_user, supplier_x.company)
    confirmed = collaboration_confirm(by=supplier_x, collaboration=collaboration)
    confirmed.refresh_from_db()
    assert confirmed.status == "active"
    assert confirmed.confirmed_by == supplier_x
    assert confirmed.confirmed_at is not None
    latest = confirmed.history.latest()
    assert (latest.history_user, latest.history_change_reason, latest.status) == (supplier_x, "Confirmed", "active")


def test_the_proposer_cannot_confirm_nor_can_a_third_company(anchor_user, supplier_x, supplier_y):
    collaboration = propose_supply(anchor_user, supplier_x.company)
    colleague = factories.make_user(anchor_user.company)
    for user in (anchor_user, colleague, supplier_y):
        with pytest.raises(PermissionDenied):
            collaboration_confirm(by=user, collaboration=collaboration)
    collaboration.refresh_from_db()
    assert collaboration.status == "proposed"
    assert collaboration.history.count() == 1


def test_terminating_needs_a_reason_and_ends_it(anchor_user, supplier_x):
    collaboration = factories.make_collaboration(anchor_user.company, supplier_x.company)
    with pytest.raises(ValidationError) as error:
        collaboration_terminate(by=supplier_x, collaboration=collaboration, reason="  ")
    assert "reason" in error.value.message_dict
    ended = collaboration_terminate(by=supplier_x, collaboration=collaboration, reason="Plant closed")
    ended.refresh_from_db()
    assert (ended.status, ended.status_reason) == ("terminated", "Plant closed")
    assert ended.history.latest().history_user == supplier_x


def test_a_proposal_can_be_declined_by_terminating_it(anchor_user, supplier_x):
    collaboration = propose_supply(anchor_user, supplier_x.company)
    collaboration_terminate(by=supplier_x, collaboration=collaboration, reason="Not now")
    collaboration.refresh_from_db()
    assert collaboration.status == "terminated"


def test_completing_an_active_collaboration(anchor_user, supplier_x):
    collaboration = factories.make_collaboration(anchor_user.company, supplier_x.company)
    collaboration_complete(by=anchor_user, collaboration=collaboration, note="All delivered")
    collaboration.refresh_from_db()
    assert (collaboration.status, collaboration.status_reason) == ("completed", "All delivered")


@pytest.mark.parametrize(("start", "service", "kwargs"), [
    ("proposed", collaboration_complete, {}),
    ("completed", collaboration_complete, {}),
    ("completed", collaboration_terminate, {"reason": "r"}),
    ("terminated", collaboration_terminate, {"reason": "r"}),
    ("terminated", collaboration_confirm, {}),
    ("active", collaboration_confirm, {}),
])
def test_moves_the_map_does_not_allow_are_refused(anchor_user, supplier_x, start, service, kwargs):
    collaboration = factories.make_collaboration(
        anchor_user.company, supplier_x.company, status=start, proposed_by=anchor_user.company
    )
    with pytest.raises((ValidationError, PermissionDenied)):
        service(by=supplier_x, collaboration=collaboration, **kwargs)
    collaboration.refresh_from_db()
    assert collaboration.status == start


def test_the_transition_map_ends_in_completed_or_terminated():
    assert ALLOWED_TRANSITIONS["proposed"] == {"active", "terminated"}
    assert ALLOWED_TRANSITIONS["active"] == {"completed", "terminated"}
    assert not ALLOWED_TRANSITIONS["completed"] and not ALLOWED_TRANSITIONS["terminated"]


def test_third_company_cannot_terminate_or_complete(anchor_user, supplier_x, supplier_y):
    collaboration = factories.make_collaboration(anchor_user.company, supplier_x.company)
    with pytest.raises(PermissionDenied):
        collaboration_terminate(by=supplier_y, collaboration=collaboration, reason="mine now")
    with pytest.raises(PermissionDenied):
        collaboration_complete(by=supplier_y, collaboration=collaboration)
    collaboration.refresh_from_db()
    assert collaboration.status == "active"


def test_milestones_are_added_and_done_by_either_party_once_active(anchor_user, supplier_x):
    collaboration = factories.make_collaboration(anchor_user.company, supplier_x.company)
    milestone = milestone_add(by=anchor_user, collaboration=collaboration, title="First batch",
                              due_on=date(2025, 3, 1))
    done = milestone_complete(by=supplier_x, milestone=milestone, done_on=date(2025, 2, 27), outcome="On time")
    done.refresh_from_db()
    assert (done.done_on, done.outcome, done.created_by) == (date(2025, 2, 27), "On time", anchor_user)
    assert done.history.latest().history_user == supplier_x
    with pytest.raises(PermissionDenied):
        milestone_complete(by=supplier_x, milestone=done, done_on=date(2025, 2, 28))


def test_milestones_are_refused_before_confirmation_for_third_parties_and_in_the_future(
    anchor_user, supplier_x, supplier_y
):
    proposed = factories.make_collaboration(anchor_user.company, supplier_x.company, status="proposed")
    with pytest.raises(PermissionDenied):
        milestone_add(by=anchor_user, collaboration=proposed, title="Too early", due_on=date(2025, 3, 1))
    active = factories.make_collaboration(anchor_user.company, supplier_x.company)
    with pytest.raises(PermissionDenied):
        milestone_add(by=supplier_y, collaboration=active, title="Not mine", due_on=date(2025, 3, 1))
    milestone = milestone_add(by=anchor_user, collaboration=active, title="Batch", due_on=date(2025, 3, 1))
    with pytest.raises(ValidationError) as error:
        milestone_complete(by=anchor_user, milestone=milestone,
                           done_on=timezone.localdate() + timedelta(days=1))
    assert "done_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        milestone_add(by=anchor_user, collaboration=active, title="a\x00b", due_on=date(2025, 3, 1))
    assert "title" in error.value.message_dict
