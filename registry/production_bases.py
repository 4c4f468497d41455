"""A company's production bases and its requests for industrial land (seed suggestion 4, Table 4: "priority land
allocation for solid-state battery production bases").

Services (writes and the requests' one status map) and selectors (what a user may see, and the officials'
priority order) in one place: the pages under /my/, the admin and the API all call these.

The priority order, for every list of land requests officials read: solid-state battery production bases first,
then the larger base first, then the older request first. Capacities are compared in GWh a year (MWh counted
as a thousandth of a GWh); a base whose capacity is in another unit (tonnes, units) cannot be weighed against
them and comes after those that can, within its tier.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, DecimalField, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import Company, LandRequest, Product, ProductionBase, User
from .permissions import is_company_member, is_official

Status = LandRequest.Status

# The one status map: where a land request may go from where it is.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset({Status.UNDER_REVIEW, Status.GRANTED, Status.DECLINED}),
    Status.UNDER_REVIEW: frozenset({Status.GRANTED, Status.DECLINED}),
    Status.GRANTED: frozenset(),
    Status.DECLINED: frozenset(),
}
WAITING = (Status.SUBMITTED, Status.UNDER_REVIEW)

# What a capacity is worth in GWh a year, by unit; units missing here are not comparable.
GWH_PER_UNIT = {Product.CapacityUnit.GWH: Decimal("1"), Product.CapacityUnit.MWH: Decimal("0.001")}


# --- selectors -----------------------------------------------------------------------------------------------

def visible_bases(user, queryset=None):
    """Officials see every base; a company's users their own; nobody else any (bases are not published)."""
    queryset = ProductionBase.objects.all() if queryset is None else queryset
    if is_official(user):
        return queryset
    if user and user.is_authenticated and user.company_id:
        return queryset.filter(company_id=user.company_id)
    return queryset.none()


def visible_land_requests(user, queryset=None):
    queryset = LandRequest.objects.all() if queryset is None else queryset
    if is_official(user):
        return queryset
    if user and user.is_authenticated and user.company_id:
        return queryset.filter(base__company_id=user.company_id)
    return queryset.none()


def with_comparable_capacity(queryset, prefix: str = "base__"):
    """Annotate `capacity_gwh`: the base's capacity in GWh a year, or null when its unit is not energy."""
    return queryset.annotate(capacity_gwh=Case(
        *[When(**{f"{prefix}capacity_unit": unit}, then=F(f"{prefix}capacity") * Value(factor))
          for unit, factor in GWH_PER_UNIT.items()],
        default=None, output_field=DecimalField(max_digits=20, decimal_places=5),
    ))


PRIORITY_ORDERING = (
    F("base__is_solid_state").desc(),
    F("capacity_gwh").desc(nulls_last=True),
    F("requested_on").asc(),
    F("pk").asc(),
)


def in_priority_order(queryset=None):
    """Land requests in the officials' priority order (the module's docstring says which)."""
    queryset = LandRequest.objects.all() if queryset is None else queryset
    return with_comparable_capacity(queryset).select_related("base", "base__company").order_by(*PRIORITY_ORDERING)


def waiting_in_priority_order():
    """What waits for a decision, in the order officials should take it."""
    return in_priority_order(LandRequest.objects.filter(status__in=WAITING))


def company_bases(company: Company):
    return ProductionBase.objects.filter(company=company).select_related("district").order_by("name")


# --- services ------------------------------------------------------------------------------------------------

def _save(obj, by, reason):
    obj._history_user = by
    obj._change_reason = reason
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def production_base_save(*, by: User, company: Company, data: dict, base: ProductionBase | None = None):
    """Record or change one of `company`'s production bases."""
    if base is not None and base.company_id != company.pk:
        raise PermissionDenied(_("Only the company's own users can change its production bases."))
    base = base or ProductionBase(company=company, created_by=by)
    for name in ("name", "address", "district", "capacity", "capacity_unit", "stage", "is_solid_state"):
        if name in data:
            setattr(base, name, data[name])
    if ProductionBase.objects.filter(company=company, name=base.name).exclude(pk=base.pk).exists():
        raise ValidationError({"name": _("Your company already has a production base of this name.")})
    try:
        with transaction.atomic():
            return _save(base, by, gettext_noop("Recorded on the company's pages"))
    except IntegrityError:
        raise ValidationError({"name": _("Your company already has a production base of this name.")}) from None


@transaction.atomic
def land_request_submit(*, by: User, base: ProductionBase, area_m2: Decimal, purpose: str,
                        requested_on=None) -> LandRequest:
    """A company asks for industrial land for one of its own bases; it waits in the officials' queue."""
    if not is_company_member(by, base.company):
        # Said about the field: the base chosen is not one of the company's.
        raise ValidationError({"base": _("Choose one of your company's production bases.")}, code="not_own_base")
    request = LandRequest(
        base=base, area_m2=area_m2, purpose=(purpose or "").strip(), created_by=by,
        requested_on=requested_on or timezone.localdate(),
    )
    return _save(request, by, gettext_noop("Submitted"))


def _move(land_request: LandRequest, to_status: str, *, by: User, reason: str = "") -> LandRequest:
    if not is_official(by):
        raise PermissionDenied(_("Only officials decide land requests."))
    locked = LandRequest.objects.select_for_update().get(pk=land_request.pk)
    if to_status not in ALLOWED_TRANSITIONS[locked.status]:
        raise ValidationError(_("A request that is %(status)s cannot become %(to)s.") % {
            "status": locked.get_status_display().lower(), "to": Status(to_status).label.lower()})
    locked.status = to_status
    if to_status in (Status.GRANTED, Status.DECLINED):
        locked.decided_by, locked.decided_at = by, timezone.now()
        locked.decision_reason = (reason or "").strip()
    return _save(locked, by, {
        Status.UNDER_REVIEW: gettext_noop("Taken under review"),
        Status.GRANTED: gettext_noop("Granted"),
        Status.DECLINED: gettext_noop("Declined"),
    }[to_status])


@transaction.atomic
def land_request_review(*, land_request: LandRequest, by: User) -> LandRequest:
    return _move(land_request, Status.UNDER_REVIEW, by=by)


@transaction.atomic
def land_request_grant(*, land_request: LandRequest, by: User, reason: str = "") -> LandRequest:
    return _move(land_request, Status.GRANTED, by=by, reason=reason)


@transaction.atomic
def land_request_decline(*, land_request: LandRequest, by: User, reason: str) -> LandRequest:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for declining; the company reads it.")})
    return _move(land_request, Status.DECLINED, by=by, reason=reason)

