"""A purchase file read, checked and staged chunk by chunk: all-or-nothing across chunks, duplicates found across
chunks, problems kept bounded, memory flat in the file's length, and the quick check of common rows giving what
purchase_clean gives."""

import csv
import io
import tracemalloc
from decimal import Decimal

import pytest
from django.db import connection

from procurement import imports
from procurement.imports import import_report_rows, purchase_import
from procurement.models import ImportBatch, LcrRollup, Purchase
from procurement.rollups import rollups_differences
from procurement.services import purchase_clean
from tests import factories
from tests.procurement.test_imports import HEADER, csv_bytes

pytestmark = pytest.mark.django_db

CHUNK = 20


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(imports, "READ_CHUNK_ROWS", CHUNK)


def run(user, rows, header=HEADER):
    return purchase_import(by=user, buyer=user.company, file=io.BytesIO(csv_bytes(rows, header=header)),
                           filename="p.csv")


def rows_of(supplier, count, prefix="C"):
    return [[supplier.uscc, "", "2026-03-01", "solid-state-cells", f"{n + 1}.50", f"{prefix}-{n}"]
            for n in range(count)]


def staging_tables() -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname LIKE 'pg_temp%%'")
        else:
            cursor.execute("SELECT name FROM sqlite_temp_master WHERE type = 'table'")
        return [name for (name,) in cursor.fetchall() if name.startswith("purchase_import_")]


def test_a_bad_row_in_the_last_chunk_saves_nothing_of_the_earlier_chunks(anchor_user, company_x):
    rows = rows_of(company_x, 5 * CHUNK)
    rows[-1][4] = "abc"
    batch = run(anchor_user, rows)
    assert batch.status == ImportBatch.Status.FAILED
    assert [(e["row"], e["column"]) for e in batch.errors] == [(5 * CHUNK + 1, "amount")]
    assert not Purchase.objects.exists() and not LcrRollup.objects.exists()
    assert batch.processed_rows == 5 * CHUNK and not staging_tables()


def test_a_file_of_many_chunks_is_saved_whole_in_file_order_with_its_cells(anchor_user, company_x):
    rows = rows_of(company_x, 3 * CHUNK + 7)
    batch = run(anchor_user, rows)
    assert (batch.status, batch.created_count, batch.total_rows) == ("done", 3 * CHUNK + 7, 3 * CHUNK + 7)
    assert Purchase.objects.filter(import_batch=batch).count() == 3 * CHUNK + 7
    assert sum(Purchase.objects.values_list("amount", flat=True)) == sum(Decimal(f"{n + 1}.50") for n in range(67))
    assert rollups_differences() == [] and not staging_tables()


def test_a_repeated_invoice_is_found_chunks_apart_with_the_first_rows_number(anchor_user, company_x):
    rows = rows_of(company_x, 3 * CHUNK)
    rows.append(list(rows[2]))  # row 4's invoice again, two chunks later
    batch = run(anchor_user, rows)
    assert batch.status == ImportBatch.Status.FAILED and not Purchase.objects.exists()
    [error] = import_report_rows(batch)
    assert (error["row"], error["column"], error["value"]) == (3 * CHUNK + 2, "invoice_number", "C-2")
    assert "row 4" in error["message"]


def test_recorded_invoices_in_later_chunks_are_skipped_or_refused_by_whose_they_are(anchor_user, company_x):
    other = factories.make_user(factories.make_company(anchor=True))
    factories.make_purchase(anchor_user.company, company_x, invoice_number="C-45")
    rows = rows_of(company_x, 3 * CHUNK)
    rows[44][4] = "9999999999999.99"  # the largest amount: taken out of the cells exactly as it was counted
    batch = run(anchor_user, rows)
    assert (batch.status, batch.created_count, batch.duplicate_count) == ("done", 3 * CHUNK - 1, 1)
    assert rollups_differences() == []

    factories.make_purchase(other.company, company_x, invoice_number="D-50")
    again = run(anchor_user, rows_of(company_x, 3 * CHUNK, prefix="D"))
    assert again.status == ImportBatch.Status.FAILED
    assert [(e["row"], e["column"]) for e in again.errors] == [(52, "invoice_number")]
    assert "another buyer" in import_report_rows(again)[0]["message"]
    # Whose record it is stays theirs: neither the report nor what the batch stores names the other buyer.
    for shown in (str(import_report_rows(again)), str(again.errors)):
        assert other.company.name not in shown and other.company.uscc not in shown
    assert not Purchase.objects.filter(invoice_number__startswith="D-", buyer=anchor_user.company).exists()
    assert rollups_differences() == [] and not staging_tables()


def test_recorded_invoices_with_quotes_commas_braces_and_backslashes_are_found(anchor_user, company_x):
    # The lookup sends a chunk's keys as text the database splits: nothing in a key may shift its neighbours.
    odd = ['A,"1"', "{B}", "C\\2", "D 3 发票", "NULL", "E'5"]
    for invoice in odd:
        factories.make_purchase(anchor_user.company, company_x, invoice_number=invoice)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    for invoice in [*odd, "F-6"]:
        writer.writerow([company_x.uscc, "", "2026-03-01", "solid-state-cells", "9.50", invoice])
    batch = purchase_import(by=anchor_user, buyer=anchor_user.company, file=io.BytesIO(text.getvalue().encode()),
                            filename="p.csv")
    assert (batch.status, batch.created_count, batch.duplicate_count) == ("done", 1, len(odd))
    assert Purchase.objects.get(import_batch=batch).invoice_number == "F-6"


def test_problems_past_the_limit_are_counted_not_kept_and_the_first_ones_listed(monkeypatch, anchor_user, company_x):
    monkeypatch.setattr(imports, "MAX_STORED_ERRORS", 5)
    rows = rows_of(company_x, 4 * CHUNK)
    for row in rows[::2]:
        row[3] = "no-such-category"
    batch = run(anchor_user, rows)
    assert [e["row"] for e in batch.errors[:5]] == [2, 4, 6, 8, 10]
    more = 2 * CHUNK - 5
    assert batch.errors[5]["omitted"] == more and f"{more} more problems" in import_report_rows(batch)[5]["message"]


def _peak_bytes(user, rows) -> int:
    data = csv_bytes(rows)
    tracemalloc.start()
    try:
        batch = purchase_import(by=user, buyer=user.company, file=io.BytesIO(data), filename="p.csv")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert batch.status == ImportBatch.Status.DONE, batch.errors[:3]
    return peak


def test_memory_does_not_grow_with_the_files_length(monkeypatch, anchor_user, company_x):
    monkeypatch.setattr(imports, "READ_CHUNK_ROWS", 200)
    # Each length is imported three times, alternating, and its least peak kept: caches filled once (whichever
    # file first needs them) and the collector's timing are not the file's length. An import that held the file's
    # rows would peak higher on every long run (the import before chunks: 3.8× here).
    peaks = {1000: [], 5000: []}
    for run_number in range(3):
        for length in peaks:
            peaks[length].append(_peak_bytes(anchor_user, rows_of(company_x, length, prefix=f"R{run_number}-{length}")))
    short, long = min(peaks[1000]), min(peaks[5000])
    # The long file's bytes themselves are held by the test (the upload); what the import adds stays the same.
    assert long < short * 1.5, (short, long)


@pytest.mark.parametrize("change", [
    {"amount": "0"}, {"amount": "0.00"}, {"amount": "1,234.5"}, {"amount": " 12 "}, {"amount": "¥100"},
    {"amount": "12.345"}, {"amount": "99999999999999"}, {"purchased_on": "2026/3/1"}, {"purchased_on": "2099-01-01"},
    {"purchased_on": "2026-02-30"}, {"purchased_on": " 2026-03-01 "}, {"category": " Solid-State-Cells "},
    {"supplier_identifier": "lower"}, {"supplier_identifier": "91320500MA0000001X"},
    {"supplier_identifier": "X" * 41, "supplier_name": "Far"}, {"supplier_identifier": "VAT-1", "supplier_name": ""},
    {"supplier_identifier": "VAT-1", "supplier_name": "N" * 201},
    {"supplier_identifier": " vat-2 ", "supplier_name": " Far "},
    {"invoice_number": "I" * 61}, {"invoice_number": " I-1 "}, {"description": "D" * 301},
    {"description": " two\nlines "},
    {"unit": "U" * 21}, {"quantity": "1.2345"}, {"quantity": "-1"}, {"quantity": "1,000.5"}, {"unit": "kg\x07"},
    {"supplier_name": "Bell\x07"}, {"invoice_number": "A\nB"},
])
def test_each_row_is_checked_as_purchase_clean_checks_it(anchor_user, company_x, change):
    header = [*HEADER, "description", "quantity", "unit"]
    row = {"supplier_identifier": company_x.uscc, "supplier_name": "", "purchased_on": "2026-03-01",
           "category": "solid-state-cells", "amount": "10.00", "invoice_number": "I-1", "description": "Cells",
           "quantity": "", "unit": ""}
    row.update(change)
    if row["supplier_identifier"] == "lower":
        row["supplier_identifier"] = company_x.uscc.lower()
    fields, errors = purchase_clean(row, buyer=anchor_user.company)
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, [row[column] for column in header]])
    batch = purchase_import(by=anchor_user, buyer=anchor_user.company, file=io.BytesIO(buffer.getvalue().encode()),
                            filename="p.csv")
    if errors:
        assert batch.status == ImportBatch.Status.FAILED
        assert {(e["column"], e["message"]) for e in import_report_rows(batch) if e.get("level") != "warning"} == {
            (column, str(message)) for column, message in errors.items()
        }
        return
    assert batch.status == ImportBatch.Status.DONE, batch.errors
    purchase = Purchase.objects.get()
    for name in ("supplier_identifier", "supplier_name", "purchased_on", "amount", "invoice_number", "description",
                 "quantity", "unit", "category"):
        assert getattr(purchase, name) == fields.get(name, "" if name in ("description", "unit") else None), name
    assert purchase.supplier == fields.get("supplier")


def test_a_row_longer_than_the_header_chunks_into_the_file_refuses_it_by_row(anchor_user, company_x):
    data = csv_bytes(rows_of(company_x, 2 * CHUNK)) + b"A,,2026-03-01,solid-state-cells,1,X-1,extra\n"
    batch = purchase_import(by=anchor_user, buyer=anchor_user.company, file=io.BytesIO(data), filename="p.csv")
    assert batch.status == ImportBatch.Status.FAILED and not Purchase.objects.exists()
    assert import_report_rows(batch)[0]["message"] == (
        f"The file could not be read as CSV: Expected 6 fields in row {2 * CHUNK + 2}, saw 7"
    )
