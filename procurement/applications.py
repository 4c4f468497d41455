"""Subsidy applications: who may apply and approve, which purchases are eligible, and the one workflow.

The status moves only through `application_transition` (named services below call it after their own
checks). Every write is atomic and locks the application row first, so two officials acting at once, or a
company submitting while an official decides, see each other's result instead of overwriting it. A purchase
is claimed at most once, live: the partial unique index `claim_one_live_per_purchase` settles races that the
eligibility check alone cannot.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from calculators.subsidies import subsidy_amount
from registry.models import Company, User
from registry.permissions import is_company_member
from registry.services import history_reason
from registry.uploads import validate_document_upload

from .models import (
    ApplicationClaim,
    ApplicationDocument,
    ApplicationEvent,
    Purchase,
    SubsidyApplication,
    SubsidyProgramme,
)
from .permissions import (  # noqa: F401  (the predicates, re-exported for the workflow's callers)
    APPROVE_PERMISSION,
    EDITABLE_STATUSES,
    can_apply,
    can_approve,
    can_edit_application,
    can_view_application,
    programme_is_open,
)

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
# The statuses whose amounts count against the programme's cap.
GRANTED_STATUSES = (Status.APPROVED, Status.PAID)


# --- selectors of programmes ----------------------------------------------------------------------------

def open_programmes(today: date | None = None):
    """The programme versions open for applications today."""
    today = today or timezone.localdate()
    return (
        SubsidyProgramme.objects.filter(active_from__lte=today, rate__isnull=False)
        .exclude(active_until__lt=today)
        .select_related("eligible_category")
    )


# --- eligibility -----------------------------------------------------------------------------------------

@dataclass
class Eligibility:
    """The applicant's purchases split into those it may claim under a programme and the others, each with why."""

    eligible: list = field(default_factory=list)
    ineligible: list = field(default_factory=list)  # (purchase, reason)
    claimed_elsewhere: set = field(default_factory=set)  # ids of purchases live in another application

    @property
    def eligible_ids(self) -> set[int]:
        return {purchase.pk for purchase in self.eligible}


class _Rules:
    """The programme's facts fetched once, so that checking many purchases costs no query per purchase."""

    def __init__(self, applicant: Company, programme: SubsidyProgramme, application=None):
        self.applicant = applicant
        self.programme = programme
        self.category_ids = (
            set(programme.eligible_category.descendant_ids()) if programme.eligible_category_id else None
        )
        claims = ApplicationClaim.objects.filter(live=True)
        if application is not None and application.pk:
            claims = claims.exclude(application=application)
        self.claims = claims

    def reason(self, purchase: Purchase, claimed_ids: set[int]) -> str:
        """Why the purchase cannot be claimed, or "" when it can."""
        programme = self.programme
        if purchase.buyer_id != self.applicant.pk:
            return _("It is not a purchase of your company.")
        if not purchase.supplier_was_verified:
            return _("The supplier was not verified when the purchase was recorded.")
        if not purchase.supplier_is_local:
            return _("The supplier was not local when the purchase was recorded.")
        if self.category_ids is not None and purchase.category_id not in self.category_ids:
            return _("Its category is outside %(category)s.") % {"category": programme.eligible_category}
        if not (programme.period_start <= purchase.purchased_on <= programme.period_end):
            return _("It was bought outside the programme period (%(start)s to %(end)s).") % {
                "start": programme.period_start.isoformat(), "end": programme.period_end.isoformat(),
            }
        if purchase.pk in claimed_ids:
            return _("It is already claimed by another application.")
        return ""

    def check(self, purchases) -> Eligibility:
        purchases = list(purchases)
        claimed = set(
            self.claims.filter(purchase__in=[p.pk for p in purchases]).values_list("purchase_id", flat=True)
        )
        result = Eligibility(claimed_elsewhere=claimed)
        for purchase in purchases:
            why = self.reason(purchase, claimed)
            if why:
                result.ineligible.append((purchase, why))
            else:
                result.eligible.append(purchase)
        return result


def purchase_eligibility(applicant: Company, programme: SubsidyProgramme, *, application=None) -> Eligibility:
    """All the applicant's purchases, eligible or not (with the reason); the application's own claims count as free."""
    purchases = Purchase.objects.filter(buyer=applicant).select_related("category").order_by("-purchased_on", "-pk")
    return _Rules(applicant, programme, application).check(purchases)


def eligible_purchases(applicant: Company, programme: SubsidyProgramme, *, application=None) -> list[Purchase]:
    """The applicant's purchases it may claim under the programme now."""
    return purchase_eligibility(applicant, programme, application=application).eligible


# --- amounts ---------------------------------------------------------------------------------------------

def already_granted(applicant: Company, programme: SubsidyProgramme, year: int, *, exclude=None) -> Decimal:
    """What the applicant was granted that year under any version of the programme (for the cap)."""
    granted = SubsidyApplication.objects.filter(
        applicant=applicant, programme__code=programme.code, status__in=GRANTED_STATUSES, decided_at__year=year
    )
    if exclude is not None and exclude.pk:
        granted = granted.exclude(pk=exclude.pk)
    return granted.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def compute_amount(applicant: Company, programme: SubsidyProgramme, amounts, *, application=None, year=None):
    """(V_total, S) from stored purchase amounts: S = rate × V_total, rounded once, capped per year."""
    amounts = [Decimal(a) for a in amounts]
    year = year or timezone.localdate().year
    amount = subsidy_amount(
        amounts,
        rate=programme.rate,
        cap=programme.cap_per_applicant_year,
        already_granted=already_granted(applicant, programme, year, exclude=application),
    )
    return sum(amounts, Decimal("0")), amount


def application_preview(*, applicant: Company, programme: SubsidyProgramme, purchase_ids, application=None) -> dict:
    """What the application would be worth with these purchases: nothing is saved, the client's figures unused."""
    ids = _clean_ids(purchase_ids)
    purchases = list(Purchase.objects.filter(pk__in=ids))
    found = {p.pk for p in purchases}
    eligibility = _Rules(applicant, programme, application).check(purchases)
    problems = {pk: _("There is no purchase %(n)s.") % {"n": pk} for pk in ids if pk not in found}
    problems.update({p.pk: why for p, why in eligibility.ineligible})
    total, amount = compute_amount(
        applicant, programme, [p.amount for p in eligibility.eligible], application=application
    )
    return {"eligible_total": total, "amount": amount, "purchase_count": len(eligibility.eligible),
            "problems": problems}


# --- the workflow ----------------------------------------------------------------------------------------

def _clean_ids(purchase_ids) -> list[int]:
    ids = []
    for value in purchase_ids or ():
        try:
            pk = int(value)
        except (TypeError, ValueError):
            raise ValidationError(_("“%(value)s” is not a purchase number.") % {"value": value}) from None
        if pk not in ids:
            ids.append(pk)
    return ids


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


def _claim(application: SubsidyApplication, purchase: Purchase) -> None:
    try:
        # A savepoint: the unique index may refuse the row, and the outer transaction must stay usable.
        with transaction.atomic():
            ApplicationClaim.objects.create(application=application, purchase=purchase, amount=purchase.amount)
    except IntegrityError:
        raise ValidationError(
            _("Purchase %(n)s is already claimed by another application.") % {"n": purchase.pk}, code="claimed"
        ) from None


def _set_claims(application: SubsidyApplication, purchase_ids, *, by: User) -> None:
    ids = _clean_ids(purchase_ids)
    if not ids:
        raise ValidationError(_("Choose at least one eligible purchase."), code="no_purchases")
    purchases = {p.pk: p for p in Purchase.objects.filter(pk__in=ids)}
    errors = []
    for pk in ids:
        if pk not in purchases:
            errors.append(_("There is no purchase %(n)s.") % {"n": pk})
    eligibility = _Rules(application.applicant, application.programme, application).check(purchases.values())
    for purchase, why in eligibility.ineligible:
        if purchase.pk in eligibility.claimed_elsewhere:
            errors.append(_("Purchase %(n)s is already claimed by another application.") % {"n": purchase.pk})
        else:
            errors.append(_("Purchase %(n)s (%(invoice)s): %(why)s") % {
                "n": purchase.pk, "invoice": purchase.invoice_number, "why": why,
            })
    if errors:
        raise ValidationError(errors)
    live = {claim.purchase_id: claim for claim in application.claims.filter(live=True)}
    # Purchases taken out are freed, not deleted: the claim rows are part of the application's record.
    application.claims.filter(live=True).exclude(purchase_id__in=ids).update(live=False)
    for pk in ids:
        if pk not in live:
            _claim(application, purchases[pk])
    _refresh_amount(application)


def _refresh_amount(application: SubsidyApplication) -> None:
    """Copy each live claim's amount from its stored purchase and recompute the application's amount."""
    claims = list(application.claims.filter(live=True).select_related("purchase"))
    for claim in claims:
        if claim.amount != claim.purchase.amount:
            claim.amount = claim.purchase.amount
            claim.save(update_fields=["amount"])
    application.eligible_total, application.amount = compute_amount(
        application.applicant, application.programme, [c.amount for c in claims], application=application
    )


@transaction.atomic
def application_create_draft(*, by: User, programme: SubsidyProgramme, purchase_ids) -> SubsidyApplication:
    """A new draft application of the user's company, claiming the chosen purchases; amounts from the server."""
    allowed, reason = can_apply(by, programme)
    if not allowed:
        raise PermissionDenied(reason)
    application = SubsidyApplication(applicant=by.company, programme=programme, created_by=by)
    application._history_user = by
    application._change_reason = "Draft created"
    application.save()
    ApplicationEvent.objects.create(application=application, from_status="", to_status=Status.DRAFT, by=by)
    _set_claims(application, purchase_ids, by=by)
    application._history_user = by
    application._change_reason = "Purchases chosen"
    application.save()
    return application


@transaction.atomic
def application_set_purchases(*, by: User, application: SubsidyApplication, purchase_ids) -> SubsidyApplication:
    """Replace the purchases a draft or returned application claims."""
    locked = _locked(application)
    allowed, reason = can_edit_application(by, locked)
    if not allowed:
        raise PermissionDenied(reason)
    _set_claims(locked, purchase_ids, by=by)
    locked._history_user = by
    locked._change_reason = "Purchases changed"
    locked.save()
    return locked


@transaction.atomic
def application_submit(*, by: User, application: SubsidyApplication) -> SubsidyApplication:
    """Submit a draft or returned application, recomputing its amount from the stored purchases."""
    locked = _locked(application)
    if not is_company_member(by, locked.applicant):
        raise PermissionDenied(_("Only the applicant company's users can submit its application."))
    _refuse_move(locked, Status.SUBMITTED)
    allowed, reason = can_apply(by, locked.programme)
    if not allowed:
        raise PermissionDenied(reason)
    claims = list(locked.claims.filter(live=True).select_related("purchase"))
    if not claims:
        raise ValidationError(_("Choose at least one eligible purchase before submitting."), code="no_purchases")
    _check_claims(locked, claims)
    _refresh_amount(locked)
    return application_transition(
        application=locked, to_status=Status.SUBMITTED, by=by,
        changes={"submitted_at": timezone.now(), "eligible_total": locked.eligible_total, "amount": locked.amount},
    )


def _check_claims(application: SubsidyApplication, claims) -> None:
    rules = _Rules(application.applicant, application.programme, application)
    eligibility = rules.check([claim.purchase for claim in claims])
    if eligibility.ineligible:
        raise ValidationError([
            _("Purchase %(n)s is no longer eligible: %(why)s") % {"n": purchase.pk, "why": why}
            for purchase, why in eligibility.ineligible
        ], code="ineligible")


def _require_decider(by: User, application: SubsidyApplication) -> None:
    allowed, reason = can_approve(by, application)
    if not allowed:
        raise PermissionDenied(reason)


@transaction.atomic
def application_approve(*, by: User, application: SubsidyApplication) -> SubsidyApplication:
    """Approve a submitted application after re-checking its claims; the amount is fixed from here on."""
    locked = _locked(application)
    _require_decider(by, locked)
    _refuse_move(locked, Status.APPROVED)
    live = list(locked.claims.filter(live=True).select_related("purchase"))
    if not live:
        raise ValidationError(_("Application #%(n)s claims no purchase.") % {"n": locked.pk}, code="no_purchases")
    _check_claims(locked, live)
    now = timezone.now()
    total, amount = compute_amount(
        locked.applicant, locked.programme, [c.amount for c in live], application=locked, year=now.year
    )
    return application_transition(
        application=locked, to_status=Status.APPROVED, by=by,
        changes={"eligible_total": total, "amount": amount, "decided_at": now, "decided_by": by},
    )


def _required_reason(reason: str, message) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": message}, code="required")
    return reason


@transaction.atomic
def application_reject(*, by: User, application: SubsidyApplication, reason: str) -> SubsidyApplication:
    """Reject a submitted application with a reason; its purchases are free to be claimed again."""
    reason = _required_reason(reason, _("Give the reason for rejecting."))
    locked = _locked(application)
    _require_decider(by, locked)
    _refuse_move(locked, Status.REJECTED)
    locked.claims.filter(live=True).update(live=False)
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
    """Record the payment of an approved application; the amount stays the one approved."""
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
