"""Writes and state changes of the registry. Views, admin, API and commands all call these.

Each service is atomic, validates with full_clean(), and records who acted: django-simple-history
stores every change with its user and a reason, which the admin shows as the company's history.
"""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from calculators.city_targets import meets_city_target

from .figures import FIGURES, figures_for_category
from .identifiers import check_organisation_type_if_known, division_code, validate_uscc
from .models import Certificate, Company, District, JoinRequest, Product, ProductFigure, User
from .permissions import can_edit_company, is_company_member, is_official
from .uploads import validate_document_upload


def _save_with_reason(obj, by: User | None, reason: str, **save_kwargs) -> None:
    obj._history_user = by
    obj._change_reason = reason
    obj.save(**save_kwargs)


def district_for_uscc(uscc: str) -> District | None:
    """The city district whose division code the USCC carries, when there is one."""
    return District.objects.filter(code=division_code(uscc)).first()


def _merge(errors: dict, error: ValidationError) -> dict:
    return error.update_error_dict(errors)


def _new_user(user_data: dict, company: Company | None) -> tuple[User, dict]:
    """An unsaved user built from sign-up data, with the errors full_clean and the password rules find."""
    data = dict(user_data)
    password = data.pop("password", "") or ""
    user = User(company=company, **data)
    errors: dict = {}
    try:
        user.full_clean(exclude=["password", "company"])
    except ValidationError as error:
        _merge(errors, error)
    try:
        validate_password(password, user)
    except ValidationError as error:
        errors.setdefault("password", []).extend(error.error_list)
    user.set_password(password)
    return user, errors


def _save_user(user: User) -> None:
    try:
        # A savepoint, so that a username taken between the check and the insert is a form error, not a 500.
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise ValidationError({"username": _("A user with that username already exists.")}) from exc


@transaction.atomic
def company_register(
    *, user_data: dict | None = None, company_data: dict, categories=(), user: User | None = None
) -> User:
    """Create a company (pending verification) with its first user: a new one from user_data, or `user`."""
    if (user_data is None) == (user is None):
        raise TypeError("Give either user_data (a new user) or user (an existing one without a company).")
    company_data = dict(company_data)
    errors: dict = {}
    # Both halves are validated before anything is written, so a person sees every problem at once.
    try:
        company_data["uscc"] = validate_uscc(company_data.get("uscc", ""))
    except ValidationError as error:
        errors["uscc"] = error.messages
    else:
        if Company.objects.filter(uscc=company_data["uscc"]).exists():
            errors["uscc"] = [_("A company with this USCC is already registered.")]
        if not company_data.get("district"):
            company_data["district"] = district_for_uscc(company_data["uscc"])
    company = Company(status=Company.Status.PENDING, **company_data)
    try:
        company.full_clean(exclude=list(errors))
    except ValidationError as error:
        _merge(errors, error)
    if "uscc" not in errors and "organisation_type" not in errors:
        try:
            check_organisation_type_if_known(company.organisation_type, company.uscc)
        except ValidationError as error:
            errors["organisation_type"] = error.messages
    if user is None:
        user, user_errors = _new_user(user_data, company)
        for field, messages in user_errors.items():
            errors.setdefault(field, []).extend(messages)
        history_user = None
    else:
        if user.company_id:
            errors.setdefault(NON_FIELD_ERRORS, []).append(_("You already belong to a company."))
        history_user = user
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            _save_with_reason(company, history_user, gettext_noop("Registered"))
    except IntegrityError as exc:
        raise ValidationError({"uscc": _("A company with this USCC is already registered.")}) from exc
    if categories:
        company.categories.set(categories)
    user.company = company
    if user.pk is None:
        _save_user(user)
        # The company was saved before its first user existed: credit the registration to that user.
        company.history.filter(history_user__isnull=True).update(history_user=user)
    else:
        user.save(update_fields=["company"])
    return user


@transaction.atomic
def join_request_create(*, user: User, company: Company, message: str = "") -> JoinRequest:
    """A user without a company asks to join a registered one."""
    if user.company_id:
        raise ValidationError(_("You already belong to a company."))
    if JoinRequest.objects.filter(user=user, company=company, status=JoinRequest.Status.PENDING).exists():
        raise ValidationError(_("You have already asked to join this company; the request awaits a decision."))
    request = JoinRequest(user=user, company=company, message=message)
    request.full_clean()
    _save_with_reason(request, user, gettext_noop("Requested"))
    return request


@transaction.atomic
def join_request_signup(*, user_data: dict, company: Company, message: str = "") -> User:
    """Create a user without a company and its request to join `company`, together or not at all."""
    user, errors = _new_user(user_data, None)
    if errors:
        raise ValidationError(errors)
    _save_user(user)
    join_request_create(user=user, company=company, message=message)
    return user


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
    member = User.objects.select_for_update().get(pk=join_request.user_id)
    if approve and member.company_id:
        # A user belongs to one company; another request may have been approved in the meantime.
        raise ValidationError(_("%(user)s already belongs to a company."), params={"user": member.get_username()})
    join_request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
    join_request.decided_by = by
    join_request.decided_at = timezone.now()
    _save_with_reason(join_request, by, join_request.status)
    if approve:
        member.company = join_request.company
        member.save(update_fields=["company"])
        join_request.user = member
    return join_request


# What a company's users may change on its profile; the rest is the bureau's (status, anchor, locality).
COMPANY_PROFILE_FIELDS = (
    "name", "name_en", "organisation_type", "description", "district", "address", "website",
    "contact_name", "contact_phone", "contact_email", "employees", "revenue_cny",
)


@transaction.atomic
def company_update(*, company: Company, by: User, data: dict, categories=None) -> Company:
    """A company's user edits its profile; the USCC, status and anchor flag are not theirs to change."""
    allowed, reason = can_edit_company(by, company)
    if not allowed:
        raise PermissionDenied(reason)
    refused = {field: _("This field cannot be changed here.") for field in data if field not in COMPANY_PROFILE_FIELDS}
    if refused:
        raise ValidationError(refused)
    company = _locked(company)
    type_before = company.organisation_type
    for field, value in data.items():
        setattr(company, field, value)
    company.full_clean()
    if company.organisation_type != type_before:
        # Only when the type changes: an older record that does not fit still saves its other edits.
        try:
            check_organisation_type_if_known(company.organisation_type, company.uscc)
        except ValidationError as error:
            raise ValidationError({"organisation_type": error.messages}) from error
    _save_with_reason(company, by, gettext_noop("Profile edited"))
    if categories is not None:
        company.categories.set(categories)
    return company


# --- verification by officials -------------------------------------------------------------

# Which status each verification move may start from. Verify also re-verifies (a new year from today);
# a verified company that must leave the directory is suspended, not rejected.
COMPANY_STATUS_MOVES = {
    Company.Status.VERIFIED: {
        Company.Status.PENDING, Company.Status.VERIFIED, Company.Status.REJECTED, Company.Status.SUSPENDED,
    },
    Company.Status.REJECTED: {Company.Status.PENDING, Company.Status.SUSPENDED},
    Company.Status.SUSPENDED: {Company.Status.VERIFIED},
}

# django-simple-history stores the change reason in a 100-character column.
HISTORY_REASON_MAX = 100


def _require_official(by: User) -> None:
    if not (is_official(by) and by.has_perm("registry.verify_company")):
        raise PermissionDenied(_("Only officials with the verify permission can do this."))


def _locked(company: Company) -> Company:
    return Company.objects.select_for_update().get(pk=company.pk)


def _check_move(company: Company, to_status: str) -> None:
    if company.status not in COMPANY_STATUS_MOVES[to_status]:
        if to_status == Company.Status.REJECTED and company.status == Company.Status.VERIFIED:
            message = _("%(company)s is verified: suspend it instead of rejecting it.")
        elif to_status == company.status:
            message = _("%(company)s is already %(status)s.")
        else:
            message = _("%(company)s cannot be %(action)s while it is %(status)s.")
        raise ValidationError(
            message,
            code="status",
            params={
                "company": company.name,
                "status": company.get_status_display().lower(),
                "action": Company.Status(to_status).label.lower(),
            },
        )


def history_reason(action: str, reason: str = "") -> str:
    """The history line: the action, then the official's reason cut to fit (status_reason keeps it whole)."""
    text = f"{action}: {reason}" if reason else action
    if len(text) > HISTORY_REASON_MAX:
        text = text[: HISTORY_REASON_MAX - 1] + "…"
    return text


@transaction.atomic
def company_verify(*, company: Company, by: User, locality_confirmed: bool | None = None) -> Company:
    """Verify (or re-verify) a company for VERIFICATION_VALIDITY_DAYS from today."""
    _require_official(by)
    company = _locked(company)
    _check_move(company, Company.Status.VERIFIED)
    reverify = company.status == Company.Status.VERIFIED
    # Verifying is reviewing the company's page, its certificates included: they count as checked from now.
    _mark_checked(company.certificates.filter(checked_at__isnull=True), by)
    company.status = Company.Status.VERIFIED
    company.status_reason = ""
    company.verified_at = timezone.now()
    company.verified_by = by
    company.verified_until = company.verification_end(timezone.localdate())
    if locality_confirmed is not None:
        company.locality_confirmed = locality_confirmed
    until = company.verified_until.isoformat()
    action = gettext_noop("Re-verified") if reverify else gettext_noop("Verified")
    _save_with_reason(company, by, history_reason(action, f"until {until}"))
    return company


@transaction.atomic
def company_reject(*, company: Company, by: User, reason: str) -> Company:
    """Reject a registration; the reason is required and shown to the company."""
    _require_official(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for rejecting.")})
    company = _locked(company)
    _check_move(company, Company.Status.REJECTED)
    company.status = Company.Status.REJECTED
    company.status_reason = reason
    company.verified_until = None
    _save_with_reason(company, by, history_reason(gettext_noop("Rejected"), reason))
    return company


@transaction.atomic
def company_suspend(*, company: Company, by: User, reason: str = "") -> Company:
    """Suspend a verified company: it leaves the directory until verified again."""
    _require_official(by)
    reason = (reason or "").strip()
    company = _locked(company)
    _check_move(company, Company.Status.SUSPENDED)
    company.status = Company.Status.SUSPENDED
    company.status_reason = reason
    _save_with_reason(company, by, history_reason(gettext_noop("Suspended"), reason))
    return company


@transaction.atomic
def company_set_anchor(*, company: Company, by: User, is_anchor: bool) -> Company:
    """Designate a company as an anchor firm (链主企业), or remove the designation."""
    _require_official(by)
    company = _locked(company)
    if company.is_anchor == is_anchor:
        raise ValidationError(
            _("%(company)s is already an anchor firm.") if is_anchor else _("%(company)s is not an anchor firm."),
            code="unchanged",
            params={"company": company.name},
        )
    company.is_anchor = is_anchor
    reason = gettext_noop("Designated anchor firm") if is_anchor else gettext_noop("Anchor designation removed")
    _save_with_reason(company, by, reason)
    return company


@transaction.atomic
def company_confirm_locality(*, company: Company, by: User, is_local: bool) -> Company:
    """Confirm or deny that a company is local; the confirmed flag is what the LCR counts."""
    _require_official(by)
    company = _locked(company)
    # Confirming again is allowed on purpose: at re-verification it records who checked, and when.
    company.locality_confirmed = is_local
    _save_with_reason(company, by, gettext_noop("Locality confirmed") if is_local else gettext_noop("Locality denied"))
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
        raise PermissionDenied(_("This product belongs to another company."))
    product = product or Product(company=company)
    for field, value in data.items():
        setattr(product, field, value)
    product.company = company
    # Field and figure problems are reported together, so one round trip shows them all.
    errors: dict = {}
    try:
        product.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    clean_figures = {}
    if product.category_id is not None:
        try:
            clean_figures = validate_figures(product.category, figures)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    product.meets_target = meets_city_target(product.category.slug, product.application, clean_figures)
    _save_with_reason(product, by, gettext_noop("Saved"))
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


# --- certificates (the company's own pages) ------------------------------------------------------

# What a company's users may set on a certificate; the document goes through its own argument.
CERTIFICATE_FIELDS = ("cert_type", "number", "issuer", "valid_from", "valid_until")


def _delete_file_after_commit(storage, name: str) -> None:
    # Only once the row change is committed: a rollback must not leave a record pointing at nothing.
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def certificate_save(
    *, by: User, company: Company, data: dict, document=None, certificate: Certificate | None = None
) -> Certificate:
    """Create or update a certificate; a new document (checked by content and size) replaces the old one."""
    allowed, reason = can_edit_company(by, company)
    if not allowed:
        raise PermissionDenied(reason)
    if certificate is not None:
        if certificate.company_id != company.pk:
            raise PermissionDenied(_("This certificate belongs to another company."))
        # A fresh, locked copy: the caller's instance may carry unsaved changes (a bound ModelForm's).
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    else:
        certificate = Certificate(company=company)
    errors: dict = {}
    for field in data:
        if field not in CERTIFICATE_FIELDS:
            errors[field] = [_("This field cannot be changed here.")]
    if errors:
        raise ValidationError(errors)
    for field, value in data.items():
        setattr(certificate, field, value)
    if certificate.valid_from and certificate.valid_until and certificate.valid_until < certificate.valid_from:
        errors["valid_until"] = [_("The end of validity cannot be before its start.")]
    if document is not None:
        try:
            validate_document_upload(document)
        except ValidationError as error:
            errors["document"] = error.messages
    try:
        certificate.full_clean(exclude=[*errors, "document"])
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    replaced = certificate.document.name if (document is not None and certificate.pk) else ""
    if document is not None:
        certificate.document = document
    # Whatever the company changes, an official has not yet seen.
    certificate.checked_at = certificate.checked_by = None
    _save_with_reason(certificate, by, gettext_noop("Saved"))
    _delete_file_after_commit(certificate.document.storage, replaced)
    return certificate


@transaction.atomic
def certificates_mark_checked(*, certificates, by: User) -> int:
    """An official has looked at these certificates' documents; returns how many were not yet checked."""
    _require_official(by)
    return _mark_checked(certificates.filter(checked_at__isnull=True), by)


def _mark_checked(certificates, by: User) -> int:
    now = timezone.now()
    count = 0
    for certificate in certificates.select_for_update():
        certificate.checked_at, certificate.checked_by = now, by
        # Only the check is written: updated_at stays the company's last change ("changed since verification").
        _save_with_reason(
            certificate, by, gettext_noop("Checked by an official"), update_fields=["checked_at", "checked_by"]
        )
        count += 1
    return count


@transaction.atomic
def certificate_delete(*, by: User, certificate: Certificate) -> None:
    """Delete a certificate and, once that is committed, its stored document."""
    allowed, reason = can_edit_company(by, certificate.company)
    if not allowed:
        raise PermissionDenied(reason)
    name, storage = certificate.document.name, certificate.document.storage
    certificate._history_user = by
    certificate.delete()
    _delete_file_after_commit(storage, name)
