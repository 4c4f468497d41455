"""The talent plan's formulas (seed suggestion 5, Table 5; "The other formulas of the seed").

  talent influx      I = N_grad × p_retain
  compensation       C = S_base + B_housing + Σ other benefits
  scholarship fund   F = n × A_scholar

Plain functions over Decimals; no ORM. Money is rounded half-up to the cent once, at the end.
"""

from collections.abc import Iterable
from decimal import Decimal

from .money import round_cny, to_decimal

ZERO = Decimal("0")
ONE = Decimal("1")


def talent_influx(graduates: int, retention) -> Decimal:
    """I = N_grad × p_retain: the skilled graduates a year who stay in the field (the plan wants > 500 a year,
    with p_retain above 60 %)."""
    retention = to_decimal(retention)
    if int(graduates) != graduates or graduates < 0:
        raise ValueError("graduates are a whole number, zero or more")
    if not ZERO <= retention <= ONE:
        raise ValueError("a retention rate is a fraction from 0 to 1")
    return int(graduates) * retention


def compensation_total(base_salary, housing, other: Iterable = ()) -> Decimal:
    """C = S_base + B_housing + Σ other benefits: an overseas specialist's total package (CNY a year)."""
    parts = [to_decimal(base_salary), to_decimal(housing), *(to_decimal(v) for v in other)]
    if min(parts) < 0:
        raise ValueError("pay and benefits cannot be negative")
    return round_cny(sum(parts, ZERO))


def scholarship_fund(students: int, award) -> Decimal:
    """F = n × A_scholar: the yearly fund for n scholarship recipients of A_scholar each (50 or more a year)."""
    award = to_decimal(award)
    if int(students) != students or students < 0:
        raise ValueError("students are a whole number, zero or more")
    if award < 0:
        raise ValueError("an award cannot be negative")
    return round_cny(int(students) * award)
