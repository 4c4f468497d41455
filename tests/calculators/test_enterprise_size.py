"""Enterprise size, MIIT 2011 rule for industry: both thresholds of a class must be met, at every boundary."""

from decimal import Decimal

import pytest

from calculators.enterprise_size import LARGE, MEDIUM, MICRO, SMALL, enterprise_size_class, is_sme


@pytest.mark.parametrize(
    ("employees", "revenue", "expected"),
    [
        # large: >= 1000 employees and >= 400 M CNY
        (1000, "400000000", LARGE),
        (999, "400000000", MEDIUM),
        (1000, "399999999.99", MEDIUM),
        (5000, "5000000000", LARGE),
        # medium: >= 300 and >= 20 M
        (300, "20000000", MEDIUM),
        (299, "20000000", SMALL),
        (300, "19999999.99", SMALL),
        # small: >= 20 and >= 3 M
        (20, "3000000", SMALL),
        (19, "3000000", MICRO),
        (20, "2999999.99", MICRO),
        # many employees, small revenue: revenue decides
        (5000, "2999999.99", MICRO),
        (5000, "3000000", SMALL),
        (1000, "20000000", MEDIUM),
        # large revenue, few employees: employees decide
        (19, "900000000", MICRO),
        (299, "900000000", SMALL),
        (999, "900000000", MEDIUM),
        # nothing at all
        (0, "0", MICRO),
        (0, "400000000", MICRO),
        (1000, "0", MICRO),
    ],
)
def test_size_class_at_each_boundary(employees, revenue, expected):
    assert enterprise_size_class(employees, Decimal(revenue)) == expected


def test_revenue_given_as_a_string_or_int_is_read_exactly():
    assert enterprise_size_class(1000, 400_000_000) == LARGE
    assert enterprise_size_class(1000, "399999999.99") == MEDIUM


@pytest.mark.parametrize(("employees", "revenue"), [(-1, "0"), (0, "-0.01"), (None, "1"), (1, None)])
def test_negative_or_missing_figures_are_refused(employees, revenue):
    with pytest.raises(ValueError):
        enterprise_size_class(employees, None if revenue is None else Decimal(revenue))


@pytest.mark.parametrize(("size", "sme"), [(LARGE, False), (MEDIUM, True), (SMALL, True), (MICRO, True)])
def test_sme_means_medium_small_or_micro(size, sme):
    assert is_sme(size) is sme
