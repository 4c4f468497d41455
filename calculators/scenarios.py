"""The demonstration scenarios' formulas (seed suggestion 3, Table 3; "The other formulas of the seed").

  LCOS = (capex + Σ O&M_t/(1+r)^t + Σ replacement_t/(1+r)^t) / Σ E_t/(1+r)^t,  t = 1..years
  drone flight time T ≈ η·E/P

Plain functions over Decimals; no ORM.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from .money import round_cny, to_decimal

ONE = Decimal("1")
ZERO = Decimal("0")
MINUTES_PER_HOUR = Decimal("60")


def yearly(values: Sequence, years: int) -> list[Decimal]:
    """A yearly series of `years` values: as given, or one value repeated for every year."""
    values = [to_decimal(v) for v in values]
    if len(values) == 1:
        return values * years
    if len(values) != years:
        raise ValueError(f"give one value per year ({years}) or one value for every year")
    return values


@dataclass(frozen=True)
class Lcos:
    """The levelised cost of storage and the discounted sums it is made of (money to the cent, energy in kWh)."""

    lcos_cny_per_kwh: Decimal
    discounted_om: Decimal
    discounted_replacement: Decimal
    discounted_cost: Decimal
    discounted_energy_kwh: Decimal


def lcos(capex, discount_rate, years: int, om: Sequence, replacement: Sequence, energy_kwh: Sequence) -> Lcos:
    """LCOS = (capex + Σ O&M_t/(1+r)^t + Σ replacement_t/(1+r)^t) / Σ E_t/(1+r)^t, t = 1..years (CNY/kWh).

    The grid-side storage scenario's figure of merit (seed Table 3: "LCOS lower than the incumbent
    technology"). Capex is spent at t = 0, undiscounted; O&M, replacements and the energy discharged come at the
    end of each year t. Each yearly list holds one value per year or one value for every year. The sums are
    kept exact and rounded once, at the end (money to the cent).
    """
    capex = to_decimal(capex)
    rate = to_decimal(discount_rate)
    if int(years) != years or years < 1:
        raise ValueError("years are a whole number, one or more")
    if capex < 0 or rate <= -ONE:
        raise ValueError("capex cannot be negative and the discount rate must be above −1")
    om, replacement, energy = (yearly(series, years) for series in (om, replacement, energy_kwh))
    if min(om + replacement + energy) < 0:
        raise ValueError("yearly costs and energy cannot be negative")
    with localcontext() as context:
        context.prec = 40
        factors = [ONE / (ONE + rate) ** t for t in range(1, years + 1)]
        discounted_om = sum((v * f for v, f in zip(om, factors, strict=True)), ZERO)
        discounted_replacement = sum((v * f for v, f in zip(replacement, factors, strict=True)), ZERO)
        discounted_energy = sum((v * f for v, f in zip(energy, factors, strict=True)), ZERO)
        if discounted_energy <= 0:
            raise ValueError("the storage must discharge some energy")
        cost = capex + discounted_om + discounted_replacement
        ratio = cost / discounted_energy
    return Lcos(
        lcos_cny_per_kwh=round_cny(ratio),
        discounted_om=round_cny(discounted_om),
        discounted_replacement=round_cny(discounted_replacement),
        discounted_cost=round_cny(cost),
        discounted_energy_kwh=+discounted_energy,
    )


def flight_time_minutes(efficiency, battery_wh, power_w) -> Decimal:
    """T ≈ η·E/P: a drone's flight time from the pack's energy E (Wh), the usable fraction η and the mean power
    draw P (W), in minutes (the low-altitude drone scenario, seed Table 3)."""
    efficiency, energy, power = (to_decimal(v) for v in (efficiency, battery_wh, power_w))
    if not ZERO < efficiency <= ONE:
        raise ValueError("an efficiency is a fraction above 0 and at most 1")
    if energy < 0 or power <= 0:
        raise ValueError("the energy cannot be negative and the power must be more than zero")
    return efficiency * energy / power * MINUTES_PER_HOUR
