"""Fuzz: arbitrary text, numbers and files thrown at the purchase API and the importer answer 4xx or succeed,
never 5xx, and leave nothing half-saved."""

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from procurement.imports import purchase_import
from procurement.models import ImportBatch, Purchase
from procurement.services import COLUMNS

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Text of every kind (control characters and lone surrogates included), numbers of every size, and the odd shape.
text = st.text(max_size=60)
numbers = st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                    st.decimals(allow_nan=False, allow_infinity=False).map(str))
near_valid = st.sampled_from(["2026-03-01", "solid-state-cells", "1E+26", "1e30", "12.345", "-1", "0", "1,000.00",
                              "9999999999999.99", "10000000000000", "NaN", "Infinity", "١٢٣", "²"])
value = st.one_of(text, numbers, near_valid, st.none(), st.booleans(), st.lists(text, max_size=2),
                  st.dictionaries(text, text, max_size=2))
purchase_body = st.dictionaries(st.one_of(st.sampled_from(COLUMNS), text), value, max_size=12)


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    client.raise_request_exception = False
    return client


def _post(client, body, url="/api/v1/purchases/", method="post"):
    raw = json.dumps(body, ensure_ascii=False, default=str).encode("utf-8", "surrogatepass")
    return getattr(client, method)(url, raw, content_type="application/json")


@FUZZ
@given(body=purchase_body)
def test_the_purchase_api_answers_4xx_or_creates_one(anchor_user, company_x, body):
    before = Purchase.objects.count()
    if "supplier_identifier" in body and not isinstance(body["supplier_identifier"], str):
        pass
    response = _post(_client(anchor_user), body)
    assert response.status_code < 500, response.content[:500]
    assert Purchase.objects.count() == before + (1 if response.status_code == 201 else 0)


@FUZZ
@given(items=st.lists(purchase_body, min_size=1, max_size=4))
def test_a_list_is_all_or_nothing(anchor_user, items):
    before = Purchase.objects.count()
    response = _post(_client(anchor_user), items)
    assert response.status_code < 500, response.content[:500]
    assert Purchase.objects.count() == before + (len(items) if response.status_code == 201 else 0)


@FUZZ
@given(body=purchase_body)
def test_a_correction_answers_4xx_or_changes_it(anchor_user, company_x, body):
    from tests import factories

    purchase = factories.make_purchase(anchor_user.company, company_x)
    saved = Purchase.objects.filter(pk=purchase.pk).values().get()
    response = _post(_client(anchor_user), body, url=f"/api/v1/purchases/{purchase.pk}/", method="patch")
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400:
        assert Purchase.objects.filter(pk=purchase.pk).values().get() == saved


cell = st.one_of(text, numbers.map(str), near_valid)
HEADER = ["supplier_identifier", "supplier_name", "purchased_on", "category", "amount", "invoice_number",
          "quantity", "description", "product", "unit"]


@FUZZ
@given(rows=st.lists(st.lists(cell, min_size=len(HEADER), max_size=len(HEADER)), min_size=1, max_size=5),
       encoding=st.sampled_from(["utf-8", "gb18030", "utf-8-sig"]))
def test_the_importer_refuses_or_saves_every_row_of_any_csv(anchor_user, rows, encoding):
    import csv

    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    data = buffer.getvalue().encode(encoding, "replace")
    before = Purchase.objects.count()
    batch = purchase_import(by=anchor_user, buyer=anchor_user.company, file=io.BytesIO(data), filename="f.csv")
    assert batch.status in (ImportBatch.Status.DONE, ImportBatch.Status.FAILED)
    created = Purchase.objects.count() - before
    assert created == (batch.created_count if batch.status == ImportBatch.Status.DONE else 0)


@FUZZ
@given(data=st.binary(max_size=2000), filename=st.sampled_from(["f.csv", "f.xlsx", "f.txt", ""]))
def test_the_importer_refuses_any_bytes_without_an_exception(anchor_user, data, filename):
    before = Purchase.objects.count()
    batch = purchase_import(by=anchor_user, buyer=anchor_user.company, file=io.BytesIO(data), filename=filename)
    assert batch.status in (ImportBatch.Status.DONE, ImportBatch.Status.FAILED)
    if batch.status == ImportBatch.Status.FAILED:
        assert Purchase.objects.count() == before
