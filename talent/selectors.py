"""The talent plan's yearly totals, built from the stored records: the public side of the plan.

Counts are summed by the database; the formulas are calculators.talent's (I_talent = N_grad × p_retain,
F = n × A_scholar). A year without graduates has no retention rate and no influx ("no data yet"): never a
division by zero.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum

from calculators.talent import scholarship_fund, talent_influx

from .models import OverseasSpecialist, Scholarship, TrainingBase, TrainingYear

HUNDREDTH = Decimal("0.01")
# The plan's targets (Table 5): > 500 graduates a year, retention above 60 %, 20–30 specialists in three years,
# 50 or more scholarship recipients a year.
GRADUATES_TARGET = 500
RETENTION_TARGET_PERCENT = Decimal("60")
SPECIALISTS_LOW, SPECIALISTS_HIGH = 20, 30
SPECIALIST_WINDOW_YEARS = 3
RECIPIENTS_TARGET = 50


@dataclass
class TalentYear:
    """One year's totals across every training base, specialist and scholarship recorded."""

    year: int
    has_training_data: bool = False
    internships: int = 0
    placements: int = 0
    graduates: int = 0
    retained: int = 0
    specialists: int = 0
    scholarships: int = 0
    recipients: int = 0
    fund: Decimal = Decimal("0.00")

    @property
    def retention(self) -> Decimal | None:
        """p_retain as a fraction; None when no graduate was counted that year."""
        if not self.graduates:
            return None
        return Decimal(self.retained) / Decimal(self.graduates)

    @property
    def retention_percent(self) -> Decimal | None:
        retention = self.retention
        return None if retention is None else (retention * 100).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)

    @property
    def influx(self) -> Decimal | None:
        """I_talent = N_grad × p_retain (calculators.talent), to a hundredth of a person."""
        retention = self.retention
        if retention is None:
            return None
        return talent_influx(self.graduates, retention).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def talent_years(first_year: int | None = None, last_year: int | None = None) -> list[TalentYear]:
    """Every year from the first with any record to the last (gaps included, as empty years), oldest first."""
    years: dict[int, TalentYear] = {}

    def of(year):
        return years.setdefault(year, TalentYear(year=year))

    training = TrainingYear.objects.values("year").annotate(
        internships_sum=Sum("internships"), placements_sum=Sum("placements"),
        graduates_sum=Sum("graduates"), retained_sum=Sum("retained"),
    ).order_by()
    for row in training:
        item = of(row["year"])
        item.has_training_data = True
        item.internships, item.placements = row["internships_sum"] or 0, row["placements_sum"] or 0
        item.graduates, item.retained = row["graduates_sum"] or 0, row["retained_sum"] or 0
    for row in OverseasSpecialist.objects.values("year").annotate(n=Count("pk")).order_by():
        of(row["year"]).specialists = row["n"]
    for year, recipients, award in Scholarship.objects.annotate(n=Count("recipients")).values_list(
        "year", "n", "award"
    ).order_by():
        item = of(year)
        item.scholarships += 1
        item.recipients += recipients
        item.fund += scholarship_fund(recipients, award)
    known = sorted(years) or [year for year in (first_year, last_year) if year is not None]
    if not known:
        return []
    low = first_year if first_year is not None else known[0]
    high = last_year if last_year is not None else known[-1]
    return [years.get(year) or TalentYear(year=year) for year in range(low, high + 1)]


def latest_training_year(rows: list[TalentYear]) -> TalentYear | None:
    """The most recent year with training bases' figures, or None."""
    return next((row for row in reversed(rows) if row.has_training_data), None)


def latest_scholarship_year(rows: list[TalentYear]) -> TalentYear | None:
    return next((row for row in reversed(rows) if row.scholarships), None)


def specialists_in_window(rows: list[TalentYear], last_year: int) -> int:
    """Specialists recruited in the three years ending with `last_year` (the plan counts 20–30 in three years)."""
    first = last_year - SPECIALIST_WINDOW_YEARS + 1
    return sum(row.specialists for row in rows if first <= row.year <= last_year)


def public_training_bases():
    """The training bases with their institution and companies: organisations, no people, so public."""
    return TrainingBase.objects.select_related("institution").prefetch_related("companies").order_by("name")
