"""Standards and companies' part in them: recording a participation, officials verifying or rejecting it, and the
reads of the standards list, the company pages and the standards reward.

Every state change is atomic, locks the participation, checks the allowed move, and lands in the history with
the person and the reason (django-simple-history).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from registry.models import Company, User
from registry.permissions import is_company_member
from registry.services import history_reason
from registry.uploads import validate_document_upload

from .models import Standard, StandardParticipation
from .permissions import can_record_participation, can_verify_participation, visible_participations

Status = StandardParticipation.Status

# Which statuses each decision may start from. A verified participation may still be rejected (the evidence
# turned out wrong); a rejected one goes back to pending only when its company records it again.
PARTICIPATION_MOVES = {
    Status.VERIFIED: {Status.PENDING},
    Status.REJECTED: {Status.PENDING, Status.VERIFIED},
}

NOTE_MAX_LENGTH = 2000


def _save(participation: StandardParticipation, by: User | None, reason: str) -> None:
    participation._history_user = by
    participation._change_reason = reason
    participation.save()


def _delete_file_after_commit(storage, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def participation_record(
    *, by: User, company: Company, standard: Standard, role: str, evidence, note: str = ""
) -> StandardParticipation:
    """A company's user records its part in a standard with the evidence; it waits for an official's check.

    Recording again what an official rejected replaces the evidence and note and puts it back in the queue.
    """
    allowed, reason = can_record_participation(by)
    if not allowed or not is_company_member(by, company):
        raise PermissionDenied(reason or _("Only the company's own users record its participations."))
    errors: dict = {}
    if role not in StandardParticipation.Role.values:
        errors["role"] = [_("Choose lead or participant.")]
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = [_("Write at most %(n)d characters.") % {"n": NOTE_MAX_LENGTH}]
    if not evidence:
        errors["evidence"] = [_("Choose the evidence to upload.")]
    else:
        try:
            validate_document_upload(evidence)
        except ValidationError as error:
            errors["evidence"] = error.messages
    if errors:
        raise ValidationError(errors)
    existing = (
        StandardParticipation.objects.select_for_update()
        .filter(company=company, standard=standard, role=role).first()
    )
    if existing is not None and existing.status != Status.REJECTED:
        raise ValidationError({"standard": _(
            "Your company has already recorded this role in %(code)s (%(status)s)."
        ) % {"code": standard.code, "status": existing.get_status_display().lower()}})
    replaced = ""
    if existing is not None:
        participation, replaced, action = existing, existing.evidence.name, "Recorded again"
    else:
        participation, action = StandardParticipation(company=company, standard=standard, role=role), "Recorded"
    participation.evidence = evidence
    participation.note = note
    participation.status = Status.PENDING
    participation.status_reason = ""
    participation.verified_by = None
    participation.verified_at = None
    participation.created_by = by
    participation.full_clean(exclude=["evidence"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            _save(participation, by, action)
    except IntegrityError as exc:
        # Two users of the company recording the same thing at once: the second is told, not shown a 500.
        raise ValidationError({"standard": _(
            "Your company has already recorded this role in %(code)s."
        ) % {"code": standard.code}}) from exc
    _delete_file_after_commit(participation.evidence.storage, replaced)
    return participation


def _decide(participation, by, to_status, reason=""):
    allowed, why = can_verify_participation(by, participation)
    if not allowed:
        raise PermissionDenied(why)
    participation = (
        StandardParticipation.objects.select_for_update().select_related("company", "standard").get(pk=participation.pk)
    )
    if participation.status not in PARTICIPATION_MOVES[to_status]:
        raise ValidationError(
            _("%(participation)s is %(status)s: it cannot be %(action)s."),
            code="status",
            params={
                "participation": str(participation),
                "status": participation.get_status_display().lower(),
                "action": Status(to_status).label.lower(),
            },
        )
    return participation


@transaction.atomic
def participation_verify(*, participation: StandardParticipation, by: User) -> StandardParticipation:
    """An official confirms the participation from its evidence: it shows publicly and may earn the reward."""
    participation = _decide(participation, by, Status.VERIFIED)
    participation.status = Status.VERIFIED
    participation.status_reason = ""
    participation.verified_by = by
    participation.verified_at = timezone.now()
    _save(participation, by, gettext_noop("Verified"))
    return participation


@transaction.atomic
def participation_reject(*, participation: StandardParticipation, by: User, reason: str) -> StandardParticipation:
    """An official rejects the participation, saying why; the company sees the reason and may record it again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for rejecting.")})
    participation = _decide(participation, by, Status.REJECTED)
    participation.status = Status.REJECTED
    participation.status_reason = reason
    _save(participation, by, history_reason(gettext_noop("Rejected"), reason))
    return participation


# --- reads -----------------------------------------------------------------------------------------------------

def standards_with_counts(queryset=None):
    """Standards with how many companies lead them and take part in them (verified participations only)."""
    queryset = Standard.objects.all() if queryset is None else queryset
    verified = Q(participations__status=Status.VERIFIED)
    return queryset.annotate(
        lead_count=Count("participations", filter=verified & Q(participations__role="lead"), distinct=True),
        participant_count=Count(
            "participations", filter=verified & Q(participations__role="participant"), distinct=True
        ),
    )


def participations_for(user, standard: Standard):
    """The participations in a standard that the user may see, leads first."""
    queryset = standard.participations.select_related("company", "standard")
    return visible_participations(user, queryset).order_by("role", "company__name", "pk")


def company_participations(company: Company, *, verified_only: bool = False):
    queryset = company.standard_participations.select_related("standard").order_by("standard__code", "role", "pk")
    return queryset.filter(status=Status.VERIFIED) if verified_only else queryset


def reward_eligible_participations(company: Company):
    """The company's VERIFIED participations in international standards (ISO, IEC, ITU): the reward's basis."""
    return company_participations(company, verified_only=True).filter(
        standard__body__in=Standard.INTERNATIONAL_BODIES
    )


def recordable_standards():
    """The standards a company may choose when recording a participation (every standard on the list)."""
    return Standard.objects.order_by("code")
