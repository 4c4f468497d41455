"""Large amounts on a page in the reader's way of counting: 万 and 亿 in Chinese, million and billion in English."""

from decimal import Decimal

import pytest
from django.utils import translation

from registry.templatetags.platform_format import cny_compact


@pytest.mark.parametrize(("amount", "english", "chinese"), [
    ("9876.50", "¥9,876.50", "¥9,876.50"),
    ("10000", "¥10,000.00", "¥1.00万"),
    ("999999.99", "¥999,999.99", "¥100.00万"),
    ("1000000", "¥1.00 million", "¥100.00万"),
    ("412151478.36", "¥412.15 million", "¥4.12亿"),
    ("99999999.99", "¥100.00 million", "¥10,000.00万"),
    ("1234567890123.45", "¥1,234.57 billion", "¥12,345.68亿"),
    ("-2500000", "−¥2.50 million", "−¥250.00万"),
    ("0", "¥0.00", "¥0.00"),
])
def test_compact_amounts(amount, english, chinese):
    with translation.override("en"):
        assert cny_compact(Decimal(amount)) == english
    with translation.override("zh-hans"):
        assert cny_compact(Decimal(amount)) == chinese


def test_nothing_stays_nothing():
    assert cny_compact(None) == "" and cny_compact("") == ""
