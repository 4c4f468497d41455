"""Long-term supply agreements (seed suggestion 2, Table 2): deliveries against the committed value per year.

An agreement runs from its start date to its end date, both included. Its years are counted from the start
date, not the calendar: agreement year k runs from the (k−1)-th anniversary of the start to the day before the
k-th anniversary, and the last year is cut at the end date. The committed value is a value *per agreement
year*; for a last year cut short it is NOT pro-rated (the agreement says nothing about a pro-rata share), so
the page says plainly that a short last year is measured against the whole year's commitment.

An anniversary of 29 February falls on 28 February in a year without one.

Plain functions over dates and Decimals; no ORM.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .money import to_decimal

HUNDRED = Decimal("100")
_ZERO = Decimal("0")


def add_years(day: date, years: int) -> date:
    """The same day `years` later (or earlier); 29 February becomes 28 February in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class AgreementYear:
    """One agreement year: its number (from 1), first and last day, and whether the end date cut it short."""

    number: int
    start: date
    end: date
    is_partial: bool


def agreement_years(started_on: date, ends_on: date) -> list[AgreementYear]:
    """The agreement years from started_on to ends_on (both included); the last one cut at ends_on."""
    if ends_on < started_on:
        raise ValueError("an agreement cannot end before it starts")
    years = []
    number = 1
    while True:
        start = add_years(started_on, number - 1)
        if start > ends_on:
            break
        full_end = add_years(started_on, number) - timedelta(days=1)
        end = min(full_end, ends_on)
        years.append(AgreementYear(number=number, start=start, end=end, is_partial=end < full_end))
        number += 1
    return years


def percent_of(part, whole) -> Decimal | None:
    """part / whole × 100 with two decimals (half-up), or None when the whole is zero (nothing to divide by)."""
    part = to_decimal(part)
    whole = to_decimal(whole)
    if whole <= 0:
        return None
    return (part * HUNDRED / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def delivered_by_agreement_year(
    started_on: date, ends_on: date, committed_value_per_year, deliveries: Iterable[tuple[date, object]]
) -> list[dict]:
    """Per agreement year: the value delivered (sum of the deliveries dated inside it) against the commitment.

    `deliveries` are (date, amount) pairs; those outside the agreement's period are ignored. Each row holds
    number, start, end, is_partial, delivered, delivery_count, committed (the whole year's commitment, never
    pro-rated), shortfall (committed − delivered, at least 0) and percent (delivered / committed × 100, or
    None when nothing was committed).
    """
    committed = to_decimal(committed_value_per_year)
    years = agreement_years(started_on, ends_on)
    delivered = [_ZERO] * len(years)
    counts = [0] * len(years)
    for day, amount in deliveries:
        for index, year in enumerate(years):
            if year.start <= day <= year.end:
                delivered[index] += to_decimal(amount)
                counts[index] += 1
                break
    return [
        {
            "number": year.number,
            "start": year.start,
            "end": year.end,
            "is_partial": year.is_partial,
            "delivered": delivered[index],
            "delivery_count": counts[index],
            "committed": committed,
            "shortfall": max(committed - delivered[index], _ZERO),
            "percent": percent_of(delivered[index], committed),
        }
        for index, year in enumerate(years)
    ]


def window_before(started_on: date) -> tuple[date, date]:
    """The 12 months before an agreement began: the anniversary a year earlier to the day before the start."""
    return add_years(started_on, -1), started_on - timedelta(days=1)


def window_since(started_on: date, ends_on: date | None, today: date) -> tuple[date, date] | None:
    """From the start to the end of the agreement or today, whichever is earlier; None if it has not begun."""
    last = min(ends_on, today) if ends_on else today
    if last < started_on:
        return None
    return started_on, last
