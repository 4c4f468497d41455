"""The import's fast path: every column written, duplicates looked up by the file's own pairs, history on demand."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from procurement.imports import INSERT_COLUMNS, import_report_rows, purchase_import
from procurement.models import Purchase
from procurement.services import purchase_delete
from tests import factories

HEADER = "supplier_identifier,supplier_name,purchased_on,category,amount,invoice_number,quantity,unit,description\n"


def run(user, lines):
    data = (HEADER + "".join(line + "\n" for line in lines)).encode()
    return purchase_import(by=user, buyer=user.company, file=io.BytesIO(data), filename="p.csv")


def test_the_import_writes_every_column_of_a_purchase_but_its_id():
    columns = {field.column for field in Purchase._meta.concrete_fields} - {"id"}
    assert set(INSERT_COLUMNS) == columns and len(INSERT_COLUMNS) == len(columns)


@pytest.mark.django_db
def test_imported_values_read_back_as_the_orm_saves_them(anchor_user, company_x):
    batch = run(anchor_user, [f"{company_x.uscc},,2026/03/02,solid-state-cells,\"1,234.50\",I-1,2.125,kg,Cells"])
    purchase = Purchase.objects.get()
    assert (purchase.amount, purchase.quantity, purchase.unit, purchase.description) == (
        Decimal("1234.50"), Decimal("2.125"), "kg", "Cells"
    )
    assert (purchase.purchased_year, str(purchase.purchased_on)) == (2026, "2026-03-02")
    assert purchase.import_batch == batch and purchase.created_by == anchor_user and purchase.source == "import"
    assert purchase.created_at is not None and purchase.created_at == purchase.updated_at
    assert purchase.supplier_was_verified and purchase.supplier == company_x and purchase.product is None


def _purchase_lookups(captured) -> list[str]:
    """The SELECTs that read the purchases table by invoice: the duplicate check's."""
    table = connection.ops.quote_name(Purchase._meta.db_table)
    return [q["sql"] for q in captured.captured_queries
            if table in q["sql"] and "invoice_number" in q["sql"]
            and q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]


@pytest.mark.django_db
def test_a_file_of_new_invoices_goes_in_without_a_duplicate_lookup(anchor_user, company_x):
    for n in range(300):  # the supplier's other invoices, already recorded
        factories.make_purchase(anchor_user.company, company_x, invoice_number=f"OLD-{n}")
    with CaptureQueriesContext(connection) as captured:
        batch = run(anchor_user, [f"{company_x.uscc},,2026-03-01,solid-state-cells,5,NEW-1",
                                  f"{company_x.uscc},,2026-03-01,solid-state-cells,5,NEW-2"])
    assert (batch.status, batch.created_count, batch.duplicate_count) == ("done", 2, 0)
    # The purchases' unique index finds duplicates as the rows go in (ON CONFLICT DO NOTHING): nothing read first.
    assert _purchase_lookups(captured) == []


@pytest.mark.django_db
def test_the_duplicate_check_reads_only_the_files_own_invoices(anchor_user, company_x):
    for n in range(300):
        factories.make_purchase(anchor_user.company, company_x, invoice_number=f"OLD-{n}")
    with CaptureQueriesContext(connection) as captured:
        batch = run(anchor_user, [f"{company_x.uscc},,2026-03-01,solid-state-cells,5,OLD-7",
                                  f"{company_x.uscc},,2026-03-01,solid-state-cells,5,NEW-1"])
    assert (batch.status, batch.created_count, batch.duplicate_count) == ("done", 1, 1)
    assert Purchase.objects.filter(invoice_number="OLD-7").count() == 1
    # One query, joining the file's staged rows to the purchases by invoice: the supplier's 299 others unread.
    [lookup] = _purchase_lookups(captured)
    assert "p.supplier_identifier = s.supplier_identifier AND p.invoice_number = s.invoice_number" in lookup


@pytest.mark.django_db
def test_deleting_an_imported_purchase_keeps_its_imported_values_in_history(anchor_user, company_x):
    run(anchor_user, [f"{company_x.uscc},,2026-03-01,solid-state-cells,5.00,I-1,,,"])
    purchase = Purchase.objects.get()
    purchase_delete(by=anchor_user, purchase=purchase)
    history = list(Purchase.history.order_by("history_id").values_list("history_type", "amount", "invoice_number"))
    assert history == [("+", Decimal("5.00"), "I-1"), ("-", Decimal("5.00"), "I-1")]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_file_read_in_small_chunks_keeps_row_numbers_duplicates_and_all_or_nothing(monkeypatch, anchor_user,
                                                                                     company_x, kind):
    import pandas as pd

    from procurement import imports

    monkeypatch.setattr(imports, "READ_CHUNK_ROWS", 2)
    header = ["supplier_identifier", "supplier_name", "purchased_on", "category", "amount", "invoice_number"]

    def upload(rows, name):
        if kind == "csv":
            text = ",".join(header) + "\n" + "".join(",".join(map(str, row)) + "\n" for row in rows)
            data = text.encode()
        else:
            buffer = io.BytesIO()
            pd.DataFrame(rows, columns=header).to_excel(buffer, index=False, engine="openpyxl")
            data = buffer.getvalue()
        return purchase_import(by=anchor_user, buyer=anchor_user.company, file=io.BytesIO(data),
                               filename=f"{name}.{kind}")

    blank = [""] * 6
    good = [[company_x.uscc, "", "2026-03-01", "solid-state-cells", n + 1, f"C-{n}"] for n in range(5)]
    bad = good[:3] + [blank] + good[3:] + [good[1]]  # row 5 blank; row 8 repeats row 3's invoice
    refused = upload(bad, "bad")
    assert refused.status == "failed" and not Purchase.objects.exists()
    assert [(e["row"], e["column"]) for e in refused.errors] == [(8, "invoice_number")]
    assert "row 3" in import_report_rows(refused)[0]["message"]

    done = upload(good[:3] + [blank] + good[3:], "good")
    assert (done.status, done.created_count, done.total_rows, done.processed_rows) == ("done", 5, 5, 5)
    assert sorted(Purchase.objects.values_list("amount", flat=True)) == [Decimal(n) for n in range(1, 6)]
