"""Every programme kind through the one workflow, on the database: the R&D matching fund, the energy quota
uplift and the standards reward, their bases, their amount rules, versions and who decides."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from alliance.models import StandardRewardClaim
from procurement import applications as workflow
from procurement.models import EnergyQuotaClaim, MajorProjectClaim, SubsidyApplication, SubsidyProgramme
from tests import factories

Status = SubsidyApplication.Status
Kind = SubsidyProgramme.Kind


# --- builders -------------------------------------------------------------------------------------------------

def rd_programme(code="test-rd", **fields):
    return factories.make_programme(
        code=code, kind=Kind.RD_MATCHING, name=f"Test R&D fund {code}", rate=Decimal("0.15"), eligible_category=None,
        **fields,
    )


def energy_programme(code="test-energy", factor="1.10", **fields):
    return factories.make_programme(
        code=code, kind=Kind.ENERGY_QUOTA, name=f"Test energy quota {code}", rate=None, eligible_category=None,
        quota_factor=Decimal(factor), **fields,
    )


def reward_programme(code="test-reward", lead="1000000.00", participant="500000.00", **fields):
    return factories.make_programme(
        code=code, kind=Kind.STANDARDS_REWARD, name=f"Test standards reward {code}", rate=None,
        eligible_category=None, lead_reward=Decimal(lead), participant_reward=Decimal(participant), **fields,
    )


_numbers = iter(range(100, 10_000))


def project(**fields):
    values = {
        "name": "Sulfide solid-state cell pilot line",
        "national_programme": "National Key R&D Programme, New energy vehicles",
        "project_number": f"2025YFB24{next(_numbers):05d}",
        "started_on": date(2025, 7, 1),
        "ends_on": date(2028, 6, 30),
        "total_investment": Decimal("10000000.00"),
    }
    values.update(fields)
    return values


def quota(**fields):
    values = {
        "base_name": "Wujiang cell base", "base_address": "1 Jiangxing Road, Wujiang", "quota_year": 2026,
        "standard_quota": Decimal("1000.000"), "unit": EnergyQuotaClaim.Unit.KWH,
    }
    values.update(fields)
    return values


def draft_rd(user, programme, **fields):
    return workflow.application_create_draft(by=user, programme=programme, basis={"major_project": project(**fields)})


def draft_energy(user, programme, **fields):
    return workflow.application_create_draft(by=user, programme=programme, basis={"energy_quota": quota(**fields)})


def draft_reward(user, programme, participation):
    return workflow.application_create_draft(by=user, programme=programme, basis={"participation": participation.pk})


def submit(user, application):
    return workflow.application_submit(by=user, application=application)


def approve(official, user, application):
    return workflow.application_approve(by=official, application=submit(user, application))


def messages_of(error) -> dict:
    return error.value.message_dict


def verified(company, *, role="participant", standard=None, **fields):
    return factories.make_participation(company, standard, role=role, status="verified", **fields)


# --- the seed -------------------------------------------------------------------------------------------------

def test_the_migrations_seed_every_kind_with_its_parameters(db):
    seeded = {p.code: p for p in SubsidyProgramme.objects.filter(version=1)}
    assert seeded["local-procurement"].kind == Kind.LOCAL_PROCUREMENT
    assert seeded["local-procurement"].rate == Decimal("0.0500")
    rd = seeded["rd-matching"]
    assert (rd.kind, rd.rate) == (Kind.RD_MATCHING, Decimal("0.1500"))
    reward = seeded["standards-reward"]
    assert reward.kind == Kind.STANDARDS_REWARD
    assert (reward.lead_reward, reward.participant_reward) == (Decimal("1000000.00"), Decimal("500000.00"))
    energy = seeded["energy-quota"]
    assert (energy.kind, energy.quota_factor) == (Kind.ENERGY_QUOTA, Decimal("1.1000"))
    for programme in seeded.values():
        assert (programme.period_start, programme.period_end) == (date(2025, 1, 1), date(2027, 12, 31))
        assert programme.active_from == date(2025, 1, 1) and programme.active_until is None
        programme.full_clean()  # each seeded version has what its kind's amount rule needs
    assert {p.code for p in workflow.open_programmes()} >= set(seeded)


def test_the_seeded_programmes_take_applications(supplier_x, official):
    rd = SubsidyProgramme.objects.get(code="rd-matching", version=1)
    energy = SubsidyProgramme.objects.get(code="energy-quota", version=1)
    reward = SubsidyProgramme.objects.get(code="standards-reward", version=1)
    assert draft_rd(supplier_x, rd, total_investment=Decimal("2000000.00")).amount == Decimal("300000.00")
    assert draft_energy(supplier_x, energy).quota_granted == Decimal("1100")
    lead = verified(supplier_x.company, role="lead")
    assert approve(official, supplier_x, draft_reward(supplier_x, reward, lead)).amount == Decimal("1000000.00")


# --- programme versions ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, missing", [
    (Kind.STANDARDS_REWARD, "lead_reward"),
    (Kind.STANDARDS_REWARD, "participant_reward"),
    (Kind.RD_MATCHING, "rate"),
    (Kind.ENERGY_QUOTA, "quota_factor"),
])
def test_a_programme_version_must_have_its_kinds_parameters(db, kind, missing):
    programme = SubsidyProgramme(
        code="incomplete", version=1, name="Incomplete", kind=kind, rate=Decimal("0.15"),
        lead_reward=Decimal("1000000.00"), participant_reward=Decimal("500000.00"), quota_factor=Decimal("1.10"),
        period_start=date(2025, 1, 1), period_end=date(2027, 12, 31), active_from=date(2025, 1, 1),
    )
    programme.full_clean()  # complete: accepted
    setattr(programme, missing, None)
    with pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert list(messages_of(error)) == [missing]


# --- R&D matching fund ----------------------------------------------------------------------------------------

def test_rd_amount_is_fifteen_percent_of_the_stored_projects_investment(supplier_x):
    programme = rd_programme()
    application = draft_rd(supplier_x, programme, total_investment=Decimal("12345678.91"))
    # 0.15 × 12,345,678.91 = 1,851,851.8365 → 1,851,851.84
    assert application.amount == Decimal("1851851.84")
    assert application.eligible_total == Decimal("12345678.91")
    assert application.quota_granted is None
    stored = MajorProjectClaim.objects.get(application=application)
    assert stored.total_investment == Decimal("12345678.91") and stored.live


@pytest.mark.parametrize("investment, expected", [
    ("0.10", "0.02"),  # 0.015 → half-up
    ("0.03", "0.00"),  # 0.0045 → down
    ("0.01", "0.00"),  # 0.0015 → down
])
def test_rd_amount_rounds_once_half_up_to_the_cent(supplier_x, investment, expected):
    application = draft_rd(supplier_x, rd_programme(), total_investment=Decimal(investment))
    assert application.amount == Decimal(expected)


def test_an_amount_sent_with_the_project_is_ignored(supplier_x):
    programme = rd_programme()
    basis = {"major_project": {**project(total_investment=Decimal("1000.00")), "amount": Decimal("99999999.00")},
             "amount": Decimal("99999999.00")}
    application = workflow.application_create_draft(by=supplier_x, programme=programme, basis=basis)
    application.refresh_from_db()
    assert application.amount == Decimal("150.00")


def test_the_flat_fields_of_the_form_are_a_basis_too(supplier_x):
    application = workflow.application_create_draft(
        by=supplier_x, programme=rd_programme(), basis=project(total_investment=Decimal("200.00"))
    )
    assert application.amount == Decimal("30.00")


@pytest.mark.parametrize("investment, expected", [
    ("6666666.60", "999999.99"),   # 999,999.99: below the cap
    ("6666666.67", "1000000.00"),  # 1,000,000.0005 → 1,000,000.00: at the cap
    ("6666666.74", "1000000.00"),  # 1,000,000.011 → capped
    ("50000000.00", "1000000.00"),
])
def test_rd_amount_is_capped_per_application_by_the_programme(supplier_x, investment, expected):
    programme = rd_programme(cap_per_application=Decimal("1000000.00"))
    assert draft_rd(supplier_x, programme, total_investment=Decimal(investment)).amount == Decimal(expected)


def test_rd_yearly_cap_counts_what_the_applicant_was_granted_that_year(supplier_x, supplier_y, official):
    programme = rd_programme(cap_per_applicant_year=Decimal("1000000.00"))
    first = approve(official, supplier_x, draft_rd(supplier_x, programme, total_investment=Decimal("4000000.00")))
    assert first.amount == Decimal("600000.00")
    second = draft_rd(supplier_x, programme, total_investment=Decimal("4000000.00"))
    assert second.amount == Decimal("400000.00")  # 1,000,000 − 600,000
    second = approve(official, supplier_x, second)
    assert second.amount == Decimal("400000.00")
    third = draft_rd(supplier_x, programme, total_investment=Decimal("4000000.00"))
    assert third.amount == Decimal("0.00")  # nothing left this year, never negative
    # Another company has its own yearly room.
    assert draft_rd(supplier_y, programme, total_investment=Decimal("4000000.00")).amount == Decimal("600000.00")


def test_rd_yearly_cap_holds_across_versions_of_one_programme(supplier_x, official):
    first_version = rd_programme(code="rd-capped", cap_per_applicant_year=Decimal("1000000.00"))
    approve(official, supplier_x, draft_rd(supplier_x, first_version, total_investment=Decimal("6000000.00")))
    second_version = rd_programme(code="rd-capped", version=2, cap_per_applicant_year=Decimal("1200000.00"))
    # Granted 900,000 under v1: v2's cap of 1,200,000 leaves 300,000.
    assert draft_rd(supplier_x, second_version, total_investment=Decimal("6000000.00")).amount == Decimal("300000.00")
    # A programme with another code has its own cap.
    other = rd_programme(code="rd-other", cap_per_applicant_year=Decimal("1000000.00"))
    assert draft_rd(supplier_x, other, total_investment=Decimal("6000000.00")).amount == Decimal("900000.00")


def test_a_submitted_but_not_granted_application_does_not_use_the_yearly_cap(supplier_x):
    programme = rd_programme(cap_per_applicant_year=Decimal("1000000.00"))
    submit(supplier_x, draft_rd(supplier_x, programme, total_investment=Decimal("6000000.00")))
    assert draft_rd(supplier_x, programme, total_investment=Decimal("6000000.00")).amount == Decimal("900000.00")


def test_one_live_application_per_national_project(supplier_x, supplier_y, official):
    programme = rd_programme()
    first = draft_rd(supplier_x, programme, project_number="2025YFB2400100")
    for user in (supplier_x, supplier_y):
        with pytest.raises(ValidationError) as error:
            draft_rd(user, programme, project_number="2025YFB2400100")
        assert "project_number" in messages_of(error)
        assert "once" in " ".join(messages_of(error)["project_number"])
    # The refused drafts left nothing behind.
    assert SubsidyApplication.objects.filter(programme=programme).count() == 1
    # The same number in another national programme is another project.
    other = draft_rd(supplier_y, programme, project_number="2025YFB2400100", national_programme="Another programme")
    assert other.pk != first.pk


def test_after_rejection_the_project_can_be_applied_for_again(supplier_x, official):
    programme = rd_programme()
    first = submit(supplier_x, draft_rd(supplier_x, programme, project_number="2025YFB2400200"))
    with pytest.raises(ValidationError):
        draft_rd(supplier_x, programme, project_number="2025YFB2400200")
    workflow.application_reject(by=official, application=first, reason="Task agreement missing")
    again = draft_rd(supplier_x, programme, project_number="2025YFB2400200")
    assert again.status == Status.DRAFT
    assert MajorProjectClaim.objects.filter(project_number="2025YFB2400200", live=True).get().application == again


def test_a_returned_application_keeps_its_project(supplier_x, official):
    programme = rd_programme()
    application = submit(supplier_x, draft_rd(supplier_x, programme, project_number="2025YFB2400300"))
    workflow.application_return(by=official, application=application, reason="Attach the agreement")
    with pytest.raises(ValidationError):
        draft_rd(supplier_x, programme, project_number="2025YFB2400300")


@pytest.mark.parametrize("started_on, ends_on, accepted", [
    (date(2023, 1, 1), date(2024, 12, 31), False),  # ends the day before the period starts
    (date(2023, 1, 1), date(2025, 1, 1), True),     # ends on its first day
    (date(2027, 12, 31), date(2029, 1, 1), True),   # starts on its last day
    (date(2028, 1, 1), date(2029, 1, 1), False),    # starts the day after it ends
])
def test_the_project_must_run_during_the_programme_period(supplier_x, started_on, ends_on, accepted):
    programme = rd_programme()
    if accepted:
        assert draft_rd(supplier_x, programme, started_on=started_on, ends_on=ends_on).status == Status.DRAFT
        return
    with pytest.raises(ValidationError) as error:
        draft_rd(supplier_x, programme, started_on=started_on, ends_on=ends_on)
    assert "programme period" in " ".join(messages_of(error)["started_on"])
    assert not SubsidyApplication.objects.filter(programme=programme).exists()


def test_a_project_ending_before_it_starts_is_refused(supplier_x):
    programme = rd_programme()
    with pytest.raises(ValidationError) as error:
        draft_rd(supplier_x, programme, started_on=date(2026, 7, 1), ends_on=date(2026, 6, 30))
    assert "end before it starts" in " ".join(messages_of(error)["ends_on"])
    # A one-day project is fine.
    assert draft_rd(supplier_x, programme, started_on=date(2026, 7, 1), ends_on=date(2026, 7, 1)).pk


def test_a_missing_project_field_is_named(supplier_x):
    with pytest.raises(ValidationError) as error:
        draft_rd(supplier_x, rd_programme(), project_number="   ")
    assert list(messages_of(error)) == ["project_number"]


def test_the_project_can_be_changed_while_a_draft_and_the_amount_follows(supplier_x):
    application = draft_rd(supplier_x, rd_programme(), total_investment=Decimal("1000.00"))
    changed = workflow.application_set_basis(
        by=supplier_x, application=application, basis={"major_project": project(total_investment=Decimal("2000.00"))}
    )
    assert changed.amount == Decimal("300.00")
    assert MajorProjectClaim.objects.filter(application=application).count() == 1


# --- energy quota -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("standard, unit, granted, shown", [
    ("1000.000", "kWh", "1100", "1,100 kWh"),
    # Kept to a thousandth of the unit, rounded half-up once: 13.5795 → 13.580, 0.0011 → 0.001.
    ("12.345", "tce", "13.580", "13.58 tce"),
    ("0.001", "tce", "0.001", "0.001 tce"),
    # The largest quota accepted: 15 significant digits, what every supported database keeps exactly.
    ("9999999999.999", "kWh", "10999999999.999", "10,999,999,999.999 kWh"),
    ("123456789.999", "kWh", "135802468.999", "135,802,468.999 kWh"),
])
def test_energy_quota_is_the_standard_times_the_factor_in_its_unit(supplier_x, standard, unit, granted, shown):
    application = draft_energy(supplier_x, energy_programme(), standard_quota=Decimal(standard), unit=unit)
    application.refresh_from_db()
    assert application.quota_granted == Decimal(granted)
    assert application.quota_unit == unit
    assert application.amount is None and application.eligible_total is None
    assert application.award_display == shown
    assert "¥" not in application.award_display


def test_an_approved_energy_quota_stays_a_quota(supplier_x, official):
    application = approve(official, supplier_x, draft_energy(supplier_x, energy_programme()))
    application = workflow.application_mark_paid(
        by=official, application=application, payment_reference="EQ-1", paid_on=timezone.localdate()
    )
    application.refresh_from_db()
    assert application.status == Status.PAID
    assert (application.quota_granted, application.quota_unit, application.amount) == (Decimal("1100"), "kWh", None)


def test_energy_quota_does_not_count_against_a_money_cap(supplier_x, official):
    programme = energy_programme(cap_per_applicant_year=Decimal("1.00"))
    approve(official, supplier_x, draft_energy(supplier_x, programme, base_name="Base A"))
    second = draft_energy(supplier_x, programme, base_name="Base B")
    assert second.quota_granted == Decimal("1100")


def test_a_new_version_with_another_factor_leaves_the_approved_quota_alone(supplier_x, official):
    old = energy_programme(code="eq", factor="1.10")
    approved = approve(official, supplier_x, draft_energy(supplier_x, old, quota_year=2025))
    new = energy_programme(code="eq", version=2, factor="1.25")
    later = draft_energy(supplier_x, new, quota_year=2026)
    assert later.quota_granted == Decimal("1250")
    approve(official, supplier_x, later)
    approved.refresh_from_db()
    assert approved.quota_granted == Decimal("1100") and approved.programme == old


def test_one_live_request_per_base_and_year(supplier_x, official):
    programme = energy_programme()
    first = submit(supplier_x, draft_energy(supplier_x, programme))
    with pytest.raises(ValidationError) as error:
        draft_energy(supplier_x, programme)
    assert "base_name" in messages_of(error)
    assert draft_energy(supplier_x, programme, quota_year=2027).pk  # another year
    workflow.application_reject(by=official, application=first, reason="Approval document missing")
    assert draft_energy(supplier_x, programme).pk


# --- standards reward -----------------------------------------------------------------------------------------

@pytest.fixture
def reward(db):
    return reward_programme()


def test_leading_an_international_standard_earns_the_lead_reward(supplier_x, official, reward):
    lead = verified(supplier_x.company, role="lead", standard=factories.make_standard(body="ISO"))
    application = draft_reward(supplier_x, reward, lead)
    assert application.amount == Decimal("1000000.00") and application.eligible_total is None
    approved = approve(official, supplier_x, application)
    assert approved.amount == Decimal("1000000.00")
    assert StandardRewardClaim.objects.get(application=approved).role == "lead"


@pytest.mark.parametrize("body", ["ISO", "IEC", "ITU"])
def test_each_international_body_counts(supplier_x, reward, body):
    participation = verified(supplier_x.company, standard=factories.make_standard(body=body))
    assert draft_reward(supplier_x, reward, participation).amount == Decimal("500000.00")


@pytest.mark.parametrize("body", ["national", "industry", "group"])
def test_a_standard_that_is_not_international_is_refused(supplier_x, reward, body):
    standard = factories.make_standard(body=body, code=f"GB/T 36276-{body}")
    participation = verified(supplier_x.company, role="lead", standard=standard)
    with pytest.raises(ValidationError) as error:
        draft_reward(supplier_x, reward, participation)
    assert "not an ISO, IEC or ITU standard" in " ".join(messages_of(error)["participation"])
    assert not SubsidyApplication.objects.filter(programme=reward).exists()


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_only_a_verified_participation_counts(supplier_x, reward, status):
    participation = factories.make_participation(supplier_x.company, role="lead", status=status)
    with pytest.raises(ValidationError) as error:
        draft_reward(supplier_x, reward, participation)
    assert "not verified" in " ".join(messages_of(error)["participation"])


def test_another_companys_participation_reads_as_not_found(supplier_x, company_y, reward):
    standard = factories.make_standard(body="IEC", code="IEC 62660-9")
    theirs = verified(company_y, role="lead", standard=standard)
    with pytest.raises(ValidationError) as theirs_error:
        draft_reward(supplier_x, reward, theirs)
    with pytest.raises(ValidationError) as missing_error:
        workflow.application_create_draft(by=supplier_x, programme=reward, basis={"participation": 987654321})
    assert messages_of(theirs_error) == messages_of(missing_error)
    text = " ".join(messages_of(theirs_error)["participation"])
    assert company_y.name not in text and "IEC 62660-9" not in text


def test_a_participation_is_claimed_once_per_company_standard_and_role(supplier_x, reward):
    participation = verified(supplier_x.company, role="lead")
    draft_reward(supplier_x, reward, participation)
    colleague = factories.make_user(supplier_x.company)
    with pytest.raises(ValidationError) as error:
        draft_reward(colleague, reward, participation)
    assert "paid once" in " ".join(messages_of(error)["participation"])
    # Also under another programme version.
    with pytest.raises(ValidationError):
        draft_reward(supplier_x, reward_programme(code="test-reward", version=2), participation)
    assert StandardRewardClaim.objects.filter(participation=participation).count() == 1


def test_after_rejection_the_participation_can_be_claimed_again(supplier_x, official, reward):
    participation = verified(supplier_x.company)
    first = submit(supplier_x, draft_reward(supplier_x, reward, participation))
    workflow.application_reject(by=official, application=first, reason="Evidence unreadable")
    again = draft_reward(supplier_x, reward, participation)
    assert again.amount == Decimal("500000.00")
    assert StandardRewardClaim.objects.get(participation=participation, live=True).application == again


def test_lead_after_an_approved_participant_claim_pays_the_difference(supplier_x, official, reward):
    standard = factories.make_standard(body="IEC")
    part = verified(supplier_x.company, role="participant", standard=standard)
    lead = verified(supplier_x.company, role="lead", standard=standard)
    first = approve(official, supplier_x, draft_reward(supplier_x, reward, part))
    assert first.amount == Decimal("500000.00")
    second = draft_reward(supplier_x, reward, lead)
    assert second.amount == Decimal("500000.00")
    second = approve(official, supplier_x, second)
    assert second.amount == Decimal("500000.00")
    first.refresh_from_db()
    assert first.amount + second.amount == Decimal("1000000.00")


def test_lead_beside_an_ungranted_participant_claim_pays_in_full(supplier_x, official, reward):
    standard = factories.make_standard(body="ISO")
    part = submit(supplier_x, draft_reward(supplier_x, reward, verified(supplier_x.company, standard=standard)))
    lead = draft_reward(supplier_x, reward, verified(supplier_x.company, role="lead", standard=standard))
    assert lead.amount == Decimal("1000000.00")
    assert part.amount == Decimal("500000.00")


def test_a_participant_claim_beside_a_live_lead_claim_is_refused(supplier_x, reward):
    standard = factories.make_standard(body="ISO", code="ISO 12405-9")
    draft_reward(supplier_x, reward, verified(supplier_x.company, role="lead", standard=standard))
    with pytest.raises(ValidationError) as error:
        draft_reward(supplier_x, reward, verified(supplier_x.company, role="participant", standard=standard))
    assert "leading supersedes taking part" in " ".join(messages_of(error)["participation"])


def test_a_participant_claim_is_free_again_once_the_lead_claim_is_rejected(supplier_x, official, reward):
    standard = factories.make_standard(body="ISO")
    lead = submit(supplier_x, draft_reward(supplier_x, reward, verified(supplier_x.company, role="lead",
                                                                        standard=standard)))
    workflow.application_reject(by=official, application=lead, reason="Not the convenor")
    part = draft_reward(supplier_x, reward, verified(supplier_x.company, standard=standard))
    assert part.amount == Decimal("500000.00")


def test_another_companys_lead_does_not_block_a_participant(supplier_x, supplier_y, reward):
    standard = factories.make_standard(body="ISO")
    draft_reward(supplier_y, reward, verified(supplier_y.company, role="lead", standard=standard))
    assert draft_reward(supplier_x, reward, verified(supplier_x.company, standard=standard)).amount == Decimal(
        "500000.00"
    )


def test_approvals_of_one_company_are_computed_in_order(supplier_x, official):
    """Each approval counts what the company was granted before it: the yearly cap and the superseding rule."""
    programme = reward_programme(cap_per_applicant_year=Decimal("1200000.00"))
    first_standard, second_standard = factories.make_standard(body="IEC"), factories.make_standard(body="ISO")
    lead_a = submit(supplier_x, draft_reward(supplier_x, programme, verified(supplier_x.company, role="lead",
                                                                             standard=first_standard)))
    part_b = submit(supplier_x, draft_reward(supplier_x, programme, verified(supplier_x.company,
                                                                             standard=second_standard)))
    # Before any approval each is worth its full reward.
    assert (lead_a.amount, part_b.amount) == (Decimal("1000000.00"), Decimal("500000.00"))
    assert workflow.application_approve(by=official, application=part_b).amount == Decimal("500000.00")
    # 1,200,000 − 500,000 = 700,000 left this year.
    assert workflow.application_approve(by=official, application=lead_a).amount == Decimal("700000.00")
    # Nothing left for the lead of the second standard (1,000,000 − 500,000 = 500,000 before the cap).
    lead_b = draft_reward(supplier_x, programme, verified(supplier_x.company, role="lead", standard=second_standard))
    assert lead_b.amount == Decimal("0.00")


def test_a_participant_claim_is_refused_at_approval_beside_a_later_lead_claim(supplier_x, official, reward):
    standard = factories.make_standard(body="IEC")
    part = submit(supplier_x, draft_reward(supplier_x, reward, verified(supplier_x.company, standard=standard)))
    lead = draft_reward(supplier_x, reward, verified(supplier_x.company, role="lead", standard=standard))
    assert lead.amount == Decimal("1000000.00")  # the participant claim is not granted
    with pytest.raises(ValidationError) as error:
        workflow.application_approve(by=official, application=part)
    assert "leading supersedes taking part" in " ".join(error.value.messages)


def test_a_participant_claim_is_refused_at_approval_once_the_lead_is_approved(supplier_x, official, reward):
    standard = factories.make_standard(body="IEC")
    part = submit(supplier_x, draft_reward(supplier_x, reward, verified(supplier_x.company, standard=standard)))
    lead = submit(supplier_x, draft_reward(supplier_x, reward, verified(supplier_x.company, role="lead",
                                                                        standard=standard)))
    assert workflow.application_approve(by=official, application=lead).amount == Decimal("1000000.00")
    with pytest.raises(ValidationError) as error:
        workflow.application_approve(by=official, application=part)
    assert "leading supersedes taking part" in " ".join(error.value.messages)
    part.refresh_from_db()
    assert part.status == Status.SUBMITTED
    granted = SubsidyApplication.objects.filter(applicant=supplier_x.company, status=Status.APPROVED)
    assert sum(a.amount for a in granted) == Decimal("1000000.00")


def test_the_programme_versions_own_rewards_are_paid(supplier_x, official):
    programme = reward_programme(code="reward-2026", lead="800000.00", participant="300000.00")
    standard = factories.make_standard(body="ITU")
    part = approve(official, supplier_x, draft_reward(supplier_x, programme, verified(supplier_x.company,
                                                                                      standard=standard)))
    assert part.amount == Decimal("300000.00")
    lead = draft_reward(supplier_x, programme, verified(supplier_x.company, role="lead", standard=standard))
    assert lead.amount == Decimal("500000.00")  # 800,000 − 300,000


# --- frozen at approval ---------------------------------------------------------------------------------------

def test_an_approved_amount_does_not_follow_later_changes(supplier_x, official):
    programme = rd_programme()
    approved = approve(official, supplier_x, draft_rd(supplier_x, programme, total_investment=Decimal("1000000.00")))
    assert approved.amount == Decimal("150000.00")
    SubsidyProgramme.objects.filter(pk=programme.pk).update(rate=Decimal("0.5"), cap_per_application=Decimal("1"))
    MajorProjectClaim.objects.filter(application=approved).update(total_investment=Decimal("9000000.00"))
    with pytest.raises(PermissionDenied):
        workflow.application_set_basis(
            by=supplier_x, application=approved, basis={"major_project": project(total_investment=Decimal("5.00"))}
        )
    paid = workflow.application_mark_paid(
        by=official, application=approved, payment_reference="RD-1", paid_on=timezone.localdate()
    )
    paid.refresh_from_db()
    assert (paid.status, paid.amount, paid.eligible_total) == (Status.PAID, Decimal("150000.00"), Decimal("1000000.00"))


def test_an_approved_reward_does_not_follow_a_change_of_the_programme(supplier_x, official, reward):
    approved = approve(official, supplier_x, draft_reward(supplier_x, reward, verified(supplier_x.company)))
    SubsidyProgramme.objects.filter(pk=reward.pk).update(participant_reward=Decimal("1.00"))
    approved.refresh_from_db()
    assert approved.amount == Decimal("500000.00")


def test_the_amount_is_recomputed_on_submit_from_the_programme_then_frozen(supplier_x, official):
    programme = rd_programme()
    application = draft_rd(supplier_x, programme, total_investment=Decimal("1000.00"))
    SubsidyProgramme.objects.filter(pk=programme.pk).update(rate=Decimal("0.2"))
    application = submit(supplier_x, application)
    assert application.amount == Decimal("200.00")


# --- who decides ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda user: draft_rd(user, rd_programme()),
    lambda user: draft_energy(user, energy_programme()),
    lambda user: draft_reward(user, reward_programme(), verified(user.company)),
])
def test_nobody_decides_their_own_companys_application(supplier_x, make):
    application = submit(supplier_x, make(supplier_x))
    insider = factories.make_official()
    insider.company = supplier_x.company
    insider.save()
    assert workflow.can_approve(insider, application)[0] is False
    for decide in (
        lambda: workflow.application_approve(by=insider, application=application),
        lambda: workflow.application_reject(by=insider, application=application, reason="No"),
        lambda: workflow.application_return(by=insider, application=application, reason="Fix"),
    ):
        with pytest.raises(PermissionDenied) as error:
            decide()
        assert "your own company" in str(error.value)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.decided_by is None
    # Any other official may.
    assert workflow.application_approve(by=factories.make_official(), application=application).status == Status.APPROVED


def test_a_company_user_cannot_approve_an_application(supplier_x, supplier_y):
    application = submit(supplier_x, draft_energy(supplier_x, energy_programme()))
    with pytest.raises(PermissionDenied):
        workflow.application_approve(by=supplier_y, application=application)
