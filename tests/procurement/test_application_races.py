"""Races with real concurrent connections (PostgreSQL): one live claim per purchase, one approval per application.

SQLite serialises every writer on one file lock and has no SELECT ... FOR UPDATE, so these tests say nothing
there and are skipped.
"""

import importlib
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from procurement import applications as workflow
from procurement import local_procurement
from procurement.models import ApplicationClaim, ApplicationEvent, SubsidyApplication
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks and serialises writers, so no real race can happen",
    ),
]


@pytest.fixture
def reference_data(transactional_db):
    """The taxonomy the data migration seeds: an earlier transactional test's flush removed it."""
    from django.apps import apps

    importlib.import_module("registry.migrations.0002_seed_taxonomy_and_districts").seed(apps, None)


@pytest.fixture
def setting(reference_data):
    applicant = factories.make_company(name="Racing Applicant")
    supplier = factories.make_company(name="Local Cell Supplier")
    users = [factories.make_user(applicant) for _ in range(2)]
    programme = factories.make_programme()
    purchase = factories.make_purchase(applicant, supplier, amount=Decimal("1000.00"))
    return users, programme, purchase


def at_once(*calls):
    """Run each call in its own thread and connection, released together by a barrier; return outcomes in order."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = ("ok", call())
        except ValidationError as error:
            outcomes[index] = ("refused", " ".join(error.messages))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below, not swallowed
            outcomes[index] = ("crashed", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (a lock never released?)"
    return outcomes


@pytest.mark.parametrize("attempt", range(3))
def test_two_drafts_claiming_one_purchase_at_once_leave_one_claim(setting, attempt):
    (first, second), programme, purchase = setting
    outcomes = at_once(
        lambda: workflow.application_create_draft(by=first, programme=programme, basis={"purchases": [purchase.pk]}),
        lambda: workflow.application_create_draft(by=second, programme=programme, basis={"purchases": [purchase.pk]}),
    )
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["ok", "refused"], outcomes
    refusal = next(text for kind, text in outcomes if kind == "refused")
    assert f"Purchase {purchase.pk} is already claimed by another application" in refusal
    assert ApplicationClaim.objects.filter(purchase=purchase, live=True).count() == 1
    # The loser saved nothing: no application without its claim.
    assert SubsidyApplication.objects.count() == 1


def test_the_unique_index_decides_when_both_eligibility_checks_pass(setting, monkeypatch):
    (first, second), programme, purchase = setting
    gate = threading.Barrier(2)
    real_claim = local_procurement._claim

    def claim_once_both_have_checked(application, purchase_ids):
        # Both threads have seen the purchase unclaimed: only the database can now tell them apart.
        gate.wait(timeout=10)
        return real_claim(application, purchase_ids)

    monkeypatch.setattr(local_procurement, "_claim", claim_once_both_have_checked)
    # Claiming locks the purchase rows, so the second draft normally waits and then sees the first claim; take the
    # lock away to reach the case the index exists for: both checks passed before either claim was written.
    monkeypatch.setattr(local_procurement, "_lock_purchases", lambda purchases: None)
    outcomes = at_once(
        lambda: workflow.application_create_draft(by=first, programme=programme, basis={"purchases": [purchase.pk]}),
        lambda: workflow.application_create_draft(by=second, programme=programme, basis={"purchases": [purchase.pk]}),
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"], outcomes
    assert "already claimed by another application" in next(text for kind, text in outcomes if kind == "refused")
    assert ApplicationClaim.objects.filter(purchase=purchase, live=True).count() == 1
    assert SubsidyApplication.objects.count() == 1


@pytest.mark.parametrize("locked", [True, False])
def test_two_drafts_claiming_overlapping_sets_at_once_leave_each_purchase_one_claim(setting, monkeypatch, locked):
    # Claims are written set-wise: with or without the row locks, the overlap goes to one application only and
    # the other saves nothing at all.
    (first, second), programme, purchase = setting
    supplier = purchase.supplier
    more = [factories.make_purchase(purchase.buyer, supplier, amount=Decimal("10.00")) for _ in range(40)]
    mine = [purchase.pk, *[p.pk for p in more[:25]]]
    theirs = [p.pk for p in more[15:]]
    if not locked:
        monkeypatch.setattr(local_procurement, "_lock_purchases", lambda purchases: None)
    outcomes = at_once(
        lambda: workflow.application_create_draft(by=first, programme=programme, basis={"purchases": mine}),
        lambda: workflow.application_create_draft(by=second, programme=programme, basis={"purchases": theirs}),
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"], outcomes
    assert "already claimed by another application" in next(text for kind, text in outcomes if kind == "refused")
    winner = next(result for kind, result in outcomes if kind == "ok")
    assert SubsidyApplication.objects.count() == 1
    expected = mine if set(winner.claims.values_list("purchase_id", flat=True)) == set(mine) else theirs
    assert sorted(ApplicationClaim.objects.filter(live=True).values_list("purchase_id", flat=True)) == sorted(expected)


def test_two_submissions_of_one_application_submit_once(setting):
    (first, second), programme, purchase = setting
    application = workflow.application_create_draft(by=first, programme=programme, basis={"purchases": [purchase.pk]})
    outcomes = at_once(
        lambda: workflow.application_submit(by=first, application=application),
        lambda: workflow.application_submit(by=second, application=application),
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"], outcomes
    assert "already submitted" in next(text for kind, text in outcomes if kind == "refused")
    assert ApplicationEvent.objects.filter(application=application, to_status="submitted").count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_two_officials_approving_at_once_approve_once(setting, attempt):
    (first, _second), programme, purchase = setting
    application = workflow.application_submit(
        by=first,
        application=workflow.application_create_draft(
            by=first, programme=programme, basis={"purchases": [purchase.pk]}
        ),
    )
    officials = [factories.make_official(), factories.make_official()]
    outcomes = at_once(*[
        (lambda official=official: workflow.application_approve(by=official, application=application))
        for official in officials
    ])
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"], outcomes
    assert "already approved" in next(text for kind, text in outcomes if kind == "refused")
    application.refresh_from_db()
    assert application.status == SubsidyApplication.Status.APPROVED
    assert application.amount == Decimal("50.00")
    assert ApplicationEvent.objects.filter(application=application, to_status="approved").count() == 1
    assert application.history.filter(status="approved").count() == 1
