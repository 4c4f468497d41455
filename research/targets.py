"""The fund's three directions and the figures its projects set targets in (seed Table 1 and suggestion 1).

A project's performance targets are stated in the registry's figure definitions (`registry.figures`: their units
and plausible bounds), limited to the figures its material category uses. The cost per kg is not a product
figure in the registry: it is the project-level target of the policy (C_target = 0.5 × C_current,
`calculators.materials.cost_target`), in CNY/kg.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.bounds import MAX_AMOUNT
from registry.figures import FIGURES, figures_for_category, format_number

COST_PER_KG = "cost_per_kg"
# Targets and measurements are kept as decimals to this many places (1e-12 S/cm is far below any electrolyte).
VALUE_PLACES = 12
MAX_VALUE_TEXT = 50


class Direction(models.TextChoices):
    SOLID_ELECTROLYTES = "solid_electrolytes", gettext_lazy("Solid electrolytes")
    ELECTRODES = "electrodes", gettext_lazy("Next-generation electrodes")
    AUXILIARY = "auxiliary_materials", gettext_lazy("Auxiliary materials")


# The taxonomy's top-level categories under each direction; a project's category lies in one of these subtrees.
DIRECTION_CATEGORIES = {
    Direction.SOLID_ELECTROLYTES: ("solid-electrolytes",),
    Direction.ELECTRODES: ("cathode-materials", "anode-materials"),
    Direction.AUXILIARY: ("conductive-agents", "binders", "current-collectors"),
}

HIGHER, LOWER = "higher", "lower"


@dataclass(frozen=True)
class TargetFigure:
    """A figure a project can set a target in: which way is better, and the city's Table 1 threshold."""

    code: str
    better: str
    direction: str
    # Table 1's threshold in the figure's unit (None for the cost, whose target is per project) and its words.
    city_threshold: Decimal | None
    city_text: str

    @property
    def label(self) -> str:
        return _("Cost per kg") if self.code == COST_PER_KG else str(FIGURES[self.code].label)

    @property
    def unit(self) -> str:
        return _("CNY/kg") if self.code == COST_PER_KG else str(FIGURES[self.code].unit)

    @property
    def scientific(self) -> bool:
        return self.code != COST_PER_KG and FIGURES[self.code].scientific

    def display(self, value) -> str:
        if value is None:
            return "—"
        if self.code == COST_PER_KG:
            return f"¥{Decimal(value):,.2f}/kg"
        return f"{format_number(float(value), self.scientific)} {self.unit}"

    def problem(self, value: Decimal) -> str | None:
        """Why the value is not plausible for this figure (the registry's bounds), or None."""
        if self.code == COST_PER_KG:
            if value <= 0:
                return _("The cost per kg must be more than 0 CNY.")
            if value > MAX_AMOUNT:
                return _("The cost per kg is too large: at most %(max)s CNY.") % {"max": f"{MAX_AMOUNT:,}"}
            return None
        # float() of 1e400 is inf, which the registry's bounds refuse as too large like any other value above them.
        return FIGURES[self.code].problem(float(value))

    def improves(self, baseline: Decimal, target: Decimal) -> bool:
        return target > baseline if self.better == HIGHER else target < baseline

    def best(self, values):
        values = [v for v in values if v is not None]
        if not values:
            return None
        return max(values) if self.better == HIGHER else min(values)


TARGET_FIGURES: dict[str, TargetFigure] = {
    f.code: f
    for f in (
        TargetFigure("ionic_conductivity", HIGHER, Direction.SOLID_ELECTROLYTES, Decimal("0.01"), "> 1e-2 S/cm"),
        TargetFigure("area_specific_resistance", LOWER, Direction.SOLID_ELECTROLYTES, Decimal("10"), "< 10 Ω·cm²"),
        TargetFigure("specific_capacity", HIGHER, Direction.ELECTRODES, Decimal("300"), "> 300 mAh/g"),
        TargetFigure("capacity_decay_per_cycle", LOWER, Direction.ELECTRODES, Decimal("0.05"), "< 0.05 %"),
        TargetFigure("coulombic_efficiency", HIGHER, Direction.ELECTRODES, Decimal("99.5"), "> 99.5 %"),
        TargetFigure("weight_reduction", HIGHER, Direction.AUXILIARY, Decimal("40"), "> 40 %"),
        TargetFigure(COST_PER_KG, LOWER, Direction.SOLID_ELECTROLYTES, None, "C_target = 0.5 × C_current"),
    )
}
FIGURE_CHOICES = [(code, code) for code in TARGET_FIGURES]


def figures_for_project_category(category) -> tuple[str, ...]:
    """The target figures a project in this category may use: the Table 1 figures the category reports, then cost."""
    used = figures_for_category(category) if category is not None else ()
    return tuple(code for code in TARGET_FIGURES if code in used) + (COST_PER_KG,)


def direction_categories():
    """The taxonomy's categories under the fund's directions, in tree order (each parent, then its children)."""
    from django.db.models import F
    from django.db.models.functions import Coalesce

    from registry.models import Category

    roots = [slug for slugs in DIRECTION_CATEGORIES.values() for slug in slugs]
    return (
        Category.objects.filter(models.Q(slug__in=roots) | models.Q(parent__slug__in=roots))
        .order_by(Coalesce("parent__position", "position"), F("parent").asc(nulls_first=True), "position", "pk")
    )


def category_in_direction(category, direction: str) -> bool:
    roots = DIRECTION_CATEGORIES.get(direction, ())
    node = category
    while node is not None:
        if node.slug in roots:
            return True
        node = node.parent
    return False


def parse_value(raw) -> Decimal:
    """A figure's value from what a person or a client typed: 3e-3, 0.003, 12,000; ValueError when it is none."""
    if isinstance(raw, Decimal):
        value = raw
    else:
        if isinstance(raw, bool) or raw is None:
            raise ValueError("not a number")
        text = str(raw).strip()
        for mark in (",", "，", " ", "\u00a0"):
            text = text.replace(mark, "")
        if not text or len(text) > MAX_VALUE_TEXT:
            raise ValueError("not a number")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError("not a number") from None
    if not value.is_finite():
        raise ValueError("not a finite number")
    return value


def stored(value: Decimal) -> Decimal:
    """The value as the database keeps it (VALUE_PLACES places); call after the bounds are checked."""
    return value.quantize(Decimal(1).scaleb(-VALUE_PLACES))
