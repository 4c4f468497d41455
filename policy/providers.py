"""The scoreboard's figures for what the platform already records: the LCR path, the directory's Table 1 figures,
the money programmes' totals and the international standards (registered from PolicyConfig.ready()).

Each provider reads through the owning app's selectors (procurement.selectors for the LCR) or policy.selectors
(reads no app answers yet), and takes its thresholds, rates and path from calculators/ and the programme records,
never from constants of its own. No records: value None ("no data yet").
"""

import operator
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from calculators.local_content import TARGET_YEARS, lcr_on_target, lcr_target_percent
from calculators.subsidies import (
    LOCAL_PROCUREMENT_RATE,
    RD_MATCHING_RATE,
    STANDARD_REWARD_LEAD,
    STANDARD_REWARD_PARTICIPANT,
)
from registry.figures import FIGURES, format_number
from registry.permissions import is_official
from registry.templatetags.platform_format import cny

from . import selectors
from .scoreboard import Comparison, Figure, Status

# --- the local content ratio ------------------------------------------------------------------------------------


def _percent_text(value) -> str:
    return f"{Decimal(value).normalize():f} %"


def lcr_status(value, target, final_target) -> str:
    """This year's step of the path: on track or behind; met once the path's end (70 %) is reached."""
    if value is None:
        return Status.NO_DATA
    if target is None:  # a year before the path starts: nothing to hold the ratio against
        return Status.MEASURED
    if final_target is not None and lcr_on_target(value, final_target):
        return Status.MET
    return Status.ON_TRACK if lcr_on_target(value, target) else Status.BEHIND


def share_percent(part: int, whole: int) -> Decimal | None:
    """part / whole × 100 %, two decimals half-up; None for an empty whole."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def lcr_provider(user, today) -> list[Figure]:
    """The city-wide LCR this year against this year's step of the path (public), and, for officials, the share of
    anchor firms whose own LCR reaches the step (the per-anchor figures are theirs only, as on the dashboard)."""
    from procurement.selectors import LcrSlice, lcr_by, lcr_trend

    baseline = settings.LCR_BASELINE_YEAR
    year = today.year
    series = [
        row for row in lcr_trend(start_year=min(baseline, year), today=today)["series"] if row["year"] <= year
    ]
    this_year = next((row for row in series if row["year"] == year), None)
    value = this_year["lcr_percent"] if this_year else None
    target = lcr_target_percent(year, baseline)
    final_target = lcr_target_percent(baseline + TARGET_YEARS, baseline)
    start_target = lcr_target_percent(baseline, baseline)
    target_text = _("From %(start)s in %(baseline)s to over %(end)s by %(end_year)s, rising evenly") % {
        "start": _percent_text(start_target), "baseline": baseline, "end": _percent_text(final_target),
        "end_year": baseline + TARGET_YEARS,
    }
    if target is not None:
        target_text += _("; %(target)s for %(year)s") % {"target": _percent_text(target), "year": year}
    detail = ""
    if this_year and value is not None:
        detail = _("Purchases recorded in %(year)s: %(count)s.") % {"count": this_year["purchase_count"], "year": year}
    figures = [Figure(
        key="lcr", group="lcr", label=_("Local content ratio, city-wide, %(year)s") % {"year": year},
        value=value, target=target, unit="%", comparison=Comparison.AT_LEAST,
        status=lcr_status(value, target, final_target),
        trend=tuple((row["year"], row["lcr_percent"]) for row in series),
        trend_target=tuple((row["year"], row["target_percent"]) for row in series),
        url=reverse("procurement:dashboard"), detail=detail, target_text=target_text,
    )]
    if is_official(user):
        rows = lcr_by("buyer", LcrSlice(year=year))
        reaching = sum(1 for row in rows if lcr_on_target(row["lcr_percent"], target))
        share = share_percent(reaching, len(rows)) if target is not None else None
        figures.append(Figure(
            key="lcr.anchors", group="lcr",
            label=_("Anchor firms whose own LCR reaches the %(year)s step") % {"year": year},
            value=share, target=None, unit="%",
            url=reverse("procurement:dashboard"), public=False,
            detail=(_("Anchor firms with purchases in %(year)s reaching it: %(reaching)s of %(count)s.") % {
                "reaching": reaching, "count": len(rows), "year": year} if rows else ""),
            target_text=_("Every anchor firm on the city’s path (no number set per firm)"),
        ))
    return figures


# --- the directory's Table 1 figures --------------------------------------------------------------------------

_COMPARISON = {
    operator.gt: (Comparison.MORE_THAN, ">"),
    operator.ge: (Comparison.AT_LEAST, "≥"),
    operator.lt: (Comparison.LESS_THAN, "<"),
    operator.le: (Comparison.AT_MOST, "≤"),
}


def _threshold_text(threshold) -> str:
    definition = FIGURES[threshold.figure]
    _comparison, sign = _COMPARISON[threshold.compare]
    return f"{sign} {format_number(threshold.value, definition.scientific)} {definition.unit}"


def _float_decimal(value) -> Decimal | None:
    # Figures are stored as floats; their shortest decimal form is what the supplier typed (0.012, not 0.0119…).
    if value is None:
        return None
    number = Decimal(repr(float(value)))
    return number.to_integral_value() if number == number.to_integral_value() else number


def directory_provider(user, today) -> list[Figure]:
    """Each Table 1 figure: the best value among local published products, and how many of them beat the target."""
    from registry.models import Category

    targets = selectors.table1_targets()
    measured = selectors.directory_target_figures(targets, today)
    names = {category.slug: category.display_name
             for category in Category.objects.filter(slug__in={t.category_slug for t in targets})}
    figures = []
    for target in targets:
        threshold = target.threshold
        definition = FIGURES[threshold.figure]
        found = measured[(target.category_slug, threshold.figure)]
        comparison, _sign = _COMPARISON[threshold.compare]
        detail = ""
        if found.products:
            detail = _("Local products meeting it: %(meeting)s of %(products)s.") % {
                "meeting": found.meeting, "products": found.products}
        figures.append(Figure(
            key=f"rd.directory.{target.category_slug}.{threshold.figure}", group="rd",
            label=_("%(category)s: %(figure)s, best local product") % {
                "category": names.get(target.category_slug, target.category_slug), "figure": definition.label},
            value=_float_decimal(found.best), target=_float_decimal(threshold.value), unit=str(definition.unit),
            comparison=comparison,
            url=reverse("registry:directory") + "?" + urlencode({"category": target.category_slug, "local": "true"}),
            detail=detail, target_text=_threshold_text(threshold),
            extra={"figure": threshold.figure, "products": found.products, "meeting": found.meeting},
        ))
    return figures


# --- tiered support: the money programmes and the standards ------------------------------------------------------


def _yearly(by_year: dict, today, zero) -> tuple:
    """(year, value) from the first year with records to this year, a year without any as `zero`."""
    years = [year for year in by_year if year is not None]
    if not years:
        return ()
    return tuple((year, by_year.get(year, zero)) for year in range(min(years), max(max(years), today.year) + 1))


def _total(by_year: dict, zero):
    return sum(by_year.values(), zero) if by_year else None


def _rate_text(rate) -> str:
    return _percent_text(Decimal(rate) * 100)


def support_provider(user, today) -> list[Figure]:
    """The R&D matching fund's and the local procurement subsidy's totals approved and paid, by year (public
    totals), and the international standards led and taken part in (verified participations), by year."""
    from alliance.models import Standard
    from calculators.programmes import current_programmes
    from procurement.models import SubsidyProgramme

    kind = SubsidyProgramme.Kind
    current = current_programmes(today)
    totals = selectors.programme_totals_by_year([kind.RD_MATCHING, kind.LOCAL_PROCUREMENT])
    programmes = (
        (kind.RD_MATCHING, "rd_matching", RD_MATCHING_RATE,
         _("R&D matching fund"), _("%(rate)s of a national major project’s total investment")),
        (kind.LOCAL_PROCUREMENT, "local_procurement", LOCAL_PROCUREMENT_RATE,
         _("Local procurement subsidy"), _("%(rate)s of eligible purchases of locally produced solid-state "
                                           "batteries from verified local suppliers")),
    )
    official = is_official(user)
    zero = Decimal("0.00")
    figures = []
    for programme_kind, slug, seed_rate, name, words in programmes:
        # The open version's rate when there is one (a new version may change it), else the policy's own.
        programme = current.get(programme_kind)
        rate_text = _rate_text(programme.rate if programme is not None and programme.rate else seed_rate)
        for measure, label in (("approved", _("%(programme)s: approved to date")),
                               ("paid", _("%(programme)s: paid to date"))):
            by_year = totals[programme_kind][measure]
            total = _total(by_year, zero)
            url = ""
            if official:
                statuses = "approved,paid" if measure == "approved" else "paid"
                url = reverse("admin:procurement_subsidyapplication_changelist") + "?" + urlencode(
                    {"programme__kind__exact": programme_kind, "status__in": statuses})
            figures.append(Figure(
                key=f"support.{slug}.{measure}", group="support", label=label % {"programme": name},
                value=total, target=None, unit="CNY",
                trend=_yearly(by_year, today, zero), url=url,
                detail=(_("By year of the decision.") if measure == "approved" else _("By year of payment."))
                if total is not None else "",
                target_text=words % {"rate": rate_text},
            ))
    standards = selectors.international_standards_by_year()
    standards_url = reverse("alliance:standard_list") + "?" + urlencode({"level": Standard.Level.INTERNATIONAL})
    reward = current.get(kind.STANDARDS_REWARD)
    lead_reward = reward.lead_reward if reward is not None and reward.lead_reward else STANDARD_REWARD_LEAD
    part_reward = (reward.participant_reward if reward is not None and reward.participant_reward
                   else STANDARD_REWARD_PARTICIPANT)
    for role, key, label, words in (
        ("lead", "led", _("International standards led"),
         _("Lead international standards (ISO, IEC, ITU): a reward of %(reward)s for each") % {
             "reward": cny(lead_reward)}),
        ("participant", "joined", _("International standards taken part in"),
         _("Take part in international standards (ISO, IEC, ITU): a reward of %(reward)s for each") % {
             "reward": cny(part_reward)}),
    ):
        by_year = standards.get(role, {})
        total = _total(by_year, 0)
        figures.append(Figure(
            key=f"support.standards.{key}", group="support", label=label,
            value=None if total is None else Decimal(total), target=None, unit="",
            trend=tuple((year, Decimal(count)) for year, count in _yearly(by_year, today, 0)),
            url=standards_url,
            detail=_("Verified participations; each standard counted once, in the year first verified.")
            if total is not None else "",
            target_text=words,
        ))
    return figures


def register_all() -> None:
    """Called from PolicyConfig.ready(): the figures of the apps that exist before the scoreboard."""
    from .scoreboard import register

    register(lcr_provider)
    register(directory_provider)
    register(support_provider)
