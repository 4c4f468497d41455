"""Writes and state changes of matchmaking: sourcing requests, offers, and the notices they send.

An anchor firm posts a sourcing request (open); suppliers answer with offers; the anchor firm shortlists (the
request becomes shortlisted), declines with a reason, or accepts one offer: the request is awarded, the other live
offers are declined, and the accepted offer becomes a PROPOSED long-term supply agreement through
alliance.collaborations.collaboration_propose, which the supplier confirms like any collaboration. A request past
its deadline is expired (at read time, and for good by `manage.py expire_sourcing_requests`).

Every service is atomic, locks what it changes, checks the move against the transition maps and the predicates of
alliance.permissions, and saves through django-simple-history with the user and a reason.
"""

import contextvars
import logging
import math
from contextlib import contextmanager
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import get_connection, send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from calculators.matching import offer_annual_value
from registry.figures import FIGURES
from registry.models import Category, Certificate, Company, Product, User

from .collaborations import collaboration_propose
from .models import Collaboration, Notice, Offer, SourcingRequest, SourcingRequirement
from .permissions import (
    can_accept_offer,
    can_decline_offer,
    can_offer,
    can_post_sourcing_request,
    can_read_notice,
    can_shortlist_offer,
    can_withdraw_sourcing_request,
)

logger = logging.getLogger(__name__)

RequestStatus = SourcingRequest.Status
OfferStatus = Offer.Status

# The whole workflow of a request: from each status, where it may go next. Nothing else moves it.
REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    RequestStatus.OPEN: frozenset({RequestStatus.SHORTLISTED, RequestStatus.AWARDED, RequestStatus.WITHDRAWN,
                                   RequestStatus.EXPIRED}),
    RequestStatus.SHORTLISTED: frozenset({RequestStatus.AWARDED, RequestStatus.WITHDRAWN, RequestStatus.EXPIRED}),
    RequestStatus.AWARDED: frozenset(),
    RequestStatus.WITHDRAWN: frozenset(),
    RequestStatus.EXPIRED: frozenset(),
}
OFFER_TRANSITIONS: dict[str, frozenset[str]] = {
    OfferStatus.SUBMITTED: frozenset({OfferStatus.SHORTLISTED, OfferStatus.ACCEPTED, OfferStatus.DECLINED}),
    OfferStatus.SHORTLISTED: frozenset({OfferStatus.ACCEPTED, OfferStatus.DECLINED}),
    OfferStatus.ACCEPTED: frozenset(),
    OfferStatus.DECLINED: frozenset(),
}
REQUEST_FIELDS = ("title", "description", "category", "quantity", "quantity_unit", "local_only", "deadline",
                  "visibility")
OFFER_FIELDS = ("note", "price_low", "price_high", "lead_time_days")
# How far ahead a deadline may lie: a request is a call for answers, not a standing wish.
MAX_DEADLINE_DAYS = 366
AGREEMENT_DAYS = 365


# --- helpers -----------------------------------------------------------------------------------------------------


def _save_with_reason(obj, by: User | None, reason: str, **save_kwargs) -> None:
    obj._history_user = by
    obj._change_reason = reason
    obj.save(**save_kwargs)


def _check(allowed_reason: tuple[bool, str]) -> None:
    allowed, reason = allowed_reason
    if not allowed:
        raise PermissionDenied(reason)


def _nul_errors(values: dict) -> dict:
    return {
        name: [_("Null characters are not allowed.")]
        for name, value in values.items() if isinstance(value, str) and "\x00" in value
    }


def _refuse_request_move(sourcing_request: SourcingRequest, to_status: str) -> None:
    current = sourcing_request.effective_status()
    if to_status not in REQUEST_TRANSITIONS[current]:
        raise ValidationError(
            _("A sourcing request that is %(status)s cannot become %(to)s.")
            % {"status": RequestStatus(current).label.lower(), "to": RequestStatus(to_status).label.lower()}
        )


def _refuse_offer_move(offer: Offer, to_status: str) -> None:
    if to_status not in OFFER_TRANSITIONS[offer.status]:
        raise ValidationError(
            _("A %(status)s offer cannot become %(to)s.")
            % {"status": offer.get_status_display().lower(), "to": OfferStatus(to_status).label.lower()}
        )


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason: the other party reads it.")})
    if "\x00" in reason:
        raise ValidationError({"reason": _("Null characters are not allowed.")})
    return reason


def request_url(sourcing_request: SourcingRequest) -> str:
    return reverse("alliance:sourcing_request_detail", args=[sourcing_request.pk])


# --- notices -----------------------------------------------------------------------------------------------------

_quiet = contextvars.ContextVar("matchmaking_quiet_mail", default=False)


@contextmanager
def mail_held_back():
    """Write notices but send no email (the demo loader: its companies' addresses are made up)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def notify(*, company: Company, text: str, link: str = "", subject: str = "") -> Notice:
    """A notice on the company's /my/ and an email to each of its active users with an address."""
    notice = Notice.objects.create(company=company, text=text[:500], link=link[:300])
    recipients = sorted({
        email for email in User.objects.filter(company=company, is_active=True).exclude(email="")
        .values_list("email", flat=True)
    })
    if recipients and not _quiet.get():
        body = text + ("\n\n" + link if link else "")
        try:
            # A mail server that is down must not undo the offer or the decision the notice is about.
            send_mail(subject or text[:120], body, None, recipients, connection=get_connection(fail_silently=False))
        except Exception:  # noqa: BLE001 - logged; the notice on /my/ is there whatever the mail did
            logger.exception("Could not send the matchmaking email for notice %s", notice.pk)
    return notice


@transaction.atomic
def notice_mark_read(*, by: User, notice: Notice) -> Notice:
    """A user of the company marks one of its notices as read."""
    if not can_read_notice(by, notice):
        raise PermissionDenied(_("This notice is not for your company."))
    locked = Notice.objects.select_for_update().get(pk=notice.pk)
    if locked.read_at is None:
        locked.read_at = timezone.now()
        locked.save(update_fields=["read_at"])
    return locked


# --- sourcing requests -------------------------------------------------------------------------------------------


def clean_requirements(requirements) -> tuple[list[tuple[str, str, float]], dict]:
    """(figure, bound, value) triples checked against registry.figures, and the errors keyed `min_<figure>` …"""
    cleaned, errors = [], {}
    seen = set()
    for item in requirements or ():
        figure, bound, value = item
        name = f"{bound}_{figure}"
        if figure not in FIGURES or bound not in ("min", "max"):
            errors[name] = [_("Unknown figure or bound.")]
            continue
        if name in seen:
            errors[name] = [_("Give each threshold once.")]
            continue
        seen.add(name)
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            errors[name] = [_("Enter a number.")]
            continue
        if not math.isfinite(number):
            errors[name] = [_("Enter a number.")]
            continue
        problem = FIGURES[figure].problem(number)
        if problem:
            errors[name] = [str(problem)]
            continue
        cleaned.append((figure, bound, number))
    bounds = {(f, b): v for f, b, v in cleaned}
    for figure in FIGURES:
        low, high = bounds.get((figure, "min")), bounds.get((figure, "max"))
        if low is not None and high is not None and low > high:
            errors[f"max_{figure}"] = [_("The upper threshold is below the lower one.")]
    return cleaned, errors


@transaction.atomic
def sourcing_request_create(
    *, by: User, data: dict, requirements=(), certificates=()
) -> SourcingRequest:
    """An anchor firm's user posts a sourcing request: category, thresholds, yearly quantity, certificates, deadline."""
    _check(can_post_sourcing_request(by))
    unknown = set(data) - set(REQUEST_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in sorted(unknown)})
    errors: dict = _nul_errors(data)
    cleaned, requirement_errors = clean_requirements(requirements)
    errors.update(requirement_errors)
    certificate_types = []
    for value in certificates or ():
        if value not in Certificate.Type.values:
            errors["required_certificates"] = [_("Choose certificate types from the list.")]
            break
        if value not in certificate_types:
            certificate_types.append(value)
    values = {name: data.get(name) for name in REQUEST_FIELDS}
    for name in ("title", "description"):
        values[name] = (values[name] or "").strip()
    values["local_only"] = bool(values["local_only"])
    values["visibility"] = values["visibility"] or SourcingRequest.Visibility.PUBLIC
    category = values.pop("category")
    sourcing_request = SourcingRequest(
        anchor=by.company, created_by=by, status=RequestStatus.OPEN, required_certificates=certificate_types,
        **values,
    )
    if isinstance(category, Category):
        sourcing_request.category = category
    else:
        errors.setdefault("category", [_("Choose the category you need supply in.")])
    try:
        sourcing_request.full_clean(exclude=["anchor", "category", *errors], validate_constraints=False)
    except ValidationError as error:
        error.update_error_dict(errors)
    today = timezone.localdate()
    deadline = sourcing_request.deadline
    if "deadline" not in errors and deadline is not None:
        if deadline < today:
            errors["deadline"] = [_("The deadline cannot be in the past.")]
        elif deadline > today + timedelta(days=MAX_DEADLINE_DAYS):
            errors["deadline"] = [_("Give a deadline within a year from today.")]
    if "quantity" not in errors and sourcing_request.quantity is not None and sourcing_request.quantity <= 0:
        errors["quantity"] = [_("Give the quantity you need per year (more than zero).")]
    if errors:
        raise ValidationError(errors)
    _save_with_reason(sourcing_request, by, gettext_noop("Posted"))
    SourcingRequirement.objects.bulk_create(
        SourcingRequirement(request=sourcing_request, figure=figure, bound=bound, value=value)
        for figure, bound, value in cleaned
    )
    return sourcing_request


def _locked_request(sourcing_request: SourcingRequest) -> SourcingRequest:
    return SourcingRequest.objects.select_for_update().select_related("anchor", "category").get(pk=sourcing_request.pk)


@transaction.atomic
def sourcing_request_withdraw(*, by: User, sourcing_request: SourcingRequest, reason: str) -> SourcingRequest:
    """The anchor firm withdraws its open or shortlisted request, with a reason its suppliers read."""
    reason = _required_reason(reason)
    locked = _locked_request(sourcing_request)
    _refuse_request_move(locked, RequestStatus.WITHDRAWN)
    _check(can_withdraw_sourcing_request(by, locked))
    locked.status = RequestStatus.WITHDRAWN
    locked.status_reason = reason
    locked.closed_at = timezone.now()
    _save_with_reason(locked, by, gettext_noop("Withdrawn"))
    for offer in locked.offers.filter(status__in=(OfferStatus.SUBMITTED, OfferStatus.SHORTLISTED)).select_related(
        "supplier"
    ):
        notify(
            company=offer.supplier, link=request_url(locked),
            text=_("The sourcing request “%(title)s” of %(anchor)s was withdrawn: %(reason)s")
            % {"title": locked.title, "anchor": locked.anchor.name, "reason": reason},
        )
    return locked


def sourcing_requests_expire(*, today=None) -> int:
    """Mark every open or shortlisted request past its deadline as expired (the sweep; safe to run again)."""
    today = today or timezone.localdate()
    count = 0
    due = SourcingRequest.objects.filter(status__in=SourcingRequest.LIVE_STATUSES, deadline__lt=today)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            locked = SourcingRequest.objects.select_for_update().get(pk=pk)
            if locked.status in SourcingRequest.LIVE_STATUSES and locked.deadline < today:
                locked.status = RequestStatus.EXPIRED
                locked.closed_at = timezone.now()
                _save_with_reason(locked, None, gettext_noop("Expired at the deadline"))
                count += 1
    return count


# --- offers ------------------------------------------------------------------------------------------------------


@transaction.atomic
def offer_submit(*, by: User, sourcing_request: SourcingRequest, data: dict, products=()) -> Offer:
    """A supplier's user answers a live request with an offer: its products, a price range, a lead time, a note."""
    locked = _locked_request(sourcing_request)
    _check(can_offer(by, locked))
    unknown = set(data) - set(OFFER_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in sorted(unknown)})
    errors: dict = _nul_errors(data)
    in_category = set(locked.category.descendant_ids())
    chosen = list(products or ())
    if not chosen:
        errors["products"] = [_("Choose at least one of your products in the requested category.")]
    elif any(p.company_id != by.company_id or p.category_id not in in_category for p in chosen):
        # Another company's product (or one outside the category) answers the same as an unknown one.
        errors["products"] = [_("Choose your own products in the requested category.")]
    offer = Offer(
        request=locked, supplier=by.company, created_by=by, status=OfferStatus.SUBMITTED,
        note=(data.get("note") or "").strip(), price_low=data.get("price_low"), price_high=data.get("price_high"),
        lead_time_days=data.get("lead_time_days"),
    )
    try:
        offer.full_clean(exclude=["request", "supplier", *errors], validate_constraints=False)
    except ValidationError as error:
        error.update_error_dict(errors)
    if "price_low" not in errors and "price_high" not in errors and offer.price_high < offer.price_low:
        errors["price_high"] = [_("The upper price is below the lower one.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            _save_with_reason(offer, by, gettext_noop("Submitted"))
    except IntegrityError as exc:  # two users of one supplier answering at the same moment
        raise ValidationError(_("Your company has already answered this request.")) from exc
    offer.products.set(chosen)
    notify(
        company=locked.anchor, link=request_url(locked),
        subject=_("New offer to “%(title)s”") % {"title": locked.title},
        text=_("%(supplier)s made an offer to your sourcing request “%(title)s”.")
        % {"supplier": offer.supplier.name, "title": locked.title},
    )
    return offer


def _locked_offer(offer: Offer) -> Offer:
    _locked_request(offer.request)
    return Offer.objects.select_for_update().select_related("request__anchor", "request__category", "supplier").get(
        pk=offer.pk
    )


@transaction.atomic
def offer_shortlist(*, by: User, offer: Offer) -> Offer:
    """The anchor firm shortlists an offer; an open request becomes shortlisted."""
    locked = _locked_offer(offer)
    _refuse_offer_move(locked, OfferStatus.SHORTLISTED)
    _check(can_shortlist_offer(by, locked))
    locked.status = OfferStatus.SHORTLISTED
    _save_with_reason(locked, by, gettext_noop("Shortlisted"))
    request = locked.request
    if request.status == RequestStatus.OPEN:
        _refuse_request_move(request, RequestStatus.SHORTLISTED)
        request.status = RequestStatus.SHORTLISTED
        _save_with_reason(request, by, gettext_noop("Shortlisted"))
    notify(
        company=locked.supplier, link=request_url(request),
        subject=_("Your offer is shortlisted"),
        text=_("%(anchor)s shortlisted your offer to “%(title)s”.")
        % {"anchor": request.anchor.name, "title": request.title},
    )
    return locked


def _decline(locked: Offer, by: User | None, reason: str) -> None:
    locked.status = OfferStatus.DECLINED
    locked.status_reason = reason
    _save_with_reason(locked, by, gettext_noop("Declined"))
    notify(
        company=locked.supplier, link=request_url(locked.request),
        text=_("%(anchor)s declined your offer to “%(title)s”: %(reason)s")
        % {"anchor": locked.request.anchor.name, "title": locked.request.title, "reason": reason},
    )


@transaction.atomic
def offer_decline(*, by: User, offer: Offer, reason: str) -> Offer:
    """The anchor firm declines an offer, with a reason the supplier reads."""
    reason = _required_reason(reason)
    locked = _locked_offer(offer)
    _refuse_offer_move(locked, OfferStatus.DECLINED)
    _check(can_decline_offer(by, locked))
    _decline(locked, by, reason)
    return locked


def agreement_terms(offer: Offer, today=None) -> dict:
    """The supply agreement an accepted offer proposes: the request's quantity and unit, a year from today, the
    yearly value at the middle of the offered price range (calculators.matching.offer_annual_value)."""
    today = today or timezone.localdate()
    request = offer.request
    return {
        "title": (_("Supply agreement: %(title)s") % {"title": request.title})[:200],
        "description": _("From the sourcing request “%(title)s” and the offer of %(supplier)s.")
        % {"title": request.title, "supplier": offer.supplier.name},
        "started_on": today,
        "ends_on": today + timedelta(days=AGREEMENT_DAYS - 1),
        "committed_quantity": request.quantity,
        "quantity_unit": request.quantity_unit,
        "committed_value_per_year": offer_annual_value(request.quantity, offer.price_low, offer.price_high),
    }


@transaction.atomic
def offer_accept(*, by: User, offer: Offer) -> Offer:
    """The anchor firm accepts an offer: the request is awarded, the other live offers declined, and a supply
    agreement is proposed to the supplier (prefilled from the request), which the supplier confirms."""
    locked = _locked_offer(offer)
    _refuse_offer_move(locked, OfferStatus.ACCEPTED)
    _check(can_accept_offer(by, locked))
    request = locked.request
    _refuse_request_move(request, RequestStatus.AWARDED)
    collaboration = collaboration_propose(
        by=by, other_party=locked.supplier, model=Collaboration.Model.SUPPLY, data=agreement_terms(locked),
        categories=[request.category],
    )
    locked.status = OfferStatus.ACCEPTED
    locked.collaboration = collaboration
    _save_with_reason(locked, by, gettext_noop("Accepted"))
    request.status = RequestStatus.AWARDED
    request.closed_at = timezone.now()
    _save_with_reason(request, by, gettext_noop("Awarded"))
    others = request.offers.filter(status__in=(OfferStatus.SUBMITTED, OfferStatus.SHORTLISTED)).exclude(pk=locked.pk)
    for other in others.select_related("supplier", "request__anchor"):
        _decline(other, by, _("Another offer was accepted."))
    notify(
        company=locked.supplier,
        link=reverse("alliance:collaboration_detail", args=[collaboration.pk]),
        subject=_("Your offer is accepted"),
        text=_("%(anchor)s accepted your offer to “%(title)s”. Confirm the proposed supply agreement to make it "
               "active.") % {"anchor": request.anchor.name, "title": request.title},
    )
    return locked


def products_for_offer(company: Company, sourcing_request: SourcingRequest):
    """The company's products a supplier may offer for the request: those in its category or below it."""
    return Product.objects.filter(
        company=company, category_id__in=sourcing_request.category.descendant_ids()
    ).order_by("name", "pk")
