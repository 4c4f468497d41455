"""The alliance's members: admitting an organisation, changing its tier, ending its membership, and the reads
the public page and the API make of them.

Every move is atomic, locks the membership it changes, and lands in its history with the official and the
reason (django-simple-history); the admin and any other caller go through these functions.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from registry.identifiers import check_organisation_type
from registry.models import Category, Company, District, User
from registry.services import history_reason

from .models import Membership
from .permissions import can_manage_members


def _save(membership: Membership, by: User, reason: str) -> None:
    membership._history_user = by
    membership._change_reason = reason
    membership.save()


def _require(by: User, *, admit: bool = False) -> None:
    allowed, reason = can_manage_members(by, admit=admit)
    if not allowed:
        raise PermissionDenied(reason)


def _locked(membership: Membership) -> Membership:
    return Membership.objects.select_for_update().select_related("organisation").get(pk=membership.pk)


def admission_problem(organisation: Company) -> ValidationError | None:
    """Why this organisation cannot be admitted now, or None: the admin's form shows it beside the field."""
    if organisation.status != Company.Status.VERIFIED:
        return ValidationError(
            _("%(name)s is not verified in the registry (it is %(status)s): only verified organisations are "
              "admitted."),
            code="not_verified",
            params={"name": organisation.name, "status": organisation.get_status_display().lower()},
        )
    if not organisation.is_published:
        return ValidationError(
            _("The verification of %(name)s has expired: verify it again in the registry before admitting it."),
            code="verification_expired", params={"name": organisation.name},
        )
    try:
        check_organisation_type(organisation.organisation_type, organisation.uscc)
    except ValidationError as error:
        return ValidationError(
            _("%(name)s cannot be admitted: %(problem)s"),
            code="entity_type", params={"name": organisation.name, "problem": " ".join(error.messages)},
        )
    if Membership.objects.filter(organisation=organisation, status=Membership.Status.ACTIVE).exists():
        return ValidationError(
            _("%(name)s is already a member of the alliance."), code="already_member",
            params={"name": organisation.name},
        )
    return None


@transaction.atomic
def membership_admit(
    *, organisation: Company, by: User, tier: str = Membership.Tier.MEMBER, joined_on: date | None = None
) -> Membership:
    """Admit a verified organisation of the registry to the alliance, in a tier, from joined_on (default today)."""
    _require(by, admit=True)
    # Locking the organisation serialises two officials admitting it at once; the partial unique index is the
    # last word if anything else slips through.
    organisation = Company.objects.select_for_update().get(pk=organisation.pk)
    problem = admission_problem(organisation)
    if problem is not None:
        raise ValidationError({"organisation": problem.messages})
    joined_on = joined_on or timezone.localdate()
    if joined_on > timezone.localdate():
        raise ValidationError({"joined_on": _("The joining date cannot be in the future.")})
    membership = Membership(
        organisation=organisation, tier=tier, status=Membership.Status.ACTIVE, joined_on=joined_on, admitted_by=by
    )
    membership.full_clean()
    try:
        with transaction.atomic():
            _save(membership, by, history_reason(gettext_noop("Admitted"), membership.get_tier_display()))
    except IntegrityError as exc:
        raise ValidationError(
            {"organisation": _("%(name)s is already a member of the alliance.") % {"name": organisation.name}}
        ) from exc
    return membership


@transaction.atomic
def membership_change_tier(*, membership: Membership, by: User, tier: str) -> Membership:
    """Move an active member to another tier (council member or member)."""
    _require(by)
    membership = _locked(membership)
    if tier not in Membership.Tier.values:
        raise ValidationError({"tier": _("Choose council member or member.")})
    if membership.status != Membership.Status.ACTIVE:
        raise ValidationError(
            _("The membership of %(name)s has ended; admit it again instead."),
            code="ended", params={"name": membership.organisation.name},
        )
    if membership.tier == tier:
        raise ValidationError(
            _("%(name)s is already in the tier “%(tier)s”."),
            code="unchanged", params={"name": membership.organisation.name, "tier": membership.get_tier_display()},
        )
    before = membership.get_tier_display()
    membership.tier = tier
    _save(membership, by, history_reason(gettext_noop("Tier changed"), f"{before} → {membership.get_tier_display()}"))
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, by: User, reason: str, left_on: date | None = None) -> Membership:
    """End an active membership on left_on (default today), with the reason the official gives."""
    _require(by)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = [_("Give the reason for ending the membership.")]
    membership = _locked(membership)
    if membership.status != Membership.Status.ACTIVE:
        raise ValidationError(
            _("The membership of %(name)s has already ended."), code="ended",
            params={"name": membership.organisation.name},
        )
    left_on = left_on or timezone.localdate()
    if left_on < membership.joined_on:
        errors["left_on"] = [
            _("The leaving date cannot be before the joining date (%(joined)s).")
            % {"joined": membership.joined_on.isoformat()}
        ]
    elif left_on > timezone.localdate():
        errors["left_on"] = [_("The leaving date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    membership.status = Membership.Status.ENDED
    membership.left_on = left_on
    membership.end_reason = reason
    _save(membership, by, history_reason(gettext_noop("Ended"), reason))
    return membership


# --- reads -----------------------------------------------------------------------------------------------------

def active_memberships():
    return Membership.objects.filter(status=Membership.Status.ACTIVE).select_related(
        "organisation", "organisation__district"
    )


def members_by_tier() -> list[dict]:
    """The active members grouped by tier, council first: [{tier, label, members}]."""
    memberships = list(active_memberships().order_by("organisation__name", "pk"))
    return [
        {"tier": value, "label": label, "members": [m for m in memberships if m.tier == value]}
        for value, label in Membership.Tier.choices
    ]


def member_counts_by_organisation_type() -> list[dict]:
    """How many active members of each organisation type (company, university, institute, association)."""
    counts = dict(
        active_memberships().values_list("organisation__organisation_type").annotate(n=Count("pk")).order_by()
    )
    return [{"label": label, "count": counts.get(value, 0)} for value, label in Company.OrganisationType.choices]


def member_counts_by_category() -> list[dict]:
    """How many active members list each top-level supply-chain category (a member may count in several)."""
    member_ids = active_memberships().values("organisation_id")
    rows = []
    for category in Category.objects.filter(parent__isnull=True).order_by("position", "name"):
        ids = category.descendant_ids()
        count = (
            Company.objects.filter(pk__in=member_ids)
            .filter(Q(categories__in=ids) | Q(products__category__in=ids))
            .distinct()
            .count()
        )
        rows.append({"label": category.display_name, "slug": category.slug, "count": count})
    return rows


def member_counts_by_district() -> list[dict]:
    """How many active members in each district of the city, then those registered elsewhere."""
    counts = dict(active_memberships().values_list("organisation__district").annotate(n=Count("pk")).order_by())
    rows = [
        {"label": district.display_name, "code": district.code, "count": counts.get(district.pk, 0)}
        for district in District.objects.order_by("code")
    ]
    if counts.get(None):
        rows.append({"label": _("Outside the city or not given"), "code": "", "count": counts[None]})
    return rows


def membership_of(company: Company) -> Membership | None:
    """The organisation's current membership, if it is a member."""
    return Membership.objects.filter(organisation=company, status=Membership.Status.ACTIVE).first()
