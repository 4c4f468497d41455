"""Writes and state changes of anchor–SME collaborations and their milestones. Views, API and admin call these.

A collaboration is proposed by one party's user and counts only once a user of the OTHER party confirms it.
Every service is atomic, locks the rows it changes, checks the move against ALLOWED_TRANSITIONS and the
predicates of alliance.permissions, and saves through django-simple-history with the user and a reason.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from registry.models import Company, User

from .models import Collaboration, Milestone
from .permissions import (
    can_add_milestone,
    can_collaborate,
    can_complete_collaboration,
    can_complete_milestone,
    can_confirm_collaboration,
    can_propose_collaboration,
    can_terminate_collaboration,
    is_sme,
)

Status = Collaboration.Status
Model = Collaboration.Model

# The whole workflow: from each status, where a collaboration may go next. Nothing else moves it.
# Terminating a proposal is how the other party declines it (or the proposer withdraws it).
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PROPOSED: frozenset({Status.ACTIVE, Status.TERMINATED}),
    Status.ACTIVE: frozenset({Status.COMPLETED, Status.TERMINATED}),
    Status.COMPLETED: frozenset(),
    Status.TERMINATED: frozenset(),
}

COMMON_FIELDS = ("title", "description", "started_on", "ends_on")
# Each model's own fields; a proposal keeps only those of its model, so that a licensing deal carries no
# committed value left over from a form that was switched between models.
MODEL_FIELDS: dict[str, tuple[str, ...]] = {
    Model.LICENSING: ("licensed_patents", "joint_outputs"),
    Model.SUPPLY: ("committed_quantity", "quantity_unit", "committed_value_per_year"),
    Model.STANDARD: ("standard",),
}
PROPOSAL_FIELDS = COMMON_FIELDS + tuple(name for names in MODEL_FIELDS.values() for name in names)
_TEXT_DEFAULTS = {"licensed_patents": "", "joint_outputs": "", "quantity_unit": "", "description": ""}


def _save_with_reason(obj, by: User | None, reason: str, **save_kwargs) -> None:
    obj._history_user = by
    obj._change_reason = reason
    obj.save(**save_kwargs)


def _nul_errors(values: dict) -> dict:
    # PostgreSQL refuses NUL in text; a form or the API already refuses it, a direct caller must not get a 500.
    return {
        name: [_("Null characters are not allowed.")]
        for name, value in values.items() if isinstance(value, str) and "\x00" in value
    }


def _refuse_move(collaboration: Collaboration, to_status: str) -> None:
    if to_status not in ALLOWED_TRANSITIONS[collaboration.status]:
        raise ValidationError(
            _("A %(status)s collaboration cannot become %(to)s.")
            % {"status": collaboration.get_status_display().lower(), "to": Status(to_status).label.lower()}
        )


def _locked(collaboration: Collaboration) -> Collaboration:
    return Collaboration.objects.select_for_update().get(pk=collaboration.pk)


def _check(allowed_reason: tuple[bool, str]) -> None:
    allowed, reason = allowed_reason
    if not allowed:
        raise PermissionDenied(reason)


def _parties(own: Company, other: Company) -> tuple[Company, Company] | None:
    """(anchor, sme) when one of the two is an anchor firm and the other an SME, else None."""
    if own.is_anchor and is_sme(other):
        return own, other
    if is_sme(own) and other.is_anchor:
        return other, own
    return None


@transaction.atomic
def collaboration_propose(
    *, by: User, other_party: Company | None, model: str, data: dict, categories=()
) -> Collaboration:
    """A user proposes a collaboration between their company and `other_party`; the other party confirms it."""
    _check(can_propose_collaboration(by))
    own = by.company
    unknown = set(data) - set(PROPOSAL_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in sorted(unknown)})
    errors: dict = {}
    errors.update(_nul_errors(data))

    anchor = sme = None
    if other_party is None:
        errors["other_party"] = [_("Choose the other party.")]
    elif other_party.pk == own.pk:
        errors["other_party"] = [_("A collaboration needs another company: choose the other party.")]
    elif not other_party.is_published:
        errors["other_party"] = [_("The other party must be a verified company.")]
    elif not can_collaborate(other_party) or _parties(own, other_party) is None:
        errors["other_party"] = [
            _("A collaboration is between an anchor firm and an SME (a medium, small or micro enterprise): "
              "%(name)s cannot be the other party of %(own)s.") % {"name": other_party.name, "own": own.name}
        ]
    else:
        anchor, sme = _parties(own, other_party)

    if model not in Model.values:
        errors["model"] = [_("Choose one of the three collaboration models.")]
        kept = COMMON_FIELDS
    else:
        kept = COMMON_FIELDS + MODEL_FIELDS[model]
    values = {name: data.get(name, _TEXT_DEFAULTS.get(name)) for name in kept}
    for name, value in values.items():
        if value is None and name in _TEXT_DEFAULTS:
            values[name] = ""
    collaboration = Collaboration(
        model=model if model in Model.values else "", status=Status.PROPOSED, proposed_by=by,
        proposed_by_company=own, **values,
    )
    if anchor is not None:
        collaboration.anchor, collaboration.sme = anchor, sme
    try:
        collaboration.full_clean(
            exclude=["anchor", "sme", "model", *errors], validate_constraints=False
        )
    except ValidationError as error:
        error.update_error_dict(errors)

    def need(name, message):
        if name not in errors:
            errors[name] = [message]

    started_on, ends_on = collaboration.started_on, collaboration.ends_on
    if "started_on" not in errors and "ends_on" not in errors and ends_on and started_on and ends_on < started_on:
        need("ends_on", _("The end date is before the start date."))
    if model == Model.LICENSING and not (collaboration.licensed_patents.strip() or collaboration.joint_outputs.strip()):
        need("licensed_patents", _("Give the licensed patent numbers, the jointly developed materials or "
                                   "products, or both."))
    if model == Model.SUPPLY:
        if ends_on is None:
            need("ends_on", _("A supply agreement runs for a period: give its end date."))
        if collaboration.committed_value_per_year is None:
            need("committed_value_per_year", _("Give the committed value per year."))
        if collaboration.committed_quantity is not None and not collaboration.quantity_unit.strip():
            need("quantity_unit", _("Give the unit of the committed quantity."))
        if collaboration.committed_quantity is None and collaboration.quantity_unit.strip():
            need("committed_quantity", _("Give the committed quantity, or leave the unit empty."))
    if model == Model.STANDARD and collaboration.standard_id is None:
        need("standard", _("Choose the standard the two companies create together."))
    if errors:
        raise ValidationError(errors)

    try:
        with transaction.atomic():
            _save_with_reason(collaboration, by, gettext_noop("Proposed"))
    except IntegrityError as exc:  # the named constraints, should a check above ever miss one
        raise ValidationError(_("The collaboration breaks a rule of the register: %(error)s") % {"error": exc}) from exc
    if model == Model.SUPPLY and categories:
        collaboration.categories.set(categories)
    return collaboration


@transaction.atomic
def collaboration_confirm(*, by: User, collaboration: Collaboration) -> Collaboration:
    """A user of the party that did not propose confirms: the collaboration becomes active."""
    locked = _locked(collaboration)
    _refuse_move(locked, Status.ACTIVE)
    _check(can_confirm_collaboration(by, locked))
    locked.status = Status.ACTIVE
    locked.confirmed_by = by
    locked.confirmed_at = timezone.now()
    _save_with_reason(locked, by, gettext_noop("Confirmed"))
    return locked


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason: the other party reads it.")})
    if "\x00" in reason:
        raise ValidationError({"reason": _("Null characters are not allowed.")})
    return reason


@transaction.atomic
def collaboration_terminate(*, by: User, collaboration: Collaboration, reason: str) -> Collaboration:
    """Either party ends a proposal (declining or withdrawing it) or an active collaboration, with a reason."""
    reason = _required_reason(reason)
    locked = _locked(collaboration)
    _refuse_move(locked, Status.TERMINATED)
    _check(can_terminate_collaboration(by, locked))
    locked.status = Status.TERMINATED
    locked.status_reason = reason
    _save_with_reason(locked, by, gettext_noop("Terminated"))
    return locked


@transaction.atomic
def collaboration_complete(*, by: User, collaboration: Collaboration, note: str = "") -> Collaboration:
    """Either party records an active collaboration as completed, with an optional closing note."""
    note = (note or "").strip()
    if "\x00" in note:
        raise ValidationError({"reason": _("Null characters are not allowed.")})
    locked = _locked(collaboration)
    _refuse_move(locked, Status.COMPLETED)
    _check(can_complete_collaboration(by, locked))
    locked.status = Status.COMPLETED
    locked.status_reason = note
    _save_with_reason(locked, by, gettext_noop("Completed"))
    return locked


@transaction.atomic
def milestone_add(*, by: User, collaboration: Collaboration, title: str, due_on, outcome: str = "") -> Milestone:
    """Either party adds a milestone to an active collaboration."""
    # Locked so that a termination at the same moment cannot slip a milestone onto an ended collaboration.
    locked = _locked(collaboration)
    _check(can_add_milestone(by, locked))
    errors = _nul_errors({"title": title, "outcome": outcome})
    if errors:
        raise ValidationError(errors)
    milestone = Milestone(
        collaboration=locked, title=(title or "").strip(), due_on=due_on, outcome=(outcome or "").strip(),
        created_by=by,
    )
    milestone.full_clean()
    _save_with_reason(milestone, by, gettext_noop("Milestone added"))
    return milestone


@transaction.atomic
def milestone_complete(*, by: User, milestone: Milestone, done_on, outcome: str = "") -> Milestone:
    """Either party records a milestone as done on a day (not in the future), with what came of it."""
    _locked(milestone.collaboration)
    locked = Milestone.objects.select_for_update().select_related("collaboration").get(pk=milestone.pk)
    _check(can_complete_milestone(by, locked))
    errors = _nul_errors({"outcome": outcome})
    if errors:
        raise ValidationError(errors)
    if done_on is None:
        raise ValidationError({"done_on": _("Give the day the milestone was done.")})
    locked.done_on = done_on
    locked.outcome = (outcome or "").strip()
    locked.full_clean()
    if locked.done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The day it was done cannot be in the future.")})
    _save_with_reason(locked, by, gettext_noop("Milestone done"))
    return locked
