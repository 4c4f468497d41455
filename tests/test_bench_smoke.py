"""`make bench` kept honest: its generator fills the app's tables and its hand-written floors give the app's answers.

A tiny data set (300 companies, 3,000 purchases) in the test database; no timing here (speed lives in make bench).
"""

import json

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone

from bench.directory import Floor, floor_ids, query_mix, query_string
from bench.generate import SCALES, generate
from bench.lcr import LcrFloor
from registry.models import Company


@pytest.fixture
def tiny(db):
    return generate("tiny", log=lambda *args: None)


def test_generator_fills_the_scale_with_published_companies_and_purchases(tiny):
    from procurement.models import Purchase

    sizes = SCALES["tiny"]
    assert Company.objects.count() == sizes["companies"]
    assert Company.objects.filter(is_anchor=True).count() == sizes["anchors"]
    assert Purchase.objects.count() == sizes["purchases"]
    published = Company.objects.published().count()
    assert 0.5 * sizes["companies"] < published < 0.75 * sizes["companies"]
    # A fifth of the purchases come from suppliers outside the registry; nobody buys from itself.
    outside = Purchase.objects.filter(supplier__isnull=True).count()
    assert 0.15 * sizes["purchases"] < outside < 0.25 * sizes["purchases"]
    assert not Purchase.objects.filter(supplier_id=F("buyer_id")).exists()


def test_floor_sql_returns_the_same_ids_in_the_same_order_as_the_api(tiny, client):
    floor = Floor(connection.vendor, timezone.localdate())
    connection.ensure_connection()
    raw = connection.connection  # the same transaction as the test's data
    for params in query_mix(Company.objects.published().count()):
        response = client.get("/api/v1/companies/?" + query_string(params))
        assert response.status_code == 200, params
        ids = [row["id"] for row in response.json()["results"]]
        assert ids == floor_ids(raw, floor, params), params


def test_lcr_floor_gives_the_api_s_sums(tiny, client):
    year = timezone.localdate().year - 1
    answer = client.get(f"/api/v1/lcr/?year={year}&category=cells-and-packs").json()
    connection.ensure_connection()
    (local, total, count), = LcrFloor(connection.vendor).answer(connection.connection, "year_category", year)[0]
    assert answer["purchase_count"] == count > 0
    assert float(answer["total_amount"]) == pytest.approx(float(total), abs=0.01)
    assert float(answer["local_amount"]) == pytest.approx(float(local), abs=0.01)
    # Small suppliers' purchases: the suppliers' cells joined to their size class, against the raw join.
    sized = client.get(f"/api/v1/lcr/?year={year}&size=small").json()
    (local, total, count), = LcrFloor(connection.vendor).answer(connection.connection, "year_size", year)[0]
    assert sized["purchase_count"] == count > 0
    assert float(sized["total_amount"]) == pytest.approx(float(total), abs=0.01)
    trend = {row["year"]: row for row in client.get("/api/v1/lcr/trend/").json()["series"]}
    assert json.dumps(sorted(y for y, row in trend.items() if row["purchase_count"])) == json.dumps(
        sorted(range(year - 3, year + 2))
    )


@pytest.mark.parametrize(("n", "fraction", "expected"), [
    (20, 0.95, 19), (20, 0.99, 20), (20, 0.5, 10), (100, 0.95, 95), (3, 0.95, 3), (1, 0.95, 1), (21, 0.95, 20),
])
def test_a_percentile_is_the_nearest_rank_so_the_p95_of_twenty_is_not_the_slowest(n, fraction, expected):
    from bench.measure import percentile

    assert percentile(list(range(n, 0, -1)), fraction) == expected
