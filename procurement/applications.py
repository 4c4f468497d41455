"""Applications under every programme: who may apply and decide, and the one workflow they all move through.

The workflow knows no programme kind. What an application rests on (its basis: claimed purchases, a verified
standard participation, a national major project, a production base's quota) and what it is worth (the kind's
amount rule, a calculator) come from `procurement.programme_kinds`, where each owning app registers its kind.

The status moves only through `application_transition` (named services below call it after their own
checks). Every write is atomic and locks the application row first, so two officials acting at once, or a
company submitting while an official decides, see each other's result instead of overwriting it.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from registry.models import Company, User
from registry.permissions import is_company_member
from registry.services import history_reason
from registry.uploads import validate_document_upload

from .models import ApplicationDocument, ApplicationEvent, SubsidyApplication, SubsidyProgramme
from .permissions import (  # noqa: F401  (the predicates, re-exported for the workflow's callers)
    APPROVE_PERMISSION,
    EDITABLE_STATUSES,
    can_apply,
    can_approve,
    can_edit_application,
    can_view_application,
    programme_is_open,
)
from .programme_kinds import kind_of, registered

Status = SubsidyApplication.Status

# The whole workflow: from each status, where an application may go next. Nothing else moves it.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED}),
    Status.SUBMITTED: frozenset({Status.APPROVED, Status.REJECTED, Status.RETURNED}),
    Status.RETURNED: frozenset({Status.SUBMITTED}),
    Status.APPROVED: frozenset({Status.PAID}),
    Status.REJECTED: frozenset(),
    Status.PAID: frozenset(),
}


# --- selectors of programmes ----------------------------------------------------------------------------

def open_programmes(today: date | None = None):
    """The programme versions open for applications today, of the kinds this site serves."""
    today = today or timezone.localdate()
    programmes = (
        SubsidyProgramme.objects.filter(active_from__lte=today)
        .exclude(active_until__lt=today)
        .select_related("eligible_category")
    )
    served = [kind for kind in SubsidyProgramme.Kind.values if registered(kind)]
    return programmes.filter(kind__in=served)


# --- the workflow ----------------------------------------------------------------------------------------

def _locked(application: SubsidyApplication) -> SubsidyApplication:
    # The row lock is what makes a decision race-safe: a second official waits here and then sees the first's result.
    return SubsidyApplication.objects.select_for_update().select_related("programme", "applicant").get(
        pk=application.pk
    )


def _refuse_move(application: SubsidyApplication, to_status: str) -> None:
    if to_status in ALLOWED_TRANSITIONS[application.status]:
        return
    if application.status == to_status:
        raise ValidationError(
            _("Application #%(n)s is already %(status)s.")
            % {"n": application.pk, "status": application.get_status_display().lower()},
            code="already",
        )
    raise ValidationError(
        _("Application #%(n)s is %(status)s; it cannot be %(to)s.")
        % {"n": application.pk, "status": application.get_status_display().lower(),
           "to": Status(to_status).label.lower()},
        code="transition",
    )


@transaction.atomic
def application_transition(
    *, application: SubsidyApplication, to_status: str, by: User, reason: str = "", changes: dict | None = None
) -> SubsidyApplication:
    """Move the application to `to_status` if the map allows it, recording an event and a history row."""
    locked = _locked(application)
    _refuse_move(locked, to_status)
    from_status = locked.status
    for name, value in (changes or {}).items():
        setattr(locked, name, value)
    locked.status = to_status
    locked.status_reason = reason
    locked._history_user = by
    locked._change_reason = history_reason(f"{from_status} → {to_status}", reason)
    locked.full_clean()
    locked.save()
    ApplicationEvent.objects.create(
        application=locked, from_status=from_status, to_status=to_status, by=by, reason=reason
    )
    return locked


def _refresh_award(application: SubsidyApplication, *, year: int | None = None) -> dict:
    """Recompute the award from the stored basis with the programme's parameters, onto the application."""
    award = kind_of(application.programme).award(application, year=year or timezone.localdate().year)
    for name, value in award.fields().items():
        setattr(application, name, value)
    return award.fields()


def _save(application: SubsidyApplication, by: User, reason: str) -> None:
    application._history_user = by
    application._change_reason = reason
    application.save()


@transaction.atomic
def application_create_draft(*, by: User, programme: SubsidyProgramme, basis: dict) -> SubsidyApplication:
    """A new draft application of the user's company under the programme, resting on the basis given.

    The basis is the kind's cleaned data (purchase ids, a participation, a project, a quota); the amount comes
    from the server's records and the programme's parameters, never from the caller.
    """
    allowed, reason = can_apply(by, programme)
    if not allowed:
        raise PermissionDenied(reason)
    kind = kind_of(programme)
    application = SubsidyApplication(applicant=by.company, programme=programme, created_by=by)
    _save(application, by, gettext_noop("Draft created"))
    ApplicationEvent.objects.create(application=application, from_status="", to_status=Status.DRAFT, by=by)
    kind.set_basis(application, basis, by=by)
    _refresh_award(application)
    _save(application, by, gettext_noop("Basis given"))
    return application


@transaction.atomic
def application_set_basis(*, by: User, application: SubsidyApplication, basis: dict) -> SubsidyApplication:
    """Replace what a draft or returned application rests on (its purchases, participation, project, quota)."""
    locked = _locked(application)
    allowed, reason = can_edit_application(by, locked)
    if not allowed:
        raise PermissionDenied(reason)
    kind_of(locked.programme).set_basis(locked, basis, by=by)
    _refresh_award(locked)
    _save(locked, by, gettext_noop("Basis changed"))
    return locked


def application_set_purchases(*, by: User, application: SubsidyApplication, purchase_ids) -> SubsidyApplication:
    """Replace the purchases a draft or returned local procurement application claims."""
    return application_set_basis(by=by, application=application, basis={"purchases": purchase_ids})


@transaction.atomic
def application_submit(*, by: User, application: SubsidyApplication) -> SubsidyApplication:
    """Submit a draft or returned application, re-checking its basis and recomputing its award on the server."""
    locked = _locked(application)
    if not is_company_member(by, locked.applicant):
        raise PermissionDenied(_("Only the applicant company's users can submit its application."))
    _refuse_move(locked, Status.SUBMITTED)
    allowed, reason = can_apply(by, locked.programme)
    if not allowed:
        raise PermissionDenied(reason)
    kind_of(locked.programme).check(locked)
    award = _refresh_award(locked)
    return application_transition(
        application=locked, to_status=Status.SUBMITTED, by=by, changes={"submitted_at": timezone.now(), **award},
    )


def _require_decider(by: User, application: SubsidyApplication) -> None:
    allowed, reason = can_approve(by, application)
    if not allowed:
        raise PermissionDenied(reason)


@transaction.atomic
def application_approve(*, by: User, application: SubsidyApplication) -> SubsidyApplication:
    """Approve a submitted application after re-checking its basis; the award is fixed from here on."""
    locked = _locked(application)
    _require_decider(by, locked)
    _refuse_move(locked, Status.APPROVED)
    kind = kind_of(locked.programme)
    # The applicant's row is locked too: two approvals for one company (a cap, a reward superseded) queue here.
    Company.objects.select_for_update().filter(pk=locked.applicant_id).first()
    kind.check(locked)
    now = timezone.now()
    award = _refresh_award(locked, year=now.year)
    return application_transition(
        application=locked, to_status=Status.APPROVED, by=by, changes={"decided_at": now, "decided_by": by, **award},
    )


def _required_reason(reason: str, message) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": message}, code="required")
    return reason


@transaction.atomic
def application_reject(*, by: User, application: SubsidyApplication, reason: str) -> SubsidyApplication:
    """Reject a submitted application with a reason; its basis is free to be claimed again."""
    reason = _required_reason(reason, _("Give the reason for rejecting."))
    locked = _locked(application)
    _require_decider(by, locked)
    _refuse_move(locked, Status.REJECTED)
    kind_of(locked.programme).release(locked)
    return application_transition(
        application=locked, to_status=Status.REJECTED, by=by, reason=reason,
        changes={"decided_at": timezone.now(), "decided_by": by},
    )


@transaction.atomic
def application_return(*, by: User, application: SubsidyApplication, reason: str) -> SubsidyApplication:
    """Return a submitted application to the applicant for changes, saying what to change."""
    reason = _required_reason(reason, _("Say what the applicant should change."))
    locked = _locked(application)
    _require_decider(by, locked)
    _refuse_move(locked, Status.RETURNED)
    return application_transition(application=locked, to_status=Status.RETURNED, by=by, reason=reason)


@transaction.atomic
def application_mark_paid(
    *, by: User, application: SubsidyApplication, payment_reference: str, paid_on: date
) -> SubsidyApplication:
    """Record the payment (or, for a quota, the grant) of an approved application; the award stays as approved."""
    errors = {}
    payment_reference = (payment_reference or "").strip()
    if not payment_reference:
        errors["payment_reference"] = _("Enter the payment reference.")
    if not paid_on:
        errors["paid_on"] = _("Enter the date of payment.")
    elif paid_on > timezone.localdate():
        errors["paid_on"] = _("The date of payment cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    locked = _locked(application)
    _require_decider(by, locked)
    _refuse_move(locked, Status.PAID)
    return application_transition(
        application=locked, to_status=Status.PAID, by=by,
        reason=_("Payment reference %(ref)s") % {"ref": payment_reference},
        changes={"payment_reference": payment_reference, "paid_on": paid_on},
    )


@transaction.atomic
def application_document_add(*, by: User, application: SubsidyApplication, title: str, upload) -> ApplicationDocument:
    """Attach a checked supporting document, stored privately."""
    locked = _locked(application)
    allowed, reason = can_edit_application(by, locked)
    if not allowed:
        raise PermissionDenied(reason)
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Enter a title for the document.")
    if upload is None:
        errors["document"] = _("Choose the document to upload.")
    else:
        try:
            validate_document_upload(upload)
        except ValidationError as error:
            errors["document"] = error.messages
    if errors:
        raise ValidationError(errors)
    return ApplicationDocument.objects.create(application=locked, title=title[:200], document=upload, uploaded_by=by)
