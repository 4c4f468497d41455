"""The talent plan's figures on the policy scoreboard (policy.scoreboard): public totals only.

Graduates entering the field in the latest year with figures (> 500), their retention (> 60 %), overseas
specialists recruited in the last three years (20–30) and scholarship recipients in the latest year with
scholarships (50 or more), each with its trend by year.
"""

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from policy.scoreboard import Comparison, Figure

from . import selectors


def talent_figures(user, today) -> list[Figure]:
    years = selectors.talent_years()
    url = reverse("talent:index")
    training = selectors.latest_training_year(years)
    scholarships = selectors.latest_scholarship_year(years)
    window_first = today.year - selectors.SPECIALIST_WINDOW_YEARS + 1
    # A year's "no data yet" stays None in the trend: an empty year is not a year of zero graduates.
    graduates_trend = tuple((row.year, Decimal(row.graduates) if row.has_training_data else None) for row in years)
    retention_trend = tuple((row.year, row.retention_percent) for row in years)
    first_year = min(years[0].year, today.year) if years else today.year
    # No specialist recorded at all is "no data yet", not a count of zero held against 20–30.
    any_specialists = any(row.specialists for row in years)
    specialists_trend = tuple(
        (year, Decimal(selectors.specialists_in_window(years, year)) if any_specialists else None)
        for year in range(first_year, today.year + 1)
    )
    recipients_trend = tuple((row.year, Decimal(row.recipients) if row.scholarships else None) for row in years)
    return [
        Figure(
            key="talent.graduates", group="talent",
            label=_("Skilled graduates entering the field, %(year)s") % {"year": training.year} if training
            else _("Skilled graduates entering the field a year"),
            value=Decimal(training.graduates) if training else None, target=Decimal(selectors.GRADUATES_TARGET),
            comparison=Comparison.MORE_THAN, target_text=_("over 500 a year"), trend=graduates_trend, url=url,
            detail=_("From the training bases' yearly figures.") if training else _("No data yet."),
        ),
        Figure(
            key="talent.retention", group="talent",
            label=_("Graduates retained locally, %(year)s") % {"year": training.year} if training
            else _("Graduates retained locally"),
            value=training.retention_percent if training else None, target=selectors.RETENTION_TARGET_PERCENT,
            unit="%", comparison=Comparison.MORE_THAN, target_text=_("above 60 %"), trend=retention_trend, url=url,
            detail=(_("%(retained)s of %(graduates)s graduates; influx I = N_grad × p_retain = %(influx)s") % {
                "retained": training.retained, "graduates": training.graduates, "influx": training.influx}
                if training and training.graduates else _("No data yet.")),
        ),
        Figure(
            key="talent.specialists", group="talent",
            label=_("Overseas specialists recruited, %(first)s–%(last)s") % {"first": window_first, "last": today.year},
            value=Decimal(selectors.specialists_in_window(years, today.year)) if any_specialists else None,
            target=Decimal(selectors.SPECIALISTS_HIGH), target_low=Decimal(selectors.SPECIALISTS_LOW),
            comparison=Comparison.BETWEEN, target_text=_("20–30 in three years"), trend=specialists_trend, url=url,
            detail=_("Each year of the trend counts the three years ending with it."),
        ),
        Figure(
            key="talent.scholarships", group="talent",
            label=_("Scholarship recipients, %(year)s") % {"year": scholarships.year} if scholarships
            else _("Scholarship recipients a year"),
            value=Decimal(scholarships.recipients) if scholarships else None,
            target=Decimal(selectors.RECIPIENTS_TARGET), comparison=Comparison.AT_LEAST,
            target_text=_("50 or more a year"), trend=recipients_trend, url=url,
            detail=(_("%(n)s scholarships; fund F = n × A_scholar = ¥%(fund)s") % {
                "n": scholarships.scholarships, "fund": f"{scholarships.fund:,.2f}"} if scholarships
                else _("No data yet.")),
        ),
    ]
