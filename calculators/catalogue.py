"""The policy calculators as data: each one's parameters (type, unit, bounds, help), its function and its
results, shared by the page (/calculators/) and the API (/api/v1/calculators/<name>/) so the two never disagree.

`evaluate(calculator, data, programme)` reads the raw text a person or a client sent, refuses bad input with
an `InvalidInput` naming each parameter, calls the formula and returns the results. Money comes back as
Decimals rounded half-up to the cent once (calculators.money); physical figures in full precision, which
`as_json` gives to SIGNIFICANT_FIGURES significant figures.

No ORM here: a programme-driven calculator is handed the current programme version (anything with the
programme's fields: rate, lead_reward, participant_reward, quota_factor, caps) by the web layer
(`calculators.programmes`), and uses the same amount functions the application workflow pays with.
"""

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, DecimalException

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import materials, scenarios, subsidies, talent

SIGNIFICANT_FIGURES = 6
MAX_TEXT = 40  # characters of one number: more than any real figure needs
MAX_ITEMS = 100  # values in one list (a century of yearly values)
MONEY_MAX = Decimal("10000000000000")  # ten trillion CNY: past any programme's budget
# The granted quota's precision in the workflow (procurement.energy_quota.QUOTA_PLACES and MAX_QUOTA).
QUOTA_PLACES = Decimal("0.001")
QUOTA_MAX = Decimal("9999999999.999")

DECIMAL, INTEGER, CHOICE, LIST = "decimal", "integer", "choice", "list"
MONEY, QUANTITY, PHYSICAL, WHOLE, TEXT = "money", "quantity", "physical", "whole", "text"

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,4})?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_WHOLE = re.compile(r"[+-]?\d+")
_NOT_FINITE = re.compile(r"[+-]?(?:nan|snan|inf|infinity)", re.IGNORECASE)


class InvalidInput(Exception):
    """Bad input: {parameter name: [messages]}, every one a message a person can act on."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class Parameter:
    """One input of a calculator: what it is called, its unit and what it may hold."""

    name: str
    label: str
    unit: str = ""
    help: str = ""
    type: str = DECIMAL
    required: bool = True
    default: str | None = None
    minimum: Decimal | None = None
    minimum_exclusive: bool = False
    maximum: Decimal | None = None
    maximum_exclusive: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    max_items: int = MAX_ITEMS

    @property
    def optional(self) -> bool:
        return not self.required or self.default is not None

    def bounds_text(self) -> str:
        """The allowed range in words (for the API documentation and the hint)."""
        if self.type == CHOICE:
            return _("one of: %(choices)s") % {"choices": ", ".join(value for value, _label in self.choices)}
        low = "" if self.minimum is None else ("> " if self.minimum_exclusive else "≥ ") + plain(self.minimum)
        high = "" if self.maximum is None else ("< " if self.maximum_exclusive else "≤ ") + plain(self.maximum)
        return ", ".join(part for part in (low, high) if part)


@dataclass(frozen=True)
class ResultField:
    """One result: its name on the wire, its label and unit, and how it is written (money, quantity, …)."""

    name: str
    label: str
    unit: str = ""
    kind: str = PHYSICAL


@dataclass(frozen=True)
class Calculator:
    """One formula of the policy with its parameters and results; `programme_kind` when a programme sets it."""

    name: str
    title: str
    formula: str
    description: str
    parameters: tuple[Parameter, ...]
    results: tuple[ResultField, ...]
    compute: Callable[[dict, object], dict]
    programme_kind: str = ""
    # Alternative sets of parameters (Arrhenius: a conductivity at a temperature, or a fit through two
    # measurements): exactly one set is given. Parameters outside every set are always read.
    groups: tuple[tuple[str, ...], ...] = ()
    group_labels: tuple[str, ...] = ()
    example: dict = field(default_factory=dict)

    def parameter(self, name: str) -> Parameter:
        return next(p for p in self.parameters if p.name == name)

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    def in_group(self, name: str) -> bool:
        return any(name in group for group in self.groups)


@dataclass
class Outcome:
    """What a calculator returned for some input: the parsed inputs, the results and the programme it used."""

    calculator: Calculator
    inputs: dict
    results: dict
    programme: object = None

    def as_json(self) -> dict:
        """Money and quotas as decimal strings, physical figures as numbers to SIGNIFICANT_FIGURES figures."""
        body = {result.name: wire_value(result, self.results.get(result.name)) for result in self.calculator.results}
        body["units"] = {r.name: self.results.get(f"{r.name}__unit", r.unit) for r in self.calculator.results if r.unit
                         or f"{r.name}__unit" in self.results}
        body["formula"] = self.calculator.formula
        body["inputs"] = {name: wire_input(value) for name, value in self.inputs.items()}
        if self.calculator.programme_kind:
            body["programme"] = programme_summary(self.programme)
        return body

    def rows(self) -> list[dict]:
        """The results as (label, value, unit) rows for the page."""
        return [
            {"field": r, "value": self.results.get(r.name), "unit": self.results.get(f"{r.name}__unit", r.unit)}
            for r in self.calculator.results if r.kind != TEXT
        ]


# --- numbers in and out ----------------------------------------------------------------------------------

def plain(number: Decimal) -> str:
    """A bound as people write it: 10000000000000 → "10,000,000,000,000", 0.0010 → "0.001"."""
    number = number.normalize()
    return f"{number:,f}" if number == number.to_integral_value() else f"{number:f}"


def significant(value, figures: int = SIGNIFICANT_FIGURES) -> float | None:
    """A physical figure to `figures` significant figures, as a JSON number."""
    if value is None:
        return None
    number = float(format(Decimal(value), f".{figures}g"))
    if number in (float("inf"), float("-inf")) or number != number:
        raise OverflowError("the result is beyond what a number on the wire can hold")
    return number


def wire_value(result: ResultField, value):
    if value is None:
        return None
    if result.kind in (MONEY, QUANTITY):
        return f"{value:f}"
    if result.kind == WHOLE:
        return int(value)
    if result.kind == TEXT:
        return str(value)
    return significant(value)


def wire_input(value):
    if isinstance(value, list):
        return [f"{v:f}" for v in value]
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"
    return value


def _range_message(parameter: Parameter) -> str:
    values = {"min": plain(parameter.minimum), "max": plain(parameter.maximum)}
    if parameter.type == INTEGER:
        return _("Enter a whole number from %(min)s to %(max)s.") % values
    if parameter.minimum_exclusive and parameter.maximum_exclusive:
        return _("Enter a number more than %(min)s and less than %(max)s.") % values
    if parameter.minimum_exclusive:
        return _("Enter a number more than %(min)s and at most %(max)s.") % values
    if parameter.maximum_exclusive:
        return _("Enter a number from %(min)s and less than %(max)s.") % values
    return _("Enter a number from %(min)s to %(max)s.") % values


def _in_range(parameter: Parameter, number: Decimal) -> bool:
    low, high = parameter.minimum, parameter.maximum
    if low is not None and (number <= low if parameter.minimum_exclusive else number < low):
        return False
    return not (high is not None and (number >= high if parameter.maximum_exclusive else number > high))


def parse_number(parameter: Parameter, text: str, *, grouped: bool = True) -> Decimal | int:
    """One number from what was typed; ValueError with the message to show."""
    text = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if len(text) > MAX_TEXT:
        raise ValueError(_("Enter at most %(n)s characters.") % {"n": MAX_TEXT})
    if _NOT_FINITE.fullmatch(text):
        raise ValueError(_("Enter a finite number (not NaN or infinity)."))
    if grouped and _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    if parameter.type == INTEGER:
        if not _WHOLE.fullmatch(text):
            raise ValueError(_("Enter a whole number, such as 500."))
        number = int(text)
    else:
        if not _NUMBER.fullmatch(text):
            raise ValueError(_("Enter a number, such as 12.5 or 1.2e-2."))
        number = Decimal(text)
    if not _in_range(parameter, Decimal(number)):
        raise ValueError(_range_message(parameter))
    return number


def parse_list(parameter: Parameter, text: str) -> list[Decimal]:
    """Comma-separated numbers; ValueError naming the item at fault."""
    text = unicodedata.normalize("NFKC", text)
    items = [item.strip() for item in text.split(",")]
    if len(items) > parameter.max_items:
        raise ValueError(_("Give at most %(n)s values.") % {"n": parameter.max_items})
    values = []
    for position, item in enumerate(items, start=1):
        if not item:
            raise ValueError(_("Value %(n)s is empty: separate the values with single commas.") % {"n": position})
        try:
            values.append(parse_number(parameter, item, grouped=False))
        except ValueError as error:
            raise ValueError(_("Value %(n)s: %(problem)s") % {"n": position, "problem": error}) from None
    return values


def _raw(data: Mapping, name: str) -> list[str]:
    if hasattr(data, "getlist"):
        return data.getlist(name)
    value = data.get(name)
    return [] if value is None else [value]


def parse(calculator: Calculator, data: Mapping) -> dict:
    """The calculator's inputs from raw text (a QueryDict or a dict of strings); InvalidInput naming each bad one."""
    errors: dict[str, list[str]] = {}
    values: dict = {}
    given = {}
    for parameter in calculator.parameters:
        raw = _raw(data, parameter.name)
        if len(raw) > 1:
            errors[parameter.name] = [_("Give this value once.")]
            continue
        text = raw[0] if raw else ""
        if not isinstance(text, str):
            text = str(text)
        given[parameter.name] = bool(text.strip())
    chosen = _chosen_group(calculator, given, errors)
    for parameter in calculator.parameters:
        name = parameter.name
        if name in errors:
            continue
        raw = _raw(data, name)
        text = str(raw[0]) if raw else ""
        if calculator.in_group(name) and name not in chosen:
            continue
        if not text.strip():
            if parameter.default is not None:
                text = parameter.default
            elif parameter.required or name in chosen:
                errors[name] = [_("Enter a value for %(label)s.") % {"label": parameter.label}]
                continue
            else:
                values[name] = [] if parameter.type == LIST else None
                continue
        try:
            if parameter.type == CHOICE:
                text = text.strip()
                if text not in dict(parameter.choices):
                    raise ValueError(_("Choose one of: %(choices)s.") % {
                        "choices": ", ".join(value for value, _label in parameter.choices)})
                values[name] = text
            elif parameter.type == LIST:
                values[name] = parse_list(parameter, text)
            else:
                values[name] = parse_number(parameter, text)
        except ValueError as error:
            errors[name] = [str(error)]
    if errors:
        raise InvalidInput(errors)
    return values


def _chosen_group(calculator: Calculator, given: dict, errors: dict) -> tuple[str, ...]:
    """The one set of alternative parameters given (the first when none is); errors when several are."""
    if not calculator.groups:
        return ()
    started = [group for group in calculator.groups if any(given.get(name) for name in group)]
    if len(started) > 1:
        message = _("Give either %(first)s or %(second)s, not both: leave this empty.") % {
            "first": calculator.group_labels[0], "second": calculator.group_labels[1]}
        for group in started[1:]:
            for name in group:
                if given.get(name):
                    errors.setdefault(name, [message])
    return started[0] if started else calculator.groups[0]


def evaluate(calculator: Calculator, data: Mapping, programme=None) -> Outcome:
    """Parse, compute and return the outcome; InvalidInput naming the parameter for anything refused."""
    values = parse(calculator, data)
    try:
        results = calculator.compute(values, programme)
        outcome = Outcome(calculator=calculator, inputs=values, results=results, programme=programme)
        outcome.as_json()  # a result past what JSON can carry is refused here, not by the renderer
    except InvalidInput:
        raise
    except (DecimalException, ArithmeticError, ValueError):
        # The bounds keep every single input sane; a combination can still leave the range of numbers.
        name = next(n for n in calculator.parameter_names if n in values)
        raise InvalidInput({name: [_("With these values the result is out of range; check them.")]}) from None
    return outcome


def programme_summary(programme) -> dict | None:
    """Which programme version a result used: its id, code, version, name, dates and amount parameters."""
    if programme is None:
        return None

    def text(value):
        return None if value is None else f"{value:f}"

    return {
        "id": programme.pk, "code": programme.code, "version": programme.version, "name": programme.name,
        "kind": programme.kind, "rate": text(programme.rate), "lead_reward": text(programme.lead_reward),
        "participant_reward": text(programme.participant_reward), "quota_factor": text(programme.quota_factor),
        "cap_per_application": text(programme.cap_per_application),
        "cap_per_applicant_year": text(programme.cap_per_applicant_year),
        "active_from": programme.active_from.isoformat(),
        "active_until": programme.active_until.isoformat() if programme.active_until else None,
    }


# --- the calculators -------------------------------------------------------------------------------------

def _money(name, label, unit="CNY", help_text="", *, minimum=Decimal("0"), exclusive=False, **options):
    return Parameter(name, label, unit, help_text, minimum=minimum, minimum_exclusive=exclusive,
                     maximum=MONEY_MAX, **options)


def _fraction(name, label, help_text, *, minimum_exclusive=False, maximum_exclusive=False, **options):
    return Parameter(name, label, "", help_text, minimum=Decimal("0"), minimum_exclusive=minimum_exclusive,
                     maximum=Decimal("1"), maximum_exclusive=maximum_exclusive, **options)


def _positive(name, label, unit, help_text, maximum, **options):
    return Parameter(name, label, unit, help_text, minimum=Decimal("0"), minimum_exclusive=True,
                     maximum=Decimal(maximum), **options)


def _cost_target(values, _programme):
    return {"target_cost": materials.cost_target(values["current_cost"], values["reduction"])}


def _arrhenius(values, _programme):
    if values.get("prefactor") is not None:
        conductivity = materials.arrhenius_conductivity(
            values["prefactor"], values["activation_energy_ev"], values["temperature_k"])
        return {"conductivity_s_cm": conductivity}
    if values["t1_k"] == values["t2_k"]:
        raise InvalidInput({"t2_k": [_("Give a second temperature different from the first.")]})
    fit = materials.arrhenius_fit(values["sigma1"], values["t1_k"], values["sigma2"], values["t2_k"])
    return {"activation_energy_ev": fit.activation_energy_ev, "prefactor": fit.prefactor}


def _capacity_retention(values, _programme):
    decay, cycles = values["decay_per_cycle"], values["cycles"]
    results = {
        "capacity": materials.capacity_after_cycles(values["initial_capacity"], decay, cycles),
        "retention": materials.capacity_retention(decay, cycles),
        "cycles_to_target": None,
    }
    if values.get("retention_target") is not None:
        results["cycles_to_target"] = materials.cycles_to_retention(decay, values["retention_target"])
    return results


def _lcos(values, _programme):
    years = values["years"]
    errors = {}
    for name in ("om", "replacement", "energy_kwh"):
        if len(values[name]) not in (1, years):
            errors[name] = [_("Give one value per year (%(years)s values) or one value for every year; "
                              "you gave %(n)s.") % {"years": years, "n": len(values[name])}]
    if not errors and not any(values["energy_kwh"]):
        errors["energy_kwh"] = [_("The storage must discharge some energy in at least one year.")]
    if errors:
        raise InvalidInput(errors)
    result = scenarios.lcos(values["capex"], values["discount_rate"], years, values["om"], values["replacement"],
                            values["energy_kwh"])
    return {
        "lcos_cny_per_kwh": result.lcos_cny_per_kwh, "discounted_om": result.discounted_om,
        "discounted_replacement": result.discounted_replacement, "discounted_cost": result.discounted_cost,
        "discounted_energy_kwh": result.discounted_energy_kwh,
    }


def _flight_time(values, _programme):
    return {"minutes": scenarios.flight_time_minutes(values["efficiency"], values["battery_wh"], values["power_w"])}


def _energy_quota(values, programme):
    granted = subsidies.energy_quota_granted(values["standard_quota"], factor=programme.quota_factor)
    return {"granted_quota": granted.quantize(QUOTA_PLACES, rounding=ROUND_HALF_UP), "unit": values["unit"],
            "granted_quota__unit": values["unit"]}


def _local_procurement(values, programme):
    subsidy = subsidies.subsidy_amount(
        [values["amount"]], rate=programme.rate, cap=programme.cap_per_applicant_year,
        cap_per_application=programme.cap_per_application,
    )
    return {"subsidy": subsidy}


def _standards_reward(values, programme):
    reward = subsidies.standards_reward(
        values["role"], lead_reward=programme.lead_reward, participant_reward=programme.participant_reward,
        already_granted=values["already_paid"],
    )
    reward = subsidies.capped(reward, cap_per_application=programme.cap_per_application,
                              cap_per_year=programme.cap_per_applicant_year)
    return {"reward": reward}


def _rd_matching(values, programme):
    matching = subsidies.rd_matching_fund(
        values["total_investment"], rate=programme.rate, cap=programme.cap_per_applicant_year,
        cap_per_application=programme.cap_per_application,
    )
    return {"matching": matching}


def _talent_influx(values, _programme):
    return {"influx": talent.talent_influx(values["graduates"], values["retention"])}


def _compensation(values, _programme):
    return {"total": talent.compensation_total(values["base_salary"], values["housing"], values["other"])}


def _scholarship_fund(values, _programme):
    return {"fund": talent.scholarship_fund(values["students"], values["award"])}


_TEMPERATURE_MAX = "5000"
_CONDUCTIVITY_MAX = "1000000"
_LIST_HELP = gettext_lazy("One value per year separated by commas (e.g. 100, 100, 120), or one value for every year.")

CALCULATORS: dict[str, Calculator] = {c.name: c for c in (
    Calculator(
        name="cost-target",
        title=gettext_lazy("Cost target for solid electrolytes"),
        formula="C_target = (1 − r) × C_current   (r = 0.5: C_target = 0.5 × C_current)",
        description=gettext_lazy("The R&D fund's aim for solid electrolytes: cost down by half."),
        parameters=(
            _money("current_cost", gettext_lazy("Current cost"), "CNY/kg",
                   gettext_lazy("What a kilogram of the electrolyte costs today."), maximum_exclusive=False),
            _fraction("reduction", gettext_lazy("Reduction"),
                      gettext_lazy("As a fraction: 0.5 for the policy's 50 %. Leave empty for 0.5."),
                      maximum_exclusive=True, default="0.5", required=False),
        ),
        results=(ResultField("target_cost", gettext_lazy("Target cost"), "CNY/kg", MONEY),),
        compute=_cost_target,
        example={"current_cost": "1200"},
    ),
    Calculator(
        name="arrhenius",
        title=gettext_lazy("Ionic conductivity (Arrhenius)"),
        formula="σ = A·exp(−Ea / kT),  k = 8.617333262 × 10⁻⁵ eV/K;  "
                "from two measurements: Ea = k·ln(σ2/σ1) / (1/T1 − 1/T2), A = σ1·exp(Ea / kT1)",
        description=gettext_lazy(
            "The conductivity of a solid electrolyte at a temperature, or the activation energy and prefactor "
            "through two measurements. Fill in one of the two parts."),
        parameters=(
            _positive("prefactor", gettext_lazy("Prefactor A"), "S/cm",
                      gettext_lazy("The pre-exponential factor, e.g. 202 for a sulfide like LGPS."), "1000000000000",
                      required=False),
            Parameter("activation_energy_ev", gettext_lazy("Activation energy Ea"), "eV",
                      gettext_lazy("E.g. 0.25 eV."), minimum=Decimal("0"), maximum=Decimal("10"), required=False),
            _positive("temperature_k", gettext_lazy("Temperature T"), "K",
                      gettext_lazy("Absolute temperature: 298.15 K is 25 °C."), _TEMPERATURE_MAX, required=False),
            _positive("sigma1", gettext_lazy("Conductivity σ1"), "S/cm",
                      gettext_lazy("The first measurement, e.g. 1.2e-2."), _CONDUCTIVITY_MAX, required=False),
            _positive("t1_k", gettext_lazy("Temperature T1"), "K",
                      gettext_lazy("The temperature of the first measurement."), _TEMPERATURE_MAX, required=False),
            _positive("sigma2", gettext_lazy("Conductivity σ2"), "S/cm",
                      gettext_lazy("The second measurement."), _CONDUCTIVITY_MAX, required=False),
            _positive("t2_k", gettext_lazy("Temperature T2"), "K",
                      gettext_lazy("The temperature of the second measurement, not the same as T1."),
                      _TEMPERATURE_MAX, required=False),
        ),
        groups=(("prefactor", "activation_energy_ev", "temperature_k"), ("sigma1", "t1_k", "sigma2", "t2_k")),
        group_labels=(gettext_lazy("a prefactor, an activation energy and a temperature"),
                      gettext_lazy("two measurements")),
        results=(
            ResultField("conductivity_s_cm", gettext_lazy("Conductivity σ"), "S/cm"),
            ResultField("activation_energy_ev", gettext_lazy("Activation energy Ea"), "eV"),
            ResultField("prefactor", gettext_lazy("Prefactor A"), "S/cm"),
        ),
        compute=_arrhenius,
        example={"prefactor": "202", "activation_energy_ev": "0.25", "temperature_k": "298.15"},
    ),
    Calculator(
        name="capacity-retention",
        title=gettext_lazy("Capacity retention over cycles"),
        formula="Q(n) = Q0·(1 − D)^n",
        description=gettext_lazy(
            "The capacity left after n cycles when each cycle loses the fraction D (the policy's target for "
            "Li-rich Mn cathodes: D below 0.05 % per cycle)."),
        parameters=(
            _positive("initial_capacity", gettext_lazy("Initial capacity Q0"), "mAh/g",
                      gettext_lazy("E.g. 300 mAh/g."), "10000000"),
            _fraction("decay_per_cycle", gettext_lazy("Decay per cycle D"),
                      gettext_lazy("As a fraction: 0.0005 for 0.05 % per cycle."), maximum_exclusive=True),
            Parameter("cycles", gettext_lazy("Cycles n"), "", gettext_lazy("A whole number of cycles."),
                      type=INTEGER, minimum=Decimal("0"), maximum=Decimal("10000000")),
            _fraction("retention_target", gettext_lazy("Retention target (optional)"),
                      gettext_lazy("As a fraction, e.g. 0.8 for 80 %: the first cycle at which the retention "
                                   "falls to it."), minimum_exclusive=True, required=False),
        ),
        results=(
            ResultField("capacity", gettext_lazy("Capacity Q(n)"), "mAh/g"),
            ResultField("retention", gettext_lazy("Retention Q(n)/Q0"), ""),
            ResultField("cycles_to_target", gettext_lazy("Cycles to the retention target"), "", WHOLE),
        ),
        compute=_capacity_retention,
        example={"initial_capacity": "300", "decay_per_cycle": "0.0005", "cycles": "500"},
    ),
    Calculator(
        name="lcos",
        title=gettext_lazy("Levelised cost of storage (LCOS)"),
        formula="LCOS = (capex + Σ O&M_t/(1+r)^t + Σ replacement_t/(1+r)^t) / Σ E_t/(1+r)^t,  t = 1..years",
        description=gettext_lazy(
            "For grid-side storage: what each kWh discharged over the life costs, in today's money. Capex is "
            "spent at the start; the yearly costs and energy come at the end of each year."),
        parameters=(
            _money("capex", gettext_lazy("Capital cost (capex)"), "CNY", gettext_lazy("Spent at the start.")),
            _fraction("discount_rate", gettext_lazy("Discount rate r"),
                      gettext_lazy("As a fraction a year: 0.08 for 8 %.")),
            Parameter("years", gettext_lazy("Years"), "", gettext_lazy("The life of the station in years."),
                      type=INTEGER, minimum=Decimal("1"), maximum=Decimal(MAX_ITEMS)),
            _money("om", gettext_lazy("Operation and maintenance (O&M) per year"), "CNY", _LIST_HELP, type=LIST),
            _money("replacement", gettext_lazy("Replacement cost per year"), "CNY", _LIST_HELP, type=LIST),
            Parameter("energy_kwh", gettext_lazy("Energy discharged per year"), "kWh", _LIST_HELP, type=LIST,
                      minimum=Decimal("0"), maximum=MONEY_MAX),
        ),
        results=(
            ResultField("lcos_cny_per_kwh", gettext_lazy("LCOS"), "CNY/kWh", MONEY),
            ResultField("discounted_om", gettext_lazy("Discounted O&M"), "CNY", MONEY),
            ResultField("discounted_replacement", gettext_lazy("Discounted replacements"), "CNY", MONEY),
            ResultField("discounted_cost", gettext_lazy("Discounted cost (with capex)"), "CNY", MONEY),
            ResultField("discounted_energy_kwh", gettext_lazy("Discounted energy"), "kWh"),
        ),
        compute=_lcos,
        example={"capex": "1000000", "discount_rate": "0.08", "years": "3", "om": "20000", "replacement": "0,0,0",
                 "energy_kwh": "1000000"},
    ),
    Calculator(
        name="flight-time",
        title=gettext_lazy("Drone flight time"),
        formula="T ≈ η·E / P",
        description=gettext_lazy("How long a drone flies on its pack (the low-altitude drone scenario)."),
        parameters=(
            _fraction("efficiency", gettext_lazy("Efficiency η"),
                      gettext_lazy("The usable fraction of the pack's energy, at most 1: 0.85 for 85 %."),
                      minimum_exclusive=True),
            _positive("battery_wh", gettext_lazy("Pack energy E"), "Wh", gettext_lazy("E.g. 500 Wh."), "10000000"),
            _positive("power_w", gettext_lazy("Mean power P"), "W", gettext_lazy("The mean power draw in flight."),
                      "1000000000"),
        ),
        results=(ResultField("minutes", gettext_lazy("Flight time T"), "min"),),
        compute=_flight_time,
        example={"efficiency": "0.85", "battery_wh": "500", "power_w": "400"},
    ),
    Calculator(
        name="energy-quota",
        title=gettext_lazy("Energy quota uplift"),
        formula="E_granted = E_standard × factor   (factor 1.10 in the seed)",
        description=gettext_lazy(
            "The energy quota a green-industry production base is granted, in the standard quota's own unit "
            "(not money), with the current programme's factor."),
        parameters=(
            Parameter("standard_quota", gettext_lazy("Standard annual energy quota"), "",
                      gettext_lazy("As on the energy-use approval, in the unit chosen below."),
                      minimum=QUOTA_PLACES, maximum=QUOTA_MAX),
            Parameter("unit", gettext_lazy("Unit"), "", "", type=CHOICE,
                      choices=(("kWh", gettext_lazy("kWh (kilowatt-hours)")),
                               ("tce", gettext_lazy("tce (tonnes of coal equivalent)")))),
        ),
        results=(
            ResultField("granted_quota", gettext_lazy("Granted quota"), "", QUANTITY),
            ResultField("unit", gettext_lazy("Unit"), "", TEXT),
        ),
        compute=_energy_quota,
        programme_kind="energy_quota",
        example={"standard_quota": "1000", "unit": "kWh"},
    ),
    Calculator(
        name="local-procurement-subsidy",
        title=gettext_lazy("Local procurement subsidy"),
        formula="S = rate × V   (rate 0.05 in the seed), rounded half-up to the cent once, within the caps",
        description=gettext_lazy(
            "The subsidy on eligible purchases from verified local suppliers, at the current programme's rate."),
        parameters=(
            _money("amount", gettext_lazy("Eligible purchase amount V"), "CNY",
                   gettext_lazy("The sum of the eligible purchases.")),
        ),
        results=(ResultField("subsidy", gettext_lazy("Subsidy S"), "CNY", MONEY),),
        compute=_local_procurement,
        programme_kind="local_procurement",
        example={"amount": "1000000"},
    ),
    Calculator(
        name="standards-reward",
        title=gettext_lazy("Standards reward"),
        formula="R_lead = 1,000,000 CNY, R_part = 500,000 CNY (the programme's amounts) − already paid",
        description=gettext_lazy(
            "The reward for leading or taking part in an international standard (ISO, IEC, ITU), once per company "
            "per standard; leading supersedes taking part, so a lead claim after a participant reward pays the "
            "difference."),
        parameters=(
            Parameter("role", gettext_lazy("Role"), "", "", type=CHOICE,
                      choices=(("lead", gettext_lazy("Led the standard")),
                               ("participant", gettext_lazy("Took part")))),
            _money("already_paid", gettext_lazy("Already paid for this standard"), "CNY",
                   gettext_lazy("What the company was already paid for the same standard; leave empty for none."),
                   required=False, default="0"),
        ),
        results=(ResultField("reward", gettext_lazy("Reward R"), "CNY", MONEY),),
        compute=_standards_reward,
        programme_kind="standards_reward",
        example={"role": "lead"},
    ),
    Calculator(
        name="rd-matching",
        title=gettext_lazy("R&D matching fund"),
        formula="M = rate × total investment   (rate 0.15 in the seed), rounded once, within the caps",
        description=gettext_lazy("Matching funds for a company undertaking a national major project."),
        parameters=(
            _money("total_investment", gettext_lazy("The project's total investment"), "CNY", "", exclusive=True),
        ),
        results=(ResultField("matching", gettext_lazy("Matching fund"), "CNY", MONEY),),
        compute=_rd_matching,
        programme_kind="rd_matching",
        example={"total_investment": "20000000"},
    ),
    Calculator(
        name="talent-influx",
        title=gettext_lazy("Talent influx"),
        formula="I = N_grad × p_retain",
        description=gettext_lazy(
            "Skilled graduates a year who stay in the field (the plan: more than 500 a year, p_retain above 60 %)."),
        parameters=(
            Parameter("graduates", gettext_lazy("Graduates a year N_grad"), "", gettext_lazy("A whole number."),
                      type=INTEGER, minimum=Decimal("0"), maximum=Decimal("10000000")),
            _fraction("retention", gettext_lazy("Retention p_retain"),
                      gettext_lazy("As a fraction: 0.6 for 60 %.")),
        ),
        results=(ResultField("influx", gettext_lazy("Influx I"), gettext_lazy("people a year")),),
        compute=_talent_influx,
        example={"graduates": "900", "retention": "0.6"},
    ),
    Calculator(
        name="compensation",
        title=gettext_lazy("Specialist compensation"),
        formula="C = S_base + B_housing + Σ other",
        description=gettext_lazy("An overseas specialist's total yearly package."),
        parameters=(
            _money("base_salary", gettext_lazy("Base salary S_base"), "CNY", gettext_lazy("A year.")),
            _money("housing", gettext_lazy("Housing benefit B_housing"), "CNY", gettext_lazy("A year.")),
            _money("other", gettext_lazy("Other benefits"), "CNY",
                   gettext_lazy("Each benefit a year, separated by commas (e.g. 20000, 15000); leave empty for none."),
                   type=LIST, required=False, max_items=50),
        ),
        results=(ResultField("total", gettext_lazy("Total C"), "CNY", MONEY),),
        compute=_compensation,
        example={"base_salary": "800000", "housing": "120000", "other": "20000,15000"},
    ),
    Calculator(
        name="scholarship-fund",
        title=gettext_lazy("Scholarship fund"),
        formula="F = n × A_scholar",
        description=gettext_lazy("The yearly fund for n scholarships (the plan: 50 or more recipients a year)."),
        parameters=(
            Parameter("students", gettext_lazy("Recipients n"), "", gettext_lazy("A whole number."), type=INTEGER,
                      minimum=Decimal("0"), maximum=Decimal("1000000")),
            _money("award", gettext_lazy("Award per recipient A_scholar"), "CNY"),
        ),
        results=(ResultField("fund", gettext_lazy("Fund F"), "CNY", MONEY),),
        compute=_scholarship_fund,
        example={"students": "50", "award": "20000"},
    ),
)}

PROGRAMME_CODES = {
    "local_procurement": "local-procurement", "rd_matching": "rd-matching",
    "standards_reward": "standards-reward", "energy_quota": "energy-quota",
}
