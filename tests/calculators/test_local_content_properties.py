"""Laws of the local content ratio: within 0–100, and the ratio of a union is the ratio of the summed parts."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from calculators.local_content import local_content_ratio

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2)
purchases = st.lists(st.tuples(amounts, st.booleans()), min_size=0, max_size=40)


def sums(rows):
    local = sum((amount for amount, is_local in rows if is_local), Decimal("0"))
    total = sum((amount for amount, _is_local in rows), Decimal("0"))
    return local, total


@given(purchases, st.data())
def test_ratio_of_a_union_equals_the_ratio_of_the_summed_parts(rows, data):
    parts = data.draw(st.lists(st.integers(min_value=0, max_value=4), min_size=len(rows), max_size=len(rows)))
    groups = [[row for row, part in zip(rows, parts, strict=True) if part == index] for index in range(5)]
    part_sums = [sums(group) for group in groups]
    local = sum((local for local, _total in part_sums), Decimal("0"))
    total = sum((total for _local, total in part_sums), Decimal("0"))
    assert local_content_ratio(*sums(rows)) == local_content_ratio(local, total)


@given(purchases)
def test_ratio_lies_within_0_and_100_or_is_absent_for_no_purchases(rows):
    ratio = local_content_ratio(*sums(rows))
    if not rows:
        assert ratio is None
    else:
        assert Decimal("0") <= ratio <= Decimal("100")
        if all(is_local for _amount, is_local in rows):
            assert ratio == Decimal("100.00")
        if not any(is_local for _amount, is_local in rows):
            assert ratio == Decimal("0.00")
