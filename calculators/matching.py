"""Matchmaking (seed suggestion 2: "verified suppliers that fit are suggested, ranked"): the score of a supplier
that passed a sourcing request's filters, and the yearly value of an accepted offer.

The seed names the ranking's ingredients but no weights; these are the platform's own, stated here so that every
reason shown beside a supplier can be traced to one term. The score is out of 100:

- figures, 40: 20 for meeting every required threshold (the filter already guarantees it), plus up to 20 for the
  average relative margin over the thresholds, a margin of 100 % or more earning the full 20. With no figure
  required, the 20 of the margin are given in full (nothing to exceed).
- capacity, 25: the share of the requested yearly quantity the supplier's stated capacity covers, capped at 1;
  0 when the capacity is not stated in the request's unit.
- certificates, 20: the share of the required certificate types held valid; 20 when none is required.
- locality, 10: a supplier confirmed local by an official (the alliance turns non-local spend into local supply).
- existing collaboration, 5: an active or completed collaboration with the same anchor firm.

Ties keep the order of the candidates given (the caller sorts them by name first). Plain numbers in, Decimal out.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .money import round_cny, to_decimal

FIGURES_MET = Decimal("20")
MARGIN_MAX = Decimal("20")
CAPACITY_MAX = Decimal("25")
CERTIFICATES_MAX = Decimal("20")
LOCAL = Decimal("10")
COLLABORATION = Decimal("5")
_ONE = Decimal("1")
_ZERO = Decimal("0")
_TENTH = Decimal("0.1")


def figure_margin(value: float, threshold: float, bound: str) -> Decimal | None:
    """How far a value clears its threshold, relative to the threshold: (value − t) / |t| for a minimum,
    (t − value) / |t| for a maximum. None when the threshold is 0 (no relative margin exists)."""
    if bound not in ("min", "max"):
        raise ValueError("bound is 'min' or 'max'")
    t = Decimal(repr(float(threshold)))
    v = Decimal(repr(float(value)))
    if t == 0:
        return None
    difference = v - t if bound == "min" else t - v
    return difference / abs(t)


@dataclass(frozen=True)
class MatchScore:
    """A supplier's score out of 100 and its five parts (figures, capacity, certificates, locality, history)."""

    total: Decimal
    figures: Decimal
    capacity: Decimal
    certificates: Decimal
    local: Decimal
    collaboration: Decimal


def _clamp(value: Decimal, low: Decimal = _ZERO, high: Decimal = _ONE) -> Decimal:
    return max(low, min(high, value))


def match_score(
    *,
    margins: Sequence[Decimal | None],
    capacity,
    quantity,
    certificates_held: int,
    certificates_required: int,
    is_local: bool,
    has_collaboration: bool,
) -> MatchScore:
    """The score of one fitting supplier (see the module's docstring for the rule).

    `margins`: figure_margin() of each required threshold (None where the threshold is 0, counted as 0 margin);
    `capacity`: the supplier's yearly capacity in the request's unit, or None when not stated in it.
    """
    if margins:
        average = sum((_clamp(m) if m is not None else _ZERO) for m in margins) / len(margins)
        figures = FIGURES_MET + MARGIN_MAX * average
    else:
        figures = FIGURES_MET + MARGIN_MAX
    quantity = to_decimal(quantity)
    if capacity is None or quantity <= 0:
        capacity_part = _ZERO
    else:
        capacity_part = CAPACITY_MAX * _clamp(to_decimal(capacity) / quantity)
    if certificates_required > 0:
        held = min(max(certificates_held, 0), certificates_required)
        certificates = CERTIFICATES_MAX * Decimal(held) / Decimal(certificates_required)
    else:
        certificates = CERTIFICATES_MAX
    local = LOCAL if is_local else _ZERO
    collaboration = COLLABORATION if has_collaboration else _ZERO

    def tenth(x: Decimal) -> Decimal:
        return x.quantize(_TENTH, rounding=ROUND_HALF_UP)

    parts = [tenth(figures), tenth(capacity_part), tenth(certificates), tenth(local), tenth(collaboration)]
    return MatchScore(tenth(figures + capacity_part + certificates + local + collaboration), *parts)


def offer_annual_value(quantity, price_low, price_high) -> Decimal:
    """The yearly value of an accepted offer: the requested yearly quantity at the middle of the offered price
    range, rounded half-up to the cent once. It prefills the supply agreement's committed value per year."""
    middle = (to_decimal(price_low) + to_decimal(price_high)) / 2
    return round_cny(to_decimal(quantity) * middle)
