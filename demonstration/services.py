"""Writes of demonstration records: the operator's measurements (projects are created and edited by officials in
the admin, which saves them through `project_save`)."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from registry.figures import FIGURES

from .models import DemonstrationProject, Measurement
from .permissions import can_record_measurement
from .scenarios import SCENARIO_FIGURES

# Four decimals are what Measurement.value stores; more would be silently rounded away.
VALUE_PLACES = Decimal("0.0001")
NOTE_MAX_LENGTH = 300


def ALREADY_RECORDED() -> str:  # noqa: N802  (a message, translated when raised)
    return _("Already recorded for this date. Ask the industry bureau to correct it.")


def _without_separators(text: str) -> str:
    # People type "15,800" or "15 800": thousands separators carry no meaning.
    for mark in (",", "，", " ", "\u00a0", "\u202f"):
        text = text.replace(mark, "")
    return text


def measurement_value(figure: str, raw) -> Decimal:
    """The value of `figure` as stored, or a ValidationError saying why it cannot be (not a number, infinite,
    outside the figure's bounds: an efficiency over 100 %, a negative cycle life)."""
    if isinstance(raw, float):
        raw = repr(raw)
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(_without_separators(str(raw)))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Enter a number."), code="invalid") from None
    if not value.is_finite():
        raise ValidationError(_("Enter a finite number."), code="invalid")
    problem = FIGURES[figure].problem(float(value))
    if problem:
        raise ValidationError(problem, code="bounds")
    return value.quantize(VALUE_PLACES)


def validate_measurements(project: DemonstrationProject, measured_on, values: dict) -> dict[str, Decimal]:
    """The scenario's figures given (at least one), each checked against its bounds; errors keyed by figure."""
    allowed = SCENARIO_FIGURES[project.scenario]
    clean, errors = {}, {}
    for key, raw in values.items():
        if raw in (None, ""):
            continue
        if key not in allowed:
            errors[key] = _("Projects of this scenario do not measure this figure.")
            continue
        try:
            clean[key] = measurement_value(key, raw)
        except ValidationError as error:
            errors[key] = error.messages
    low, high = clean.get("min_operating_temp"), clean.get("max_operating_temp")
    if low is not None and high is not None and low > high:
        errors["max_operating_temp"] = _("The highest operating temperature cannot be below the lowest.")
    if not isinstance(measured_on, date):
        errors["measured_on"] = _("Enter the date of the measurement.")
    elif measured_on > timezone.localdate():
        errors["measured_on"] = _("The date of a measurement cannot be in the future.")
    if not clean and not errors:
        errors["__all__"] = _("Enter at least one measured value.")
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def measurement_record(
    *, by, project: DemonstrationProject, measured_on: date, values: dict, note: str = ""
) -> list[Measurement]:
    """Record the operator's measurements of one day; a figure already recorded that day is refused (an official
    corrects it in the admin)."""
    allowed, reason = can_record_measurement(by, project)
    if not allowed:
        raise PermissionDenied(reason)
    clean = validate_measurements(project, measured_on, values)
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": _("Write at most %(n)d characters.") % {"n": NOTE_MAX_LENGTH}})
    existing = set(
        Measurement.objects.filter(project=project, measured_on=measured_on, figure__in=clean)
        .values_list("figure", flat=True)
    )
    if existing:
        raise ValidationError({key: ALREADY_RECORDED() for key in existing})
    saved = []
    for key, value in clean.items():
        measurement = Measurement(project=project, measured_on=measured_on, figure=key, value=value, note=note,
                                  recorded_by=by)
        measurement.full_clean(validate_unique=False, validate_constraints=False)
        measurement._history_user = by
        measurement._change_reason = gettext_noop("Recorded by the operator")
        try:
            with transaction.atomic():
                measurement.save()
        except IntegrityError:
            # Two submissions of the same day at once: the unique constraint keeps one.
            raise ValidationError({key: ALREADY_RECORDED()}) from None
        saved.append(measurement)
    return saved
