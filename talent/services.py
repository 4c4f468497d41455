"""Writes of the talent plan's records: each validated, atomic, and saved with who recorded it.

The total package of an overseas specialist (C_total) and nothing else is computed here, from the parts, by
calculators.talent; every other figure is a count the organisation enters and the selectors sum.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from calculators.talent import compensation_total
from registry.bounds import MAX_AMOUNT, amount_too_large_message
from registry.models import Company

from .models import OverseasSpecialist, Scholarship, ScholarshipRecipient, TrainingBase, TrainingYear

INSTITUTION_TYPES = (Company.OrganisationType.UNIVERSITY, Company.OrganisationType.INSTITUTE)
MAX_OTHER_BENEFITS = 10
BENEFIT_LABEL_MAX = 100
# Recipients added in one go: a year's scholarship for a whole cohort fits; more is a typing error.
MAX_RECIPIENTS_AT_ONCE = 500


def _save(obj, by, reason):
    obj._history_user = by
    obj._change_reason = reason
    obj.full_clean()
    obj.save()
    return obj


def _check_institution(institution, field="institution"):
    if institution is not None and institution.organisation_type not in INSTITUTION_TYPES:
        raise ValidationError({field: _("Choose a university or research institute of the registry.")})


@transaction.atomic
def training_base_save(*, by, organisation: Company, data: dict, companies=(), base: TrainingBase | None = None):
    """Record or change a training base of `organisation`: its name, the institution and the companies."""
    _check_institution(data.get("institution"))
    for company in companies:
        if company.organisation_type != Company.OrganisationType.COMPANY:
            raise ValidationError({"companies": _("Only companies can be the base's companies.")})
    base = base or TrainingBase(organisation=organisation)
    for name in ("name", "institution", "established_year"):
        if name in data:
            setattr(base, name, data[name])
    if TrainingBase.objects.filter(organisation=base.organisation, name=base.name).exclude(pk=base.pk).exists():
        raise ValidationError({"name": _("Your organisation already has a training base of this name.")})
    try:
        with transaction.atomic():
            _save(base, by, gettext_noop("Recorded on the organisation's pages"))
    except IntegrityError:
        raise ValidationError({"name": _("Your organisation already has a training base of this name.")}) from None
    base.companies.set(companies)
    return base


@transaction.atomic
def training_year_save(*, by, base: TrainingBase, year: int, internships: int, placements: int, graduates: int,
                       retained: int) -> TrainingYear:
    """Record a base's counts for a year (a second entry for the same year replaces the first)."""
    if retained > graduates:
        raise ValidationError({"retained": _("The graduates retained locally cannot outnumber the graduates.")})
    record = TrainingYear.objects.select_for_update().filter(base=base, year=year).first() or TrainingYear(
        base=base, year=year
    )
    record.internships, record.placements = internships, placements
    record.graduates, record.retained = graduates, retained
    return _save(record, by, gettext_noop("Recorded on the organisation's pages"))


def clean_other_benefits(raw) -> list[dict]:
    """The Σ other benefits as a list of {"label", "amount"}: each amount a Decimal string from 0 to the bound."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        raise ValidationError({"other_benefits": _("Give the other benefits as a list of labels and amounts.")})
    if len(raw) > MAX_OTHER_BENEFITS:
        raise ValidationError({"other_benefits": _("List at most %(n)d other benefits.") % {"n": MAX_OTHER_BENEFITS}})
    cleaned = []
    for item in raw:
        if not isinstance(item, dict) or set(item) - {"label", "amount"}:
            raise ValidationError({"other_benefits": _("Each other benefit has a label and an amount.")})
        label = str(item.get("label") or "").strip()
        if not label or len(label) > BENEFIT_LABEL_MAX:
            raise ValidationError({"other_benefits": _(
                "Each other benefit needs a label of at most %(n)d characters."
            ) % {"n": BENEFIT_LABEL_MAX}})
        try:
            amount = Decimal(str(item.get("amount")).strip())
        except (InvalidOperation, ValueError):
            raise ValidationError({"other_benefits": _("“%(label)s”: enter the amount in CNY.") % {
                "label": label}}) from None
        if not amount.is_finite() or amount < 0:
            raise ValidationError({"other_benefits": _("“%(label)s”: enter an amount of 0 or more.") % {
                "label": label}})
        if amount > MAX_AMOUNT:
            raise ValidationError({"other_benefits": f"“{label}”: {amount_too_large_message()}"})
        cleaned.append({"label": label, "amount": str(amount.quantize(Decimal("0.01")))})
    return cleaned


@transaction.atomic
def specialist_save(*, by, company: Company, data: dict, specialist: OverseasSpecialist | None = None):
    """Record or change an overseas specialist `company` recruited; C_total follows from the package's parts."""
    specialist = specialist or OverseasSpecialist(company=company, created_by=by)
    for name in ("reference", "year", "field", "base_salary", "housing"):
        if name in data:
            setattr(specialist, name, data[name])
    if "other_benefits" in data:
        specialist.other_benefits = clean_other_benefits(data["other_benefits"])
    specialist.total_compensation = specialist_total(specialist)
    if specialist.total_compensation > MAX_AMOUNT:
        raise ValidationError({"base_salary": amount_too_large_message()})
    return _save(specialist, by, gettext_noop("Recorded on the organisation's pages"))


def specialist_total(specialist: OverseasSpecialist) -> Decimal:
    """C_total = S_base + B_housing + Σ other benefits, from the stored parts."""
    return compensation_total(
        specialist.base_salary or Decimal("0"), specialist.housing or Decimal("0"),
        [Decimal(item["amount"]) for item in specialist.other_benefits or []],
    )


@transaction.atomic
def scholarship_save(*, by, company: Company, data: dict, scholarship: Scholarship | None = None) -> Scholarship:
    """Record or change `company`'s scholarship for a year: its name, institution and award per student."""
    _check_institution(data.get("institution"))
    scholarship = scholarship or Scholarship(company=company, created_by=by)
    for name in ("name", "institution", "year", "award"):
        if name in data:
            setattr(scholarship, name, data[name])
    if Scholarship.objects.filter(company=scholarship.company, name=scholarship.name, year=scholarship.year) \
            .exclude(pk=scholarship.pk).exists():
        raise ValidationError({"name": _("Your company already has a scholarship of this name for this year.")})
    try:
        with transaction.atomic():
            return _save(scholarship, by, gettext_noop("Recorded on the organisation's pages"))
    except IntegrityError:
        raise ValidationError({"name": _("Your company already has a scholarship of this name for this year.")}) \
            from None


@transaction.atomic
def recipients_add(*, by, scholarship: Scholarship, count: int, degree: str, field: str,
                   reference_prefix: str = "") -> list[ScholarshipRecipient]:
    """Add `count` recipients studying `degree` in `field`; each gets a reference (prefix and number), no name."""
    if not 1 <= count <= MAX_RECIPIENTS_AT_ONCE:
        raise ValidationError({"count": _("Add from 1 to %(n)d recipients at a time.") % {"n": MAX_RECIPIENTS_AT_ONCE}})
    Scholarship.objects.select_for_update().filter(pk=scholarship.pk).first()
    start = scholarship.recipients.count()
    prefix = (reference_prefix or "").strip()[:30]
    added = []
    for number in range(start + 1, start + count + 1):
        recipient = ScholarshipRecipient(
            scholarship=scholarship, degree=degree, field=field,
            reference=f"{prefix}{number:03d}" if prefix else "",
        )
        added.append(_save(recipient, by, gettext_noop("Recorded on the organisation's pages")))
    return added


@transaction.atomic
def recipient_remove(*, by, recipient: ScholarshipRecipient) -> None:
    """Remove a recipient recorded by mistake (the history keeps the row)."""
    recipient._history_user = by
    recipient._change_reason = gettext_noop("Removed on the organisation's pages")
    recipient.delete()
