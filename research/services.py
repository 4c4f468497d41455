"""Writes of the R&D fund: a project's basis (stored by the grant's kind inside the workflow) and progress reports.

Every value is checked here, whoever sent it (the page's form, the API, the demo): text without NUL bytes, money
within the one bound, each target within its figure's bounds (registry.figures) and better than its baseline.
Errors name the field: `target_<figure>` / `baseline_<figure>` / `value_<figure>` for the figures.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calculators.materials import cost_target
from registry.bounds import MAX_AMOUNT
from registry.models import Category, Company, User
from registry.uploads import validate_document_upload

from .models import ProgressReport, ProjectTarget, ReportMeasurement, ResearchProject
from .permissions import can_file_report
from .targets import (
    COST_PER_KG,
    TARGET_FIGURES,
    Direction,
    category_in_direction,
    figures_for_project_category,
    parse_value,
    stored,
)

TITLE_MAX = 300
SUMMARY_MAX = 5000
NOTE_MAX = 2000
MAX_PARTNERS = 20


def _text(errors, name, value, *, max_length, required=True) -> str:
    text = "" if value is None else str(value).strip()
    if "\x00" in text:
        errors[name] = _("Remove the NUL character from this text.")
    elif required and not text:
        errors[name] = _("This field is required.")
    elif len(text) > max_length:
        errors[name] = _("Use at most %(n)s characters.") % {"n": max_length}
    return text


def _money(errors, name, value) -> Decimal | None:
    try:
        amount = parse_value(value)
    except ValueError:
        errors[name] = _("Enter an amount in CNY.")
        return None
    if amount <= 0:
        errors[name] = _("Enter an amount above 0 CNY.")
    elif amount > MAX_AMOUNT:
        errors[name] = _("The amount is too large: at most %(max)s CNY.") % {"max": f"{MAX_AMOUNT:,}"}
    elif amount != amount.quantize(Decimal("0.01")):
        errors[name] = _("Enter the amount to the fen (two decimal places at most).")
    return amount.quantize(Decimal("0.01")) if name not in errors else None


def _category(value):
    if isinstance(value, Category):
        return value
    if isinstance(value, str) and value.strip() and "\x00" not in value:
        return Category.objects.filter(slug=value.strip()).first()
    return None


def _partners(errors, applicant, values) -> list[Company]:
    values = list(values or [])
    if len(values) > MAX_PARTNERS:
        errors["partners"] = _("Name at most %(n)s partners.") % {"n": MAX_PARTNERS}
        return []
    ids = []
    for value in values:
        pk = getattr(value, "pk", value)
        if isinstance(pk, bool) or not isinstance(pk, int) or not 0 < pk < 2**63:
            errors["partners"] = _("Choose partners among the registry’s verified organisations.")
            return []
        ids.append(pk)
    partners = list(Company.objects.published().filter(pk__in=set(ids)))
    if len(partners) != len(set(ids)):
        errors["partners"] = _("Choose partners among the registry’s verified organisations.")
    elif applicant is not None and any(p.pk == applicant.pk for p in partners):
        errors["partners"] = _("The lead organisation is not its own partner.")
    return partners


def clean_targets(errors, category, raw_targets: dict) -> dict[str, tuple[Decimal, Decimal]]:
    """{figure: {"baseline", "target"}} checked against the category's figures and each figure's bounds."""
    allowed = figures_for_project_category(category) if category is not None else ()
    clean = {}
    for code, pair in (raw_targets or {}).items():
        pair = pair or {}
        baseline_raw, target_raw = pair.get("baseline"), pair.get("target")
        if baseline_raw in (None, "") and target_raw in (None, ""):
            continue
        definition = TARGET_FIGURES.get(code)
        if definition is None:
            errors["targets"] = _("Unknown figure “%(code)s”.") % {"code": str(code)[:40]}
            continue
        if category is not None and code not in allowed:
            errors[f"target_{code}"] = _("Projects in %(category)s do not set targets in %(figure)s.") % {
                "category": category.display_name, "figure": definition.label}
            continue
        values = {}
        for role, raw in (("baseline", baseline_raw), ("target", target_raw)):
            field = f"{role}_{code}"
            if raw in (None, ""):
                if code == COST_PER_KG and role == "target":
                    continue  # computed below: C_target = 0.5 × C_current
                errors[field] = _("Give both the baseline and the target.")
                continue
            try:
                value = parse_value(raw)
            except ValueError:
                errors[field] = _("Enter a number, for example 3e-3 or 0.003.")
                continue
            problem = definition.problem(value)
            if problem:
                errors[field] = problem
                continue
            values[role] = stored(value)
        if "baseline" not in values:
            continue
        baseline = values["baseline"]
        if code == COST_PER_KG:
            ceiling = cost_target(baseline)
            target = values.get("target", ceiling)
            if target > ceiling:
                errors[f"target_{code}"] = _(
                    "The fund asks for the cost cut by half or more: at most %(max)s per kg (C_target = 0.5 × "
                    "C_current)."
                ) % {"max": f"¥{ceiling:,.2f}"}
                continue
            if target <= 0:
                errors[f"target_{code}"] = _("The cost per kg must be more than 0 CNY.")
                continue
            values["target"] = stored(target)
        if "target" not in values:
            continue
        if not definition.improves(baseline, values["target"]):
            errors[f"target_{code}"] = (
                _("The target must be above the baseline.") if definition.better == "higher"
                else _("The target must be below the baseline.")
            )
            continue
        clean[code] = (baseline, values["target"])
    return clean


def project_basis_clean(*, applicant, programme, basis: dict) -> dict:
    """The project's fields, partners and targets from a basis dict, checked; ValidationError naming each field."""
    errors = {}
    title = _text(errors, "title", basis.get("title"), max_length=TITLE_MAX)
    summary = _text(errors, "summary", basis.get("summary"), max_length=SUMMARY_MAX)
    direction = basis.get("direction")
    if direction not in Direction.values:
        errors["direction"] = _("Choose one of the fund’s three directions.")
        direction = None
    category = _category(basis.get("category"))
    if category is None:
        errors["category"] = _("Choose the material category from the taxonomy.")
    elif direction and not category_in_direction(category, direction):
        errors["category"] = _("%(category)s is not a material of the direction “%(direction)s”.") % {
            "category": category.display_name, "direction": Direction(direction).label}
        category = None
    partners = _partners(errors, applicant, basis.get("partners"))
    budget = _money(errors, "budget", basis.get("budget"))
    requested = _money(errors, "amount_requested", basis.get("amount_requested"))
    if budget is not None and requested is not None:
        if requested > budget:
            errors["amount_requested"] = _("The amount requested cannot exceed the project’s budget.")
        elif programme.rate is not None and requested > (programme.rate * budget).quantize(Decimal("0.01")):
            errors["amount_requested"] = _("The fund pays at most %(share)s of the budget: %(max)s here.") % {
                "share": f"{(programme.rate * 100).normalize():f} %",
                "max": f"¥{(programme.rate * budget).quantize(Decimal('0.01')):,.2f}"}
        elif programme.cap_per_application is not None and requested > programme.cap_per_application:
            errors["amount_requested"] = _("The programme grants at most %(cap)s per application.") % {
                "cap": f"¥{programme.cap_per_application:,.2f}"}
    started_on, ends_on = basis.get("started_on"), basis.get("ends_on")
    for name, value in (("started_on", started_on), ("ends_on", ends_on)):
        if not isinstance(value, date):
            errors[name] = _("Enter a date, for example 2026-03-01.")
    if isinstance(started_on, date) and isinstance(ends_on, date):
        if ends_on < started_on:
            errors["ends_on"] = _("The project cannot end before it starts.")
        elif ends_on < programme.period_start or started_on > programme.period_end:
            errors["started_on"] = _("The project must run during the programme period (%(start)s to %(end)s).") % {
                "start": programme.period_start.isoformat(), "end": programme.period_end.isoformat()}
    targets = clean_targets(errors, category, basis.get("targets") or {})
    if category is not None and not targets and not any(k.startswith(("target_", "baseline_")) for k in errors):
        errors["targets"] = _("Set at least one target: a baseline and a target value of a figure.")
    if direction == Direction.SOLID_ELECTROLYTES and category is not None and COST_PER_KG not in targets \
            and f"baseline_{COST_PER_KG}" not in errors and f"target_{COST_PER_KG}" not in errors:
        errors[f"baseline_{COST_PER_KG}"] = _(
            "Solid-electrolyte projects give today’s cost per kg: the fund’s aim is to halve it."
        )
    if errors:
        raise ValidationError(errors)
    return {
        "fields": {"title": title, "summary": summary, "direction": direction, "category": category,
                   "budget": budget, "amount_requested": requested, "started_on": started_on, "ends_on": ends_on},
        "partners": partners, "targets": targets,
    }


def project_store(*, application, cleaned: dict) -> ResearchProject:
    """Create or replace the project of a draft or returned application (the workflow has locked it)."""
    project, _created = ResearchProject.objects.update_or_create(
        application=application, defaults={"lead": application.applicant, **cleaned["fields"]},
    )
    project.partners.set(cleaned["partners"])
    project.targets.all().delete()  # a draft's targets: nothing measured against them yet
    ProjectTarget.objects.bulk_create(
        ProjectTarget(project=project, figure=code, baseline=baseline, target=target)
        for code, (baseline, target) in cleaned["targets"].items()
    )
    return project


@transaction.atomic
def progress_report_file(
    *, by: User, project: ResearchProject, reported_on, measurements: dict, evidence, note: str = ""
) -> ProgressReport:
    """The lead organisation's measured values for the project's target figures on a date, with the evidence."""
    project = ResearchProject.objects.select_for_update().select_related("application").get(pk=project.pk)
    allowed, reason = can_file_report(by, project)
    if not allowed:
        raise PermissionDenied(reason)
    errors = {}
    note = _text(errors, "note", note, max_length=NOTE_MAX, required=False)
    if not isinstance(reported_on, date):
        errors["reported_on"] = _("Enter the date of the measurements, for example 2026-03-01.")
    elif reported_on > timezone.localdate():
        errors["reported_on"] = _("The date of the measurements cannot be in the future.")
    elif reported_on < project.started_on:
        errors["reported_on"] = _("The project started on %(date)s; measurements before it are its baseline.") % {
            "date": project.started_on.isoformat()}
    if not evidence:
        errors["evidence"] = _("Choose the evidence to upload.")
    else:
        try:
            validate_document_upload(evidence)
        except ValidationError as error:
            errors["evidence"] = error.messages
    codes = set(project.targets.values_list("figure", flat=True))
    values = {}
    if not isinstance(measurements, dict):
        errors["measurements"] = _("Give the measured values by figure.")
        measurements = {}
    for code, raw in measurements.items():
        if raw in (None, ""):
            continue
        field = f"value_{code}"
        if code not in codes:
            errors["measurements"] = _("“%(code)s” is not one of this project’s target figures.") % {
                "code": str(code)[:40]}
            continue
        try:
            value = parse_value(raw)
        except ValueError:
            errors[field] = _("Enter a number, for example 3e-3 or 0.003.")
            continue
        problem = TARGET_FIGURES[code].problem(value)
        if problem:
            errors[field] = problem
            continue
        values[code] = stored(value)
    if not values and not any(k.startswith("value_") for k in errors) and "measurements" not in errors:
        errors["measurements"] = _("Give at least one measured value.")
    if errors:
        raise ValidationError(errors)
    report = ProgressReport(project=project, reported_on=reported_on, note=note, filed_by=by)
    report.evidence.save(evidence.name, evidence, save=False)
    report.save()
    ReportMeasurement.objects.bulk_create(
        ReportMeasurement(report=report, figure=code, value=value) for code, value in values.items()
    )
    return report
