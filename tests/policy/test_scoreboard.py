"""The scoreboard's interface: statuses, who sees what, and the contract every registered provider keeps.

The contract test runs every provider registered in the project (this app's and, once merged, the R&D, demonstration
and talent apps'), on an empty database and on one with records, as an official and as the public.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from policy import scoreboard
from policy.scoreboard import GROUPS, Comparison, Figure, Status, status_of
from tests.policy import builders
from tests.policy.builders import TODAY

pytestmark = pytest.mark.django_db

COMPARISONS = {Comparison.AT_LEAST, Comparison.MORE_THAN, Comparison.AT_MOST, Comparison.LESS_THAN,
               Comparison.BETWEEN}


@pytest.mark.parametrize(("value", "target", "comparison", "low", "status"), [
    (None, Decimal("1"), Comparison.AT_LEAST, None, Status.NO_DATA),
    (None, None, Comparison.AT_LEAST, None, Status.NO_DATA),
    (Decimal("3"), None, Comparison.AT_LEAST, None, Status.MEASURED),  # a number, but no number to reach
    (Decimal("1"), Decimal("1"), Comparison.AT_LEAST, None, Status.MET),
    (Decimal("1"), Decimal("1"), Comparison.MORE_THAN, None, Status.BEHIND),
    (Decimal("0.04"), Decimal("0.05"), Comparison.LESS_THAN, None, Status.MET),
    (Decimal("0.05"), Decimal("0.05"), Comparison.AT_MOST, None, Status.MET),
    (Decimal("25"), Decimal("30"), Comparison.BETWEEN, Decimal("20"), Status.MET),
    (Decimal("19"), Decimal("30"), Comparison.BETWEEN, Decimal("20"), Status.BEHIND),
])
def test_status_of(value, target, comparison, low, status):
    assert status_of(value, target, comparison, low) == status


def _fake_provider(user, today):
    return [
        Figure(key="talent.secret", group="talent", label="Not for the public", value=Decimal("1"),
               target=Decimal("2"), public=False),
        Figure(key="talent.open", group="talent", label="For everyone", value=Decimal("3"), target=Decimal("2")),
    ]


def test_a_non_public_figure_a_provider_lets_through_is_still_only_for_officials(monkeypatch, official):
    monkeypatch.setattr(scoreboard, "_PROVIDERS", [_fake_provider])
    assert [f.key for f in scoreboard.figures(AnonymousUser(), TODAY)] == ["talent.open"]
    assert [f.key for f in scoreboard.figures(official, TODAY)] == ["talent.secret", "talent.open"]


def test_figures_come_in_the_order_of_the_groups_and_can_be_kept_to_one(monkeypatch):
    def late(user, today):
        return [Figure(key="lcr.late", group="lcr", label="LCR", value=None, target=None)]

    monkeypatch.setattr(scoreboard, "_PROVIDERS", [_fake_provider, late])
    assert [f.group for f in scoreboard.figures(None, TODAY)] == ["lcr", "talent"]
    assert [f.key for f in scoreboard.figures(None, TODAY, group="lcr")] == ["lcr.late"]


def test_register_adds_a_provider_once(monkeypatch):
    monkeypatch.setattr(scoreboard, "_PROVIDERS", [])
    scoreboard.register(_fake_provider)
    scoreboard.register(_fake_provider)
    assert scoreboard.providers() == (_fake_provider,)


def test_this_app_s_providers_are_registered():
    from policy import providers

    registered = scoreboard.providers()
    for provider in (providers.lcr_provider, providers.directory_provider, providers.support_provider):
        assert provider in registered


# --- the contract every registered provider keeps ------------------------------------------------------------------


def _check_contract(figures):
    keys = [figure.key for figure in figures]
    assert len(keys) == len(set(keys)), f"keys repeat: {sorted(k for k in keys if keys.count(k) > 1)}"
    for figure in figures:
        assert isinstance(figure, Figure), figure
        assert figure.key and figure.key == figure.key.strip(), figure
        assert figure.group in GROUPS, f"{figure.key}: unknown group {figure.group!r}"
        assert str(figure.label), figure.key
        assert figure.value is None or isinstance(figure.value, Decimal), f"{figure.key}: value {figure.value!r}"
        assert figure.target is None or isinstance(figure.target, Decimal), f"{figure.key}: target {figure.target!r}"
        assert figure.comparison in COMPARISONS, figure.key
        assert figure.resolved_status in Status.LABELS, f"{figure.key}: status {figure.resolved_status!r}"
        # "No data yet" exactly when there is no value: never beside a number, never a status without one.
        assert (figure.value is None) == (figure.resolved_status == Status.NO_DATA), (
            f"{figure.key}: value {figure.value!r} with status {figure.resolved_status!r}")
        years = [year for year, _value in figure.trend]
        assert years == sorted(set(years)), f"{figure.key}: trend years {years}"
        assert all(value is None or isinstance(value, Decimal) for _year, value in figure.trend), figure.key
        assert {year for year, _target in figure.trend_target} <= set(years), figure.key
        assert figure.url == "" or figure.url.startswith(("/", "https://", "http://")), figure.key


def _every_provider_s_figures(user):
    collected = []
    for provider in scoreboard.providers():
        collected += provider(user, TODAY)
    return collected


@pytest.mark.parametrize("with_records", [False, True])
def test_every_registered_provider_keeps_the_contract(official, settings, with_records):
    settings.LCR_BASELINE_YEAR = builders.BASELINE
    if with_records:
        builders.lcr_purchases()
        builders.directory_products()
        builders.programme_applications()
        builders.standards_participations()
    official_figures = _every_provider_s_figures(official)
    public_figures = _every_provider_s_figures(AnonymousUser())
    _check_contract(official_figures)
    _check_contract(public_figures)
    # A provider leaves out what the public may not see; the public's keys are among the official's.
    assert all(figure.public for figure in public_figures), [f.key for f in public_figures if not f.public]
    assert {f.key for f in public_figures} <= {f.key for f in official_figures}


def test_on_an_empty_database_every_figure_says_no_data_yet(official, settings):
    settings.LCR_BASELINE_YEAR = builders.BASELINE
    figures = scoreboard.figures(official, date.today())
    assert figures
    assert {figure.key: figure.resolved_status for figure in figures} == {
        figure.key: Status.NO_DATA for figure in figures}
