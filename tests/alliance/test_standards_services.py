"""Standard participation services: recording with evidence, officials verifying or rejecting, and the reads."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alliance import standards
from alliance.models import Standard, StandardParticipation
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def iec():
    return factories.make_standard(code="IEC 62660-9", body="IEC")


def record(user, standard, role="lead", evidence=None, **kwargs):
    return standards.participation_record(
        by=user, company=user.company, standard=standard, role=role,
        evidence=evidence if evidence is not None else factories.document_upload("pdf"), **kwargs
    )


def test_recording_leaves_a_pending_participation_with_private_evidence(supplier_x, iec, private_media):
    participation = record(supplier_x, iec, note="Working group 3 convenor.")
    participation.refresh_from_db()
    assert (participation.status, participation.role, participation.created_by) == ("pending", "lead", supplier_x)
    assert participation.evidence.name.startswith("standardparticipation/")
    assert (private_media / participation.evidence.name).read_bytes().startswith(b"%PDF-")
    record_ = participation.history.get()
    assert (record_.history_user, record_.history_change_reason) == (supplier_x, "Recorded")


@pytest.mark.parametrize("kind,name", [("pdf", "evidence.exe"), (None, "evidence.pdf")])
def test_evidence_that_is_not_a_document_is_refused(supplier_x, iec, kind, name):
    upload = (factories.document_upload("pdf", name=name) if kind
              else factories.document_upload(name=name, content=b"MZ\x90\x00 not a pdf"))
    with pytest.raises(ValidationError) as excinfo:
        record(supplier_x, iec, evidence=upload)
    assert "evidence" in excinfo.value.message_dict
    assert not StandardParticipation.objects.exists()


def test_the_same_role_twice_is_refused(supplier_x, iec):
    record(supplier_x, iec)
    with pytest.raises(ValidationError) as excinfo:
        record(supplier_x, iec)
    assert "already recorded" in excinfo.value.message_dict["standard"][0]
    # Taking part as well as leading is another record.
    assert record(supplier_x, iec, role="participant").role == "participant"


def test_a_user_cannot_record_for_another_company(supplier_y, company_x, iec):
    with pytest.raises(PermissionDenied):
        standards.participation_record(by=supplier_y, company=company_x, standard=iec, role="lead",
                                       evidence=factories.document_upload())


def test_an_official_verifies_with_history(official, supplier_x, iec):
    participation = record(supplier_x, iec)
    standards.participation_verify(participation=participation, by=official)
    participation.refresh_from_db()
    assert (participation.status, participation.verified_by) == ("verified", official)
    assert participation.verified_at is not None
    latest = participation.history.first()
    assert (latest.history_user, latest.history_change_reason) == (official, "Verified")


def test_verifying_twice_is_refused(official, supplier_x, iec):
    participation = record(supplier_x, iec)
    standards.participation_verify(participation=participation, by=official)
    with pytest.raises(ValidationError, match="cannot be verified"):
        standards.participation_verify(participation=participation, by=official)


def test_rejecting_needs_a_reason_and_keeps_it(official, supplier_x, iec):
    participation = record(supplier_x, iec)
    with pytest.raises(ValidationError):
        standards.participation_reject(participation=participation, by=official, reason="   ")
    standards.participation_reject(participation=participation, by=official, reason="The letter names another firm.")
    participation.refresh_from_db()
    assert (participation.status, participation.status_reason) == ("rejected", "The letter names another firm.")
    assert participation.history.first().history_change_reason == "Rejected: The letter names another firm."


def test_a_rejected_participation_recorded_again_goes_back_to_pending(
    official, supplier_x, iec, private_media, django_capture_on_commit_callbacks
):
    participation = record(supplier_x, iec)
    old_file = participation.evidence.name
    standards.participation_reject(participation=participation, by=official, reason="Unreadable scan.")
    with django_capture_on_commit_callbacks(execute=True):
        again = record(supplier_x, iec, evidence=factories.document_upload("png"))
    assert again.pk == participation.pk
    again.refresh_from_db()
    assert (again.status, again.status_reason) == ("pending", "")
    assert again.evidence.name.endswith(".png")
    assert again.history.first().history_change_reason == "Recorded again"
    assert not (private_media / old_file).exists()


@pytest.mark.parametrize("who", ["supplier_x", "supplier_y", "anchor_user"])
def test_only_officials_decide(request, who, supplier_x, iec):
    participation = record(supplier_x, iec)
    with pytest.raises(PermissionDenied):
        standards.participation_verify(participation=participation, by=request.getfixturevalue(who))
    participation.refresh_from_db()
    assert participation.status == "pending"


def test_an_official_of_the_company_cannot_decide_its_own(supplier_x, iec):
    participation = record(supplier_x, iec)
    official = factories.make_official()
    official.company = supplier_x.company
    official.save()
    with pytest.raises(PermissionDenied, match="own company"):
        standards.participation_verify(participation=participation, by=official)


def test_counts_take_verified_participations_only(iec, company_x, company_y, anchor_company):
    factories.make_participation(company_x, iec, role="lead", status="verified")
    factories.make_participation(company_y, iec, role="participant", status="verified")
    factories.make_participation(anchor_company, iec, role="participant", status="pending")
    factories.make_participation(anchor_company, iec, role="lead", status="rejected")
    counted = standards.standards_with_counts().get(pk=iec.pk)
    assert (counted.lead_count, counted.participant_count) == (1, 1)


def test_reward_eligible_participations_are_verified_and_international(company_x, iec):
    national = factories.make_standard(code="GB/T 36276-2025", body="national")
    iso = factories.make_standard(code="ISO 12405-4", body="ISO")
    eligible = factories.make_participation(company_x, iec, role="lead", status="verified")
    factories.make_participation(company_x, national, role="lead", status="verified")
    factories.make_participation(company_x, iso, role="participant", status="pending")
    factories.make_participation(factories.make_company(), iec, role="lead", status="verified")
    assert list(standards.reward_eligible_participations(company_x)) == [eligible]


@pytest.mark.parametrize("body,level,field", [
    ("IEC", "national", "level"), ("group", "international", "level"),
])
def test_a_standard_whose_level_does_not_fit_its_body_is_explained(body, level, field):
    standard = Standard(code="X 1", title="X", body=body, level=level)
    with pytest.raises(ValidationError) as excinfo:
        standard.full_clean()
    assert "ISO, IEC or ITU" in excinfo.value.message_dict[field][0]
