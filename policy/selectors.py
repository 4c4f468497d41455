"""Reads the scoreboard needs that no other app's selectors answer yet (each a few grouped rows, whatever the data).

- The directory's Table 1 figures: for each (category, figure) the policy sets a threshold for, how many products
  of published local companies report the figure, how many beat the threshold, and the best value among them.
- The money programmes' totals by year: approved (approved or paid, by the year of the decision) and paid (by
  the date of payment), per programme kind, over every version of the programme.
- International standards led and taken part in: verified participations, each standard counted once per role,
  in the year its first such participation was verified.

The thresholds themselves come from calculators.city_targets; the arithmetic on these sums from calculators/.
"""

import operator
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Max, Min, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from calculators.city_targets import CITY_TARGETS, Threshold
from calculators.money import round_cny
from registry.models import Company, ProductFigure

# A threshold's comparison as a database lookup, and which end of the values is the best one.
_LOOKUP = {operator.gt: "gt", operator.ge: "gte", operator.lt: "lt", operator.le: "lte"}
_HIGHER_IS_BETTER = {operator.gt: True, operator.ge: True, operator.lt: False, operator.le: False}


@dataclass(frozen=True)
class DirectoryTarget:
    """One figure of one category that the policy sets a threshold for (a row of Table 1)."""

    category_slug: str
    threshold: Threshold

    @property
    def higher_is_better(self) -> bool:
        return _HIGHER_IS_BETTER[self.threshold.compare]


def table1_targets() -> list[DirectoryTarget]:
    """The material categories' thresholds (Table 1), in the order calculators.city_targets lists them.

    Cells and packs are judged by their application (Table 3: the demonstration scenarios), not here.
    """
    return [
        DirectoryTarget(slug, threshold)
        for slug, by_application in CITY_TARGETS.items()
        if set(by_application) == {""}
        for threshold in by_application[""]
    ]


@dataclass(frozen=True)
class DirectoryFigure:
    products: int  # local published products reporting the figure
    meeting: int  # of them, those beating the threshold
    best: float | None  # the best value reported (None: no product reports it)


def directory_target_figures(targets: list[DirectoryTarget], today=None) -> dict[tuple[str, str], DirectoryFigure]:
    """{(category slug, figure): DirectoryFigure} over the products of published, confirmed-local companies.

    One query: a conditional count, count and maximum or minimum per target.
    """
    if not targets:
        return {}
    local = Company.objects.published(today or timezone.localdate()).filter(locality_confirmed=True)
    aggregates, scope = {}, Q()
    for index, target in enumerate(targets):
        figure = target.threshold.figure
        here = Q(product__category__slug=target.category_slug, figure=figure)
        beats = Q(**{f"value__{_LOOKUP[target.threshold.compare]}": target.threshold.value})
        aggregates[f"products_{index}"] = Count("pk", filter=here)
        aggregates[f"meeting_{index}"] = Count("pk", filter=here & beats)
        aggregates[f"best_{index}"] = (Max if target.higher_is_better else Min)("value", filter=here)
        scope |= here
    row = ProductFigure.objects.filter(scope, product__company__in=local).aggregate(**aggregates)
    return {
        (target.category_slug, target.threshold.figure): DirectoryFigure(
            products=row[f"products_{index}"], meeting=row[f"meeting_{index}"], best=row[f"best_{index}"]
        )
        for index, target in enumerate(targets)
    }


_MONEY = DecimalField(max_digits=18, decimal_places=2)


def programme_totals_by_year(kinds) -> dict[str, dict[str, dict[int, Decimal]]]:
    """{kind: {"approved": {year: total}, "paid": {year: total}}} of the money programmes of these kinds.

    Approved counts every application an official approved (paid ones too: paying follows approving), in the year
    of the decision; paid counts the paid ones in the year of payment. Two queries, whatever the applications.
    """
    from procurement.models import SubsidyApplication

    status = SubsidyApplication.Status
    result = {kind: {"approved": {}, "paid": {}} for kind in kinds}
    money = SubsidyApplication.objects.order_by().filter(programme__kind__in=list(kinds), amount__isnull=False)
    measures = (
        ("approved", money.filter(status__in=[status.APPROVED, status.PAID]),
         ExtractYear(Coalesce("decided_at", "created_at"))),
        ("paid", money.filter(status=status.PAID, paid_on__isnull=False), ExtractYear("paid_on")),
    )
    for measure, queryset, year in measures:
        rows = queryset.values("programme__kind", year=year).annotate(
            total=Coalesce(Sum("amount"), Value(Decimal("0")), output_field=_MONEY)
        )
        for row in rows:
            by_year = result[row["programme__kind"]][measure]
            by_year[row["year"]] = round_cny(by_year.get(row["year"], Decimal("0")) + Decimal(str(row["total"])))
    return result


def international_standards_by_year() -> dict[str, dict[int, int]]:
    """{role: {year: standards}}: international standards with a verified participation in that role, each counted
    once, in the year its first verified participation in the role was (one query)."""
    from alliance.models import Standard, StandardParticipation

    rows = (
        StandardParticipation.objects.order_by()
        .filter(status=StandardParticipation.Status.VERIFIED, standard__level=Standard.Level.INTERNATIONAL)
        .values("role", "standard_id")
        .annotate(first=Min(Coalesce("verified_at", "created_at")))
    )
    counts: dict[str, dict[int, int]] = {role: defaultdict(int) for role in StandardParticipation.Role.values}
    for row in rows:
        counts[row["role"]][timezone.localtime(row["first"]).year] += 1
    return {role: dict(by_year) for role, by_year in counts.items()}
