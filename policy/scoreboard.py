"""The scoreboard's figures: every quantified target of the policy, each measured from the records that hold it.

The scoreboard knows no app. Each app that keeps the records of a target registers a *provider* from its
`AppConfig.ready()` (`register(provider)`), the way apps add sections to the registry's pages
(`registry.sections`): `provider(user, today) -> list[Figure]`. The page, the API and the workbook under
`/policy/` call every provider and show what they return, grouped by `Figure.group`, in the order registered.

A provider computes its values from the stored records (through its app's selectors and `calculators/`), never
from constants; an empty slice is `value=None` ("no data yet"), never a division by zero. It returns the
figures the user may see: `public=False` figures only to officials (`registry.permissions.is_official`),
or leaves them out.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


class Comparison:
    """How the measured value is held against the target."""

    AT_LEAST = "at_least"  # value ≥ target (a count, a share to reach: "50 or more scholarships a year")
    MORE_THAN = "more_than"  # value > target ("ionic conductivity above 1e-2 S/cm")
    AT_MOST = "at_most"  # value ≤ target
    LESS_THAN = "less_than"  # value < target ("decay per cycle below 0.05 %")
    BETWEEN = "between"  # target_low ≤ value ≤ target ("20–30 overseas specialists in three years")


class Status:
    """Where a figure stands; `status_of` decides it from the value, the target and the comparison."""

    MET = "met"  # the target is reached
    ON_TRACK = "on_track"  # a path target (e.g. the LCR's yearly path): this year's step is reached
    BEHIND = "behind"
    NO_DATA = "no_data"
    # A value measured for a part of the policy that sets no number to reach (the totals a programme paid, the
    # standards led): shown as measured, never as met or behind, and never as "no data yet" beside a number.
    MEASURED = "measured"

    LABELS = {
        MET: _("Target met"),
        ON_TRACK: _("On track"),
        BEHIND: _("Behind"),
        NO_DATA: _("No data yet"),
        MEASURED: _("Measured (no numeric target)"),
    }


@dataclass(frozen=True)
class Figure:
    """One target of the policy and the value measured for it."""

    # Stable and unique across the scoreboard, e.g. "lcr", "rd.sulfide-electrolyte.ionic_conductivity",
    # "talent.graduates": the API's key and the workbook's row.
    key: str
    # The section it is shown under: one of GROUPS' keys.
    group: str
    # What is measured, in the reader's language ("Local content ratio, city-wide").
    label: str
    # The measured value (Decimal, or None: no data yet) and the target, in `unit`.
    value: Decimal | None
    target: Decimal | None
    unit: str = ""
    comparison: str = Comparison.AT_LEAST
    # For BETWEEN: the lower bound (the target is the upper one).
    target_low: Decimal | None = None
    # Computed by `status_of` when left empty; a path target passes ON_TRACK or BEHIND itself.
    status: str = ""
    # (year, value) by year, oldest first; value None for a year without data. Empty when the figure has no trend.
    trend: tuple[tuple[int, Decimal | None], ...] = ()
    # The target for each year of the trend where the target moves (the LCR path); else empty.
    trend_target: tuple[tuple[int, Decimal | None], ...] = ()
    # The records the figure comes from (a page of the site the reader may open), and a few words on them
    # ("3 of 12 local products meet it").
    url: str = ""
    detail: str = ""
    # Public figures are shown to everyone; the others only to officials.
    public: bool = True
    # The policy's own words for the target ("> 1e-2 S/cm", "over 500 a year"), shown beside the number.
    target_text: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def resolved_status(self) -> str:
        return self.status or status_of(self.value, self.target, self.comparison, self.target_low)


GROUPS = {
    "lcr": _("Local content ratio"),
    "rd": _("R&D targets (Table 1)"),
    "demonstration": _("Demonstration scenarios (Table 3)"),
    "support": _("Tiered support: programmes and standards"),
    "talent": _("Talent plan"),
}


def status_of(value, target, comparison, target_low=None) -> str:
    """Met or behind for a value held against a fixed target; no data without a value; measured without a target."""
    if value is None:
        return Status.NO_DATA
    if target is None:
        return Status.MEASURED
    value, target = Decimal(value), Decimal(target)
    met = {
        Comparison.AT_LEAST: value >= target,
        Comparison.MORE_THAN: value > target,
        Comparison.AT_MOST: value <= target,
        Comparison.LESS_THAN: value < target,
        Comparison.BETWEEN: (target_low is None or value >= Decimal(target_low)) and value <= target,
    }[comparison]
    return Status.MET if met else Status.BEHIND


Provider = Callable[..., list[Figure]]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a provider of figures: `provider(user, today) -> list[Figure]` (called from an AppConfig.ready())."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def providers() -> tuple[Provider, ...]:
    """The registered providers, in the order registered (the provider-contract test checks each)."""
    return tuple(_PROVIDERS)


def figures(user, today: date | None = None, group: str | None = None) -> list[Figure]:
    """Every registered provider's figures that `user` may see, in the order of GROUPS, then as registered.

    A provider should leave out what the user may not see; a non-public figure that slips through is dropped
    here as well, so one provider's mistake never shows an official's figure to the public. `group` keeps one
    section's figures.
    """
    from django.utils import timezone

    from registry.permissions import is_official

    today = today or timezone.localdate()
    official = is_official(user)
    collected = [
        figure for provider in _PROVIDERS for figure in provider(user, today)
        if (figure.public or official) and (group is None or figure.group == group)
    ]
    order = list(GROUPS)
    return sorted(collected, key=lambda figure: order.index(figure.group) if figure.group in order else len(order))
