"""Writes and state changes of the registry. Views, admin, API and commands all call these.

Each service is atomic, validates with full_clean(), and records who acted: django-simple-history
stores every change with its user and a reason, which the admin shows as the company's history.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calculators.city_targets import meets_city_target

from .figures import FIGURES, figures_for_category
from .identifiers import division_code, validate_uscc
from .models import Company, District, JoinRequest, Product, ProductFigure, User
from .permissions import can_edit_company, is_company_member, is_official


def _save_with_reason(obj, by: User | None, reason: str, **save_kwargs) -> None:
    obj._history_user = by
    obj._change_reason = reason
    obj.save(**save_kwargs)


def district_for_uscc(uscc: str) -> District | None:
    """The city district whose division code the USCC carries, when there is one."""
    return District.objects.filter(code=division_code(uscc)).first()


@transaction.atomic
def company_register(*, user_data: dict, company_data: dict, categories=()) -> User:
    """Create a company (pending verification) and its first user in one step."""
    company_data = dict(company_data)
    company_data["uscc"] = validate_uscc(company_data["uscc"])
    if Company.objects.filter(uscc=company_data["uscc"]).exists():
        raise ValidationError({"uscc": _("A company with this USCC is already registered.")})
    if not company_data.get("district"):
        company_data["district"] = district_for_uscc(company_data["uscc"])
    company = Company(status=Company.Status.PENDING, **company_data)
    company.full_clean()
    _save_with_reason(company, None, "Registered")
    if categories:
        company.categories.set(categories)
    password = user_data.pop("password")
    user = User(company=company, **user_data)
    user.set_password(password)
    user.full_clean()
    user.save()
    company.history.filter(history_user__isnull=True).update(history_user=user)
    return user


@transaction.atomic
def join_request_create(*, user: User, company: Company, message: str = "") -> JoinRequest:
    """A user without a company asks to join a registered one."""
    if user.company_id:
        raise ValidationError(_("You already belong to a company."))
    request = JoinRequest(user=user, company=company, message=message)
    request.full_clean()
    request.save()
    return request


def can_decide_join_request(user: User, join_request: JoinRequest) -> tuple[bool, str]:
    if join_request.status != JoinRequest.Status.PENDING:
        return False, _("This request has already been decided.")
    if is_company_member(user, join_request.company) or is_official(user):
        return True, ""
    return False, _("Only the company's users or an official can decide this request.")


@transaction.atomic
def join_request_decide(*, join_request: JoinRequest, by: User, approve: bool) -> JoinRequest:
    """Approve (the user joins the company) or decline a join request."""
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    allowed, reason = can_decide_join_request(by, join_request)
    if not allowed:
        raise PermissionDenied(reason)
    join_request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
    join_request.decided_by = by
    join_request.decided_at = timezone.now()
    _save_with_reason(join_request, by, join_request.status)
    if approve:
        member = join_request.user
        member.company = join_request.company
        member.save(update_fields=["company"])
    return join_request


@transaction.atomic
def company_update(*, company: Company, by: User, data: dict, categories=None) -> Company:
    """A company's user edits its profile; the USCC, status and anchor flag are not theirs to change."""
    allowed, reason = can_edit_company(by, company)
    if not allowed:
        raise PermissionDenied(reason)
    protected = {"uscc", "status", "is_anchor", "locality_confirmed", "verified_at", "verified_until", "verified_by"}
    for field, value in data.items():
        if field in protected:
            raise ValidationError({field: _("This field cannot be changed here.")})
        setattr(company, field, value)
    company.full_clean()
    _save_with_reason(company, by, "Profile edited")
    if categories is not None:
        company.categories.set(categories)
    return company


# --- verification by officials -------------------------------------------------------------

def _require_official(by: User) -> None:
    if not (is_official(by) and by.has_perm("registry.verify_company")):
        raise PermissionDenied(_("Only officials with the verify permission can do this."))


def _locked(company: Company) -> Company:
    return Company.objects.select_for_update().get(pk=company.pk)


@transaction.atomic
def company_verify(*, company: Company, by: User, locality_confirmed: bool | None = None) -> Company:
    """Verify (or re-verify) a company for VERIFICATION_VALIDITY_DAYS from today."""
    _require_official(by)
    company = _locked(company)
    now = timezone.now()
    company.status = Company.Status.VERIFIED
    company.status_reason = ""
    company.verified_at = now
    company.verified_by = by
    company.verified_until = company.verification_end(timezone.localdate())
    if locality_confirmed is not None:
        company.locality_confirmed = locality_confirmed
    _save_with_reason(company, by, "Verified")
    return company


@transaction.atomic
def company_reject(*, company: Company, by: User, reason: str) -> Company:
    """Reject a registration; the reason is required and shown to the company."""
    _require_official(by)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for rejecting.")})
    company = _locked(company)
    company.status = Company.Status.REJECTED
    company.status_reason = reason.strip()
    company.verified_until = None
    _save_with_reason(company, by, f"Rejected: {reason.strip()}")
    return company


@transaction.atomic
def company_suspend(*, company: Company, by: User, reason: str = "") -> Company:
    """Suspend a company: it leaves the directory until verified again."""
    _require_official(by)
    company = _locked(company)
    company.status = Company.Status.SUSPENDED
    company.status_reason = (reason or "").strip()
    _save_with_reason(company, by, f"Suspended: {company.status_reason}".rstrip(": "))
    return company


@transaction.atomic
def company_set_anchor(*, company: Company, by: User, is_anchor: bool) -> Company:
    """Designate a company as an anchor firm (链主企业), or remove the designation."""
    _require_official(by)
    company = _locked(company)
    company.is_anchor = is_anchor
    _save_with_reason(company, by, "Designated anchor firm" if is_anchor else "Anchor designation removed")
    return company


@transaction.atomic
def company_confirm_locality(*, company: Company, by: User, is_local: bool) -> Company:
    """Confirm or deny that a company is local; the confirmed flag is what the LCR counts."""
    _require_official(by)
    company = _locked(company)
    company.locality_confirmed = is_local
    _save_with_reason(company, by, "Locality confirmed" if is_local else "Locality denied")
    return company


# --- products --------------------------------------------------------------------------------

def validate_figures(category, figures: dict) -> dict[str, float]:
    """Keep the figures the category uses, refusing unknown keys and implausible values by name."""
    allowed = set(figures_for_category(category))
    clean, errors = {}, {}
    for key, value in figures.items():
        if value in (None, ""):
            continue
        if key not in FIGURES:
            errors[key] = _("Unknown figure.")
            continue
        if key not in allowed:
            errors[key] = _("Products in this category do not report this figure.")
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            errors[key] = _("Enter a number.")
            continue
        if number != number or number in (float("inf"), float("-inf")):
            errors[key] = _("Enter a finite number.")
            continue
        problem = FIGURES[key].problem(number)
        if problem:
            errors[key] = problem
        else:
            clean[key] = number
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def product_save(*, by: User, company: Company, data: dict, figures: dict, product: Product | None = None) -> Product:
    """Create or update a product with its figures; the target badge is recomputed from them."""
    allowed, reason = can_edit_company(by, company)
    if not allowed:
        raise PermissionDenied(reason)
    if product is not None and product.company_id != company.pk:
        raise PermissionDenied(reason)
    product = product or Product(company=company)
    for field, value in data.items():
        setattr(product, field, value)
    product.company = company
    product.full_clean()
    clean_figures = validate_figures(product.category, figures)
    product.meets_target = meets_city_target(product.category.slug, product.application, clean_figures)
    _save_with_reason(product, by, "Saved")
    product.figures.exclude(figure__in=clean_figures).delete()
    for key, value in clean_figures.items():
        ProductFigure.objects.update_or_create(product=product, figure=key, defaults={"value": value})
    product.__dict__.pop("figure_values", None)
    return product


@transaction.atomic
def product_delete(*, by: User, product: Product) -> None:
    allowed, reason = can_edit_company(by, product.company)
    if not allowed:
        raise PermissionDenied(reason)
    product._history_user = by
    product.delete()
