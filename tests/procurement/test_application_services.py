"""The subsidy workflow services: eligibility, amounts, the transitions and who may make them."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from procurement import applications as workflow
from procurement import local_procurement
from procurement.models import ApplicationClaim, ApplicationEvent, Purchase, SubsidyApplication, SubsidyProgramme
from registry.models import Company
from tests import factories

Status = SubsidyApplication.Status


@pytest.fixture
def programme(db):
    return factories.make_programme()


@pytest.fixture
def local_supplier(company_y):
    return company_y


def buy(applicant, supplier, amount="1000.00", **fields):
    return factories.make_purchase(applicant, supplier, amount=Decimal(amount), **fields)


def draft(user, programme, purchases):
    return workflow.application_create_draft(
        by=user, programme=programme, basis={"purchases": [p.pk for p in purchases]}
    )


def submitted(user, programme, purchases):
    return workflow.application_submit(by=user, application=draft(user, programme, purchases))


# --- the seed -----------------------------------------------------------------------------------------------

def test_the_local_procurement_subsidy_is_seeded_at_five_percent(db):
    seeded = SubsidyProgramme.objects.get(code="local-procurement", version=1)
    assert seeded.rate == Decimal("0.0500")
    assert seeded.kind == SubsidyProgramme.Kind.LOCAL_PROCUREMENT
    assert (seeded.period_start, seeded.period_end) == (date(2025, 1, 1), date(2027, 12, 31))
    assert seeded.eligible_category.slug == "cells-and-packs"
    assert seeded.cap_per_applicant_year is None


def test_officials_group_has_the_approve_permission(official):
    assert official.has_perm("procurement.approve_subsidyapplication")
    assert official.has_perm("procurement.add_subsidyprogramme")
    assert not official.has_perm("procurement.delete_subsidyapplication")


# --- who may apply ------------------------------------------------------------------------------------------

def test_a_verified_local_company_may_apply(supplier_x, programme):
    assert workflow.can_apply(supplier_x, programme) == (True, "")


def test_an_unverified_or_outside_company_may_not_apply(programme):
    pending = factories.make_user(factories.make_company(status=Company.Status.PENDING))
    outside = factories.make_user(factories.make_company(local=False))
    assert workflow.can_apply(pending, programme)[0] is False
    allowed, reason = workflow.can_apply(outside, programme)
    assert allowed is False and "local" in reason


def test_a_closed_programme_refuses_applications(supplier_x, company_y):
    closed = factories.make_programme(active_until=timezone.localdate() - timedelta(days=1))
    allowed, reason = workflow.can_apply(supplier_x, closed)
    assert allowed is False and "not open" in reason
    with pytest.raises(PermissionDenied):
        draft(supplier_x, closed, [buy(supplier_x.company, company_y)])


# --- eligibility --------------------------------------------------------------------------------------------

def test_each_ineligible_purchase_says_why(supplier_x, company_y, programme):
    applicant = supplier_x.company
    ok = buy(applicant, company_y)
    outside = buy(applicant, None)
    unverified = buy(applicant, factories.make_company(status=Company.Status.PENDING))
    not_local = buy(applicant, factories.make_company(local=False))
    wrong_category = buy(applicant, company_y, category=factories.category("sulfide-electrolyte"))
    too_early = buy(applicant, company_y, purchased_on=date(2024, 12, 31))
    claimed = buy(applicant, company_y)
    draft(supplier_x, programme, [claimed])

    result = local_procurement.purchase_eligibility(applicant, programme)
    reasons = {purchase.pk: why for purchase, why in result.ineligible}
    assert [p.pk for p in result.eligible] == [ok.pk]
    assert "not verified" in reasons[outside.pk]
    assert "not verified" in reasons[unverified.pk]
    assert "not local" in reasons[not_local.pk]
    assert "category" in reasons[wrong_category.pk]
    assert "outside the programme period" in reasons[too_early.pk]
    assert "already claimed" in reasons[claimed.pk]


def test_a_purchase_in_a_subcategory_is_eligible(supplier_x, company_y, programme):
    purchase = buy(supplier_x.company, company_y, category=factories.category("solid-state-cells"))
    assert local_procurement.eligible_purchases(supplier_x.company, programme) == [purchase]


def test_another_buyers_purchase_cannot_be_claimed(supplier_x, company_y, anchor_company, programme):
    theirs = buy(anchor_company, company_y)
    with pytest.raises(ValidationError) as error:
        draft(supplier_x, programme, [theirs])
    assert error.value.messages == [f"There is no purchase {theirs.pk} of your company."]
    assert not ApplicationClaim.objects.exists()


def test_a_claimed_purchase_cannot_be_claimed_again(supplier_x, company_y, programme):
    purchase = buy(supplier_x.company, company_y)
    draft(supplier_x, programme, [purchase])
    with pytest.raises(ValidationError) as error:
        draft(supplier_x, programme, [purchase])
    assert f"Purchase {purchase.pk} is already claimed by another application" in error.value.messages[0]
    assert SubsidyApplication.objects.count() == 1  # nothing half-saved


def test_the_database_refuses_a_second_live_claim(supplier_x, company_y, programme):
    purchase = buy(supplier_x.company, company_y)
    first = draft(supplier_x, programme, [purchase])
    second = SubsidyApplication.objects.create(applicant=supplier_x.company, programme=programme)
    with pytest.raises(ValidationError, match="already claimed"):
        # Past the eligibility check, straight at the unique index.
        local_procurement._claim(second, [purchase.pk])
    assert ApplicationClaim.objects.filter(purchase=purchase, live=True).get().application == first


def test_claims_are_all_or_nothing_when_one_purchase_is_taken(supplier_x, company_y, programme):
    # The claims are written set-wise: one purchase already live elsewhere refuses the lot, naming only it.
    purchases = [buy(supplier_x.company, company_y) for _ in range(5)]
    first = draft(supplier_x, programme, [purchases[2]])
    second = SubsidyApplication.objects.create(applicant=supplier_x.company, programme=programme)
    with pytest.raises(ValidationError) as error:
        local_procurement._claim(second, [p.pk for p in purchases])
    assert error.value.messages == [f"Purchase {purchases[2].pk} is already claimed by another application."]
    assert not second.claims.exists()
    assert ApplicationClaim.objects.filter(live=True).get().application == first


def test_claims_take_the_stored_amounts_and_recount_after_a_correction(supplier_x, company_y, programme, official):
    purchases = [buy(supplier_x.company, company_y, amount=Decimal(f"{n}00.00")) for n in (1, 2, 3)]
    application = draft(supplier_x, programme, purchases)
    assert sorted(application.claims.values_list("amount", flat=True)) == [
        Decimal("100.00"), Decimal("200.00"), Decimal("300.00")]
    assert application.amount == Decimal("30.00")
    # A draft's purchase corrected by its buyer counts as corrected at submission (one UPDATE of the claims).
    Purchase.objects.filter(pk=purchases[0].pk).update(amount=Decimal("500.00"))
    application = workflow.application_submit(by=supplier_x, application=application)
    assert application.eligible_total == Decimal("1000.00")
    assert application.amount == Decimal("50.00")
    assert application.claims.get(purchase=purchases[0]).amount == Decimal("500.00")
    assert application.claims.get(purchase=purchases[1]).amount == Decimal("200.00")


def test_a_large_application_is_claimed_in_a_bounded_number_of_queries(
    supplier_x, company_y, programme, official, django_assert_max_num_queries
):
    # The same statements for 12 purchases as for 10,000: no query per purchase anywhere in the workflow.
    purchases = [buy(supplier_x.company, company_y) for _ in range(12)]
    ids = [p.pk for p in purchases]
    with django_assert_max_num_queries(40):
        application = workflow.application_create_draft(by=supplier_x, programme=programme,
                                                        basis={"purchases": ids})
    with django_assert_max_num_queries(40):
        application = workflow.application_submit(by=supplier_x, application=application)
    with django_assert_max_num_queries(40):
        application = workflow.application_approve(by=official, application=application)
    assert application.claims.filter(live=True).count() == 12


# --- amounts ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("amounts", "expected"), [
    (["0.10"], Decimal("0.01")),  # 0.005 rounds half up
    (["0.30"], Decimal("0.02")),  # 0.015 rounds half up, never to the float 0.01
    (["0.09"], Decimal("0.00")),  # 0.0045
    (["0.01"] * 30, Decimal("0.02")),  # 30 × 0.0005 = 0.015: rounded once, not thirty times to zero
    (["33.33", "33.33", "33.34"], Decimal("5.00")),
])
def test_amounts_at_rounding_edges(supplier_x, company_y, programme, amounts, expected):
    purchases = [buy(supplier_x.company, company_y, amount) for amount in amounts]
    application = submitted(supplier_x, programme, purchases)
    assert application.amount == expected
    assert application.eligible_total == sum(Decimal(a) for a in amounts)


def test_the_cap_holds_across_applications_in_a_year(supplier_x, company_y, official):
    capped = factories.make_programme(code="capped", cap_per_applicant_year=Decimal("80.00"))
    first = submitted(supplier_x, capped, [buy(supplier_x.company, company_y, "1000.00")])
    assert first.amount == Decimal("50.00")
    workflow.application_approve(by=official, application=first)
    second = submitted(supplier_x, capped, [buy(supplier_x.company, company_y, "1000.00")])
    assert second.amount == Decimal("30.00")  # 80 − 50 already granted


def test_an_application_keeps_its_programme_version(supplier_x, company_y, programme, official):
    application = submitted(supplier_x, programme, [buy(supplier_x.company, company_y, "1000.00")])
    factories.make_programme(version=2, rate=Decimal("0.08"))
    approved = workflow.application_approve(by=official, application=application)
    assert approved.programme == programme
    assert approved.amount == Decimal("50.00")


def test_the_amount_is_recomputed_on_submit_and_frozen_at_approval(supplier_x, company_y, programme, official):
    purchase = buy(supplier_x.company, company_y, "1000.00")
    application = draft(supplier_x, programme, [purchase])
    # A correction while still a draft counts at submission.
    type(purchase).objects.filter(pk=purchase.pk).update(amount=Decimal("2000.00"))
    application = workflow.application_submit(by=supplier_x, application=application)
    assert application.amount == Decimal("100.00")
    approved = workflow.application_approve(by=official, application=application)
    programme.rate = Decimal("0.10")
    programme.save()
    paid = workflow.application_mark_paid(
        by=official, application=approved, payment_reference="TR-1", paid_on=timezone.localdate()
    )
    assert paid.amount == Decimal("100.00")
    paid.refresh_from_db()
    assert paid.amount == Decimal("100.00")


# --- transitions --------------------------------------------------------------------------------------------

def test_the_full_path_records_events_and_history(supplier_x, company_y, programme, official):
    application = draft(supplier_x, programme, [buy(supplier_x.company, company_y)])
    application = workflow.application_submit(by=supplier_x, application=application)
    application = workflow.application_return(by=official, application=application, reason="Add the invoices")
    assert application.status == Status.RETURNED and application.status_reason == "Add the invoices"
    application = workflow.application_submit(by=supplier_x, application=application)
    application = workflow.application_approve(by=official, application=application)
    application = workflow.application_mark_paid(
        by=official, application=application, payment_reference="TR-2026-001", paid_on=timezone.localdate()
    )
    assert application.status == Status.PAID and application.payment_reference == "TR-2026-001"
    moves = list(ApplicationEvent.objects.filter(application=application).values_list("from_status", "to_status", "by"))
    assert moves == [
        ("", "draft", supplier_x.pk), ("draft", "submitted", supplier_x.pk), ("submitted", "returned", official.pk),
        ("returned", "submitted", supplier_x.pk), ("submitted", "approved", official.pk),
        ("approved", "paid", official.pk),
    ]
    latest = application.history.first()
    assert latest.history_user == official and "paid" in latest.history_change_reason
    assert application.decided_by == official


@pytest.mark.parametrize(("start", "move"), [
    ("draft", "approve"), ("draft", "reject"), ("draft", "return"), ("draft", "paid"),
    ("submitted", "submit"), ("submitted", "paid"),
    ("returned", "approve"), ("returned", "paid"),
    ("approved", "submit"), ("approved", "reject"), ("approved", "return"), ("approved", "approve"),
    ("rejected", "submit"), ("rejected", "approve"), ("rejected", "paid"),
    ("paid", "approve"), ("paid", "reject"), ("paid", "paid"),
])
def test_each_illegal_transition_is_refused(supplier_x, company_y, programme, official, start, move):
    application = draft(supplier_x, programme, [buy(supplier_x.company, company_y)])
    path = {
        "draft": [], "submitted": ["submit"], "returned": ["submit", "return"], "approved": ["submit", "approve"],
        "rejected": ["submit", "reject"], "paid": ["submit", "approve", "paid"],
    }[start]

    def do(name):
        today = timezone.localdate()
        return {
            "submit": lambda a: workflow.application_submit(by=supplier_x, application=a),
            "approve": lambda a: workflow.application_approve(by=official, application=a),
            "reject": lambda a: workflow.application_reject(by=official, application=a, reason="No"),
            "return": lambda a: workflow.application_return(by=official, application=a, reason="Fix"),
            "paid": lambda a: workflow.application_mark_paid(by=official, application=a, payment_reference="R",
                                                             paid_on=today),
        }[name]

    for step in path:
        application = do(step)(application)
    assert application.status == start
    events = application.events.count()
    with pytest.raises(ValidationError):
        do(move)(application)
    application.refresh_from_db()
    assert application.status == start
    assert application.events.count() == events


def test_every_move_is_in_the_one_map():
    assert workflow.ALLOWED_TRANSITIONS == {
        "draft": {"submitted"}, "submitted": {"approved", "rejected", "returned"}, "returned": {"submitted"},
        "approved": {"paid"}, "rejected": set(), "paid": set(),
    }


def test_rejecting_and_returning_need_a_reason(supplier_x, company_y, programme, official):
    application = submitted(supplier_x, programme, [buy(supplier_x.company, company_y)])
    for service in (workflow.application_reject, workflow.application_return):
        with pytest.raises(ValidationError) as error:
            service(by=official, application=application, reason="   ")
        assert "reason" in error.value.message_dict
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_marking_paid_needs_a_reference_and_a_date(supplier_x, company_y, programme, official):
    application = workflow.application_approve(
        by=official, application=submitted(supplier_x, programme, [buy(supplier_x.company, company_y)])
    )
    with pytest.raises(ValidationError) as error:
        workflow.application_mark_paid(by=official, application=application, payment_reference="", paid_on=None)
    assert set(error.value.message_dict) == {"payment_reference", "paid_on"}


def test_rejection_frees_the_purchases(supplier_x, company_y, programme, official):
    purchase = buy(supplier_x.company, company_y)
    rejected = workflow.application_reject(
        by=official, application=submitted(supplier_x, programme, [purchase]), reason="Duplicate invoice"
    )
    assert not rejected.claims.filter(live=True).exists()
    again = draft(supplier_x, programme, [purchase])
    assert again.claims.get(live=True).purchase == purchase


def test_taking_a_purchase_out_of_a_draft_frees_it(supplier_x, company_y, programme):
    keep, drop = buy(supplier_x.company, company_y), buy(supplier_x.company, company_y)
    application = draft(supplier_x, programme, [keep, drop])
    application = workflow.application_set_purchases(by=supplier_x, application=application, purchase_ids=[keep.pk])
    assert list(application.claims.filter(live=True).values_list("purchase", flat=True)) == [keep.pk]
    assert application.amount == Decimal("50.00")
    assert draft(supplier_x, programme, [drop]).claims.get().purchase == drop


def test_purchases_of_a_submitted_application_cannot_be_changed(supplier_x, company_y, programme):
    application = submitted(supplier_x, programme, [buy(supplier_x.company, company_y)])
    with pytest.raises(PermissionDenied):
        workflow.application_set_purchases(by=supplier_x, application=application, purchase_ids=[])


def test_only_the_applicants_users_submit(supplier_x, supplier_y, company_y, programme):
    application = draft(supplier_x, programme, [buy(supplier_x.company, company_y)])
    with pytest.raises(PermissionDenied):
        workflow.application_submit(by=supplier_y, application=application)


# --- who may decide -----------------------------------------------------------------------------------------

def test_a_non_official_cannot_approve(supplier_x, supplier_y, company_y, programme):
    application = submitted(supplier_x, programme, [buy(supplier_x.company, company_y)])
    for user in (supplier_x, supplier_y):
        with pytest.raises(PermissionDenied):
            workflow.application_approve(by=user, application=application)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_an_official_without_the_approve_permission_cannot_approve(supplier_x, company_y, programme):
    from django.contrib.auth.models import Group

    viewer = factories.make_user(None, is_staff=True)
    viewer.groups.add(Group.objects.get(name="officials"))
    viewer.groups.get().permissions.remove(
        *viewer.groups.get().permissions.filter(codename="approve_subsidyapplication")
    )
    viewer = type(viewer).objects.get(pk=viewer.pk)
    application = submitted(supplier_x, programme, [buy(supplier_x.company, company_y)])
    assert workflow.can_approve(viewer, application)[0] is False


def test_an_official_of_the_applicant_company_cannot_approve(supplier_x, company_y, programme):
    insider = factories.make_official()
    insider.company = supplier_x.company
    insider.save()
    application = submitted(supplier_x, programme, [buy(supplier_x.company, company_y)])
    allowed, reason = workflow.can_approve(insider, application)
    assert allowed is False and "your own company" in reason
    with pytest.raises(PermissionDenied):
        workflow.application_approve(by=insider, application=application)
    with pytest.raises(PermissionDenied):
        workflow.application_reject(by=insider, application=application, reason="No")


def test_approval_rechecks_eligibility(supplier_x, company_y, programme, official):
    purchase = buy(supplier_x.company, company_y)
    application = submitted(supplier_x, programme, [purchase])
    # Simulate a programme whose period was wrongly entered; the re-check catches what no longer fits.
    SubsidyProgramme.objects.filter(pk=programme.pk).update(period_start=date(2026, 1, 1))
    with pytest.raises(ValidationError, match="no longer eligible"):
        workflow.application_approve(by=official, application=application)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_approving_twice_says_already_approved(supplier_x, company_y, programme, official):
    application = submitted(supplier_x, programme, [buy(supplier_x.company, company_y)])
    workflow.application_approve(by=official, application=application)
    with pytest.raises(ValidationError, match="already approved"):
        workflow.application_approve(by=factories.make_official(), application=application)
    assert application.events.filter(to_status=Status.APPROVED).count() == 1


def test_documents_are_checked(supplier_x, company_y, programme):
    application = draft(supplier_x, programme, [buy(supplier_x.company, company_y)])
    with pytest.raises(ValidationError) as error:
        workflow.application_document_add(
            by=supplier_x, application=application, title="Invoices",
            upload=factories.document_upload("pdf", content=b"MZ not a pdf", name="x.pdf"),
        )
    assert "document" in error.value.message_dict
    document = workflow.application_document_add(
        by=supplier_x, application=application, title="Invoices", upload=factories.document_upload("pdf")
    )
    assert document.document.storage.exists(document.document.name)


def test_a_long_return_reason_is_kept_whole_and_cut_only_in_the_history_line(supplier_x, local_supplier, programme,
                                                                            official):
    # Officials write long reasons; simple-history's reason column holds 100 characters (PostgreSQL enforces it).
    reason = "Please attach the signed delivery notes for every invoice, and the contract with the supplier. " * 3
    application = submitted(supplier_x, programme, [buy(supplier_x.company, local_supplier)])
    application = workflow.application_return(by=official, application=application, reason=reason)
    application.refresh_from_db()
    assert application.status_reason == reason.strip()
    assert application.events.last().reason == reason.strip()
    assert len(application.history.first().history_change_reason) <= 100
