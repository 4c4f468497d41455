"""The R&D fund's materials formulas (seed suggestion 1 and "The other formulas of the seed" in the policy).

  cost target         C_target = 0.5 × C_current (solid electrolytes: cost down by half)
  Arrhenius           σ = A·exp(−Ea / kT), k = 8.617333262e-5 eV/K (the 2018 CODATA Boltzmann constant)
  capacity retention  Q(n) = Q0·(1 − D)^n

Plain functions over Decimals; no ORM. Physical results keep full Decimal precision (28 significant digits);
whoever shows them chooses how many figures to print.
"""

from dataclasses import dataclass
from decimal import Decimal, localcontext

from .money import round_cny, to_decimal

BOLTZMANN_EV_PER_K = Decimal("8.617333262e-5")
COST_REDUCTION = Decimal("0.5")
ONE = Decimal("1")
ZERO = Decimal("0")


def cost_target(current_cost, reduction=COST_REDUCTION) -> Decimal:
    """C_target = 0.5 × C_current: the policy's aim for solid electrolytes, cost down by half (CNY/kg).

    `reduction` is the fraction taken off (0.5 in the seed), so C_target = (1 − reduction) × C_current; money,
    rounded half-up to the cent once.
    """
    current = to_decimal(current_cost)
    reduction = to_decimal(reduction)
    if current < 0:
        raise ValueError("a cost cannot be negative")
    if not ZERO <= reduction < ONE:
        raise ValueError("a reduction is a fraction from 0 up to (not including) 1")
    return round_cny((ONE - reduction) * current)


def arrhenius_conductivity(prefactor, activation_energy_ev, temperature_k) -> Decimal:
    """σ = A·exp(−Ea / kT), k = 8.617333262e-5 eV/K: ionic conductivity (S/cm) at a temperature (K)."""
    prefactor = to_decimal(prefactor)
    energy = to_decimal(activation_energy_ev)
    temperature = to_decimal(temperature_k)
    if prefactor <= 0 or temperature <= 0:
        raise ValueError("the prefactor and the absolute temperature must be more than zero")
    with localcontext() as context:
        context.prec = 28
        return prefactor * (-energy / (BOLTZMANN_EV_PER_K * temperature)).exp()


@dataclass(frozen=True)
class ArrheniusFit:
    """The activation energy (eV) and prefactor (S/cm) of the Arrhenius line through two measurements."""

    activation_energy_ev: Decimal
    prefactor: Decimal


def arrhenius_fit(sigma1, t1_k, sigma2, t2_k) -> ArrheniusFit:
    """The Arrhenius line σ = A·exp(−Ea / kT) through two measurements (σ1 at T1, σ2 at T2), in closed form:

      Ea = k·ln(σ2 / σ1) / (1/T1 − 1/T2),   A = σ1·exp(Ea / kT1).
    """
    sigma1, t1, sigma2, t2 = (to_decimal(v) for v in (sigma1, t1_k, sigma2, t2_k))
    if min(sigma1, sigma2, t1, t2) <= 0:
        raise ValueError("conductivities and absolute temperatures must be more than zero")
    if t1 == t2:
        raise ValueError("the two measurements must be at different temperatures")
    with localcontext() as context:
        context.prec = 28
        energy = BOLTZMANN_EV_PER_K * (sigma2 / sigma1).ln() / (ONE / t1 - ONE / t2)
        prefactor = sigma1 * (energy / (BOLTZMANN_EV_PER_K * t1)).exp()
    return ArrheniusFit(activation_energy_ev=energy, prefactor=prefactor)


def capacity_after_cycles(initial_capacity, decay_per_cycle, cycles: int) -> Decimal:
    """Q(n) = Q0·(1 − D)^n: the capacity left after n cycles losing the fraction D of it each cycle."""
    return to_decimal(initial_capacity) * capacity_retention(decay_per_cycle, cycles)


def capacity_retention(decay_per_cycle, cycles: int) -> Decimal:
    """Q(n) / Q0 = (1 − D)^n, as a fraction (1 is all of it)."""
    decay = to_decimal(decay_per_cycle)
    if not ZERO <= decay < ONE:
        raise ValueError("a decay per cycle is a fraction from 0 up to (not including) 1")
    if int(cycles) != cycles or cycles < 0:
        raise ValueError("cycles are a whole number, zero or more")
    with localcontext() as context:
        context.prec = 28
        return (ONE - decay) ** int(cycles)


def cycles_to_retention(decay_per_cycle, retention_target) -> int | None:
    """The first whole cycle n at which (1 − D)^n ≤ the target retention: n = ⌈ln(target) / ln(1 − D)⌉.

    None when nothing decays (D = 0) and the target is below 1: that cell never gets there.
    """
    decay = to_decimal(decay_per_cycle)
    target = to_decimal(retention_target)
    if not ZERO <= decay < ONE:
        raise ValueError("a decay per cycle is a fraction from 0 up to (not including) 1")
    if not ZERO < target <= ONE:
        raise ValueError("a retention target is a fraction above 0 and at most 1")
    if target == ONE:
        return 0
    if decay == 0:
        return None
    with localcontext() as context:
        context.prec = 28
        estimate = int((target.ln() / (ONE - decay).ln()).to_integral_value(rounding="ROUND_CEILING"))
        # The logarithms are rounded to 28 digits: settle the boundary on the exact power.
        while estimate > 0 and (ONE - decay) ** (estimate - 1) <= target:
            estimate -= 1
        while (ONE - decay) ** estimate > target:
            estimate += 1
    return estimate
