"""Races on the standards reward with real concurrent connections (PostgreSQL): one live claim per company,
standard and role, and never more than the lead reward for one standard, however the approvals interleave.

SQLite serialises every writer on one file lock and has no SELECT ... FOR UPDATE, so these tests say nothing
there and are skipped.
"""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Sum

from alliance.models import StandardRewardClaim
from procurement import applications as workflow
from procurement.models import SubsidyApplication, SubsidyProgramme
from tests import factories

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks and serialises writers, so no real race can happen",
    ),
]

Status = SubsidyApplication.Status


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
        except PermissionDenied as error:
            outcomes[index] = ("denied", str(error))
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


@pytest.fixture
def setting(reference_data):
    company = factories.make_company(name="Racing Cell Maker")
    users = [factories.make_user(company) for _ in range(2)]
    programme = SubsidyProgramme.objects.get(code="standards-reward", version=1)
    standard = factories.make_standard(body="IEC", code="IEC 62660-42")
    return company, users, programme, standard


def draft(user, programme, participation):
    return workflow.application_create_draft(by=user, programme=programme, basis={"participation": participation.pk})


def granted_to(company) -> Decimal:
    return SubsidyApplication.objects.filter(
        applicant=company, status__in=(Status.APPROVED, Status.PAID)
    ).aggregate(total=Sum("amount"))["total"] or Decimal("0")


@pytest.mark.parametrize("attempt", range(3))
def test_two_users_claiming_one_participation_at_once_leave_one_claim(setting, attempt):
    company, (first, second), programme, standard = setting
    participation = factories.make_participation(company, standard, role="lead", status="verified")
    outcomes = at_once(
        lambda: draft(first, programme, participation),
        lambda: draft(second, programme, participation),
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"], outcomes
    refusal = next(text for kind, text in outcomes if kind == "refused")
    assert "already claims this reward for IEC 62660-42" in refusal
    assert StandardRewardClaim.objects.filter(company=company, standard=standard, live=True).count() == 1
    # The loser saved nothing: no application without its claim.
    assert SubsidyApplication.objects.filter(applicant=company).count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_approving_a_lead_and_a_participant_claim_at_once_grants_at_most_the_lead_reward(setting, attempt):
    company, (first, second), programme, standard = setting
    participant = factories.make_participation(company, standard, role="participant", status="verified")
    lead = factories.make_participation(company, standard, role="lead", status="verified")
    part_application = workflow.application_submit(by=first, application=draft(first, programme, participant))
    lead_application = workflow.application_submit(by=second, application=draft(second, programme, lead))
    officials = [factories.make_official(), factories.make_official()]
    outcomes = at_once(
        lambda: workflow.application_approve(by=officials[0], application=part_application),
        lambda: workflow.application_approve(by=officials[1], application=lead_application),
    )
    assert not any(kind == "crashed" for kind, _ in outcomes), outcomes
    assert granted_to(company) <= Decimal("1000000.00")
    lead_application.refresh_from_db()
    assert lead_application.status == Status.APPROVED, outcomes
    assert granted_to(company) == Decimal("1000000.00")


@pytest.mark.parametrize("attempt", range(3))
def test_two_approvals_under_a_yearly_cap_at_once_stay_within_it(setting, attempt):
    """The applicant's row lock makes the second approval see the first's amount against the yearly cap."""
    company, (first, second), _programme, _standard = setting
    programme = factories.make_programme(
        code="capped-reward", kind=SubsidyProgramme.Kind.STANDARDS_REWARD, rate=None, eligible_category=None,
        lead_reward=Decimal("1000000.00"), participant_reward=Decimal("500000.00"),
        cap_per_applicant_year=Decimal("1200000.00"),
    )
    leads = [
        factories.make_participation(company, factories.make_standard(body=body), role="lead", status="verified")
        for body in ("ISO", "ITU")
    ]
    applications = [
        workflow.application_submit(by=user, application=draft(user, programme, participation))
        for user, participation in zip((first, second), leads, strict=True)
    ]
    officials = [factories.make_official(), factories.make_official()]
    outcomes = at_once(*[
        (lambda official=official, application=application:
         workflow.application_approve(by=official, application=application))
        for official, application in zip(officials, applications, strict=True)
    ])
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    amounts = sorted(SubsidyApplication.objects.get(pk=a.pk).amount for a in applications)
    assert amounts == [Decimal("200000.00"), Decimal("1000000.00")]
    assert granted_to(company) == Decimal("1200000.00")
