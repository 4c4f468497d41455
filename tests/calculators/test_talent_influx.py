"""I = N_grad × p_retain (calculators.talent.talent_influx)."""

from decimal import Decimal

import pytest

from calculators.talent import talent_influx


@pytest.mark.parametrize(("n", "p", "expected"), [(900, "0.6", "540"), (0, "0.6", "0"), (833, "0.6", "499.8"),
                                                  (500, "1", "500")])
def test_influx_by_hand(n, p, expected):
    assert talent_influx(n, p) == Decimal(expected)


@pytest.mark.parametrize(("n", "p"), [(-1, "0.5"), (10, "1.1"), (10, "-0.1"), (2.5, "0.5")])
def test_impossible_inputs_are_refused(n, p):
    with pytest.raises(ValueError):
        talent_influx(n, p)
