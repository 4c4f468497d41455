"""Purchase files: read in every accepted form, imported all-or-nothing, every bad row reported, re-import safe."""

import io
from datetime import datetime
from decimal import Decimal

import pandas as pd
import pytest
from django.core.exceptions import PermissionDenied

from procurement.imports import ImportFileError, import_report_rows, purchase_import, read_purchase_file
from procurement.models import ImportBatch, Purchase
from tests import factories

HEADER = ["supplier_identifier", "supplier_name", "purchased_on", "category", "amount", "invoice_number"]


def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
    lines = [",".join(header)] + [",".join(f'"{cell}"' if "," in str(cell) else str(cell) for cell in row)
                                  for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame(rows, columns=header).to_excel(buffer, index=False, engine="openpyxl")
    return buffer.getvalue()


def good_rows(supplier):
    return [
        [supplier.uscc, "", "2026-03-01", "solid-state-cells", "12,500.50", "INV-001"],
        ["VAT-DE-123", "Elsewhere GmbH", "2026/03/02", "solid-state-cells", "1,234,567.00", "DE-9"],
        [supplier.uscc, "", "2026-03-03", "solid-state-cells", "99", "INV-002"],
    ]


def run(user, data, filename="purchases.csv"):
    return purchase_import(by=user, buyer=user.company, file=io.BytesIO(data), filename=filename)


@pytest.mark.django_db
def test_good_csv_creates_every_purchase_with_its_snapshot(anchor_user, company_x):
    batch = run(anchor_user, csv_bytes(good_rows(company_x)))
    assert batch.status == ImportBatch.Status.DONE
    assert (batch.created_count, batch.duplicate_count, batch.total_rows) == (3, 0, 3)
    local = Purchase.objects.get(invoice_number="INV-001")
    assert local.amount == Decimal("12500.50") and local.supplier == company_x and local.supplier_is_local
    assert local.source == "import" and local.import_batch == batch and local.created_by == anchor_user
    outside = Purchase.objects.get(invoice_number="DE-9")
    assert outside.supplier is None and not outside.supplier_is_local
    assert outside.amount == Decimal("1234567.00") and str(outside.purchased_on) == "2026-03-02"
    # No history row per imported purchase (the batch says who and when); the first correction writes the values
    # as imported first, then the corrected ones.
    assert not local.history.exists()
    from procurement.services import purchase_update

    purchase_update(by=anchor_user, purchase=local, row={
        "supplier_identifier": company_x.uscc, "purchased_on": "2026-03-01", "category": "solid-state-cells",
        "amount": "13000.00", "invoice_number": "INV-001",
    })
    imported, corrected = local.history.order_by("history_id")
    assert (imported.history_type, imported.amount, imported.history_user) == ("+", Decimal("12500.50"), anchor_user)
    assert imported.history_date == local.created_at
    assert (corrected.history_type, corrected.amount) == ("~", Decimal("13000.00"))


@pytest.mark.django_db
def test_good_xlsx_with_excel_numbers_and_dates(anchor_user, company_x):
    rows = [
        [company_x.uscc, "", datetime(2026, 3, 1), "solid-state-cells", 12500.5, "INV-001"],
        ["VAT-DE-123", "Elsewhere GmbH", "2026/03/02", "solid-state-cells", 300, 4711],
    ]
    batch = run(anchor_user, xlsx_bytes(rows), "purchases.xlsx")
    assert batch.status == ImportBatch.Status.DONE, batch.errors
    assert batch.created_count == 2
    assert Purchase.objects.get(invoice_number="INV-001").amount == Decimal("12500.50")
    numbered = Purchase.objects.get(supplier_identifier="VAT-DE-123")
    assert numbered.invoice_number == "4711" and numbered.amount == Decimal("300.00")


@pytest.mark.django_db
def test_every_bad_row_is_reported_and_nothing_saved(anchor_user, company_x):
    rows = [
        [company_x.uscc, "", "2026-03-01", "solid-state-cells", "100", "OK-1"],  # row 2 fine
        [company_x.uscc, "", "01/03/2026", "solid-state-cells", "100", "BAD-DATE"],  # row 3
        [company_x.uscc, "", "2026-03-01", "solid-state-cells", "12.345", "BAD-AMOUNT"],  # row 4
        [company_x.uscc, "", "2026-03-01", "batteries", "100", "BAD-CAT"],  # row 5
        ["VAT-FR-1", "", "2026-03-01", "solid-state-cells", "100", "NO-NAME"],  # row 6
        [company_x.uscc, "", "", "solid-state-cells", "100", "BLANK-DATE"],  # row 7
        [company_x.uscc, "", "2026-03-01", "solid-state-cells", "100", "OK-1"],  # row 8: same key as row 2
        [company_x.uscc, "", "2026-03-01", "solid-state-cells", "abc", ""],  # row 9: two bad columns
    ]
    batch = run(anchor_user, csv_bytes(rows))
    assert batch.status == ImportBatch.Status.FAILED
    assert not Purchase.objects.exists()
    report = {(e["row"], e["column"]): e for e in import_report_rows(batch)}
    assert set(report) == {
        (3, "purchased_on"), (4, "amount"), (5, "category"), (6, "supplier_name"), (7, "purchased_on"),
        (8, "invoice_number"), (9, "amount"), (9, "invoice_number"),
    }
    assert report[(3, "purchased_on")]["value"] == "01/03/2026"
    assert "YYYY-MM-DD" in report[(3, "purchased_on")]["message"]
    assert report[(4, "amount")]["value"] == "12.345"
    assert report[(5, "category")]["value"] == "batteries" and "Unknown category" in report[(5, "category")]["message"]
    assert "not registered" in report[(6, "supplier_name")]["message"]
    assert "required" in report[(7, "purchased_on")]["message"]
    assert "row 2" in report[(8, "invoice_number")]["message"]
    assert report[(9, "amount")]["value"] == "abc"


@pytest.mark.django_db
def test_reimporting_the_same_file_creates_nothing_and_counts_what_was_there(anchor_user, company_x):
    data = csv_bytes(good_rows(company_x))
    run(anchor_user, data)
    again = run(anchor_user, data)
    assert again.status == ImportBatch.Status.DONE
    assert (again.created_count, again.duplicate_count) == (0, 3)
    assert Purchase.objects.count() == 3


@pytest.mark.django_db
def test_another_buyers_invoice_is_an_error_not_a_skip(anchor_user, company_x):
    other_anchor = factories.make_user(factories.make_company(anchor=True))
    run(other_anchor, csv_bytes(good_rows(company_x)[:1]))
    batch = run(anchor_user, csv_bytes(good_rows(company_x)))
    assert batch.status == ImportBatch.Status.FAILED
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, "invoice_number")]
    assert Purchase.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings_with_chinese_headers_and_names(anchor_user, company_x, encoding):
    header = ["供应商统一社会信用代码", "供应商名称", "采购日期", "类别", "金额", "发票号", "描述"]
    rows = [["91440300OUTSIDE01X", "深圳固态电池材料有限公司", "2026/01/15", "solid-state-cells", "8,800.00", "发票-1",
             "硫化物电解质"]]
    batch = run(anchor_user, csv_bytes(rows, header=header, encoding=encoding))
    assert batch.status == ImportBatch.Status.DONE, batch.errors
    purchase = Purchase.objects.get()
    assert purchase.supplier_name == "深圳固态电池材料有限公司" and purchase.description == "硫化物电解质"
    assert purchase.invoice_number == "发票-1" and purchase.amount == Decimal("8800.00")


def test_headers_in_other_cases_and_spacing_are_accepted_unknown_ones_warned():
    data = csv_bytes([["X", "Y", "2026-01-01", "c", "1", "I", "note"]],
                     header=["Supplier Identifier", " SUPPLIER_NAME ", "Purchased-On", "Category", "Amount",
                             "invoice number", "colour"])
    rows = read_purchase_file(io.BytesIO(data), "p.csv")
    assert rows[0]["row"] == 2 and rows[0]["supplier_name"] == "Y" and rows[0]["invoice_number"] == "I"
    assert [w["column"] for w in rows.warnings] == ["colour"]


def test_row_numbers_count_the_header_and_blank_lines():
    data = (b"supplier_identifier,purchased_on,category,amount,invoice_number\n"
            b"A,2026-01-01,c,1,I1\n,,,,\nB,2026-01-01,c,1,I2\n")
    assert [row["row"] for row in read_purchase_file(io.BytesIO(data), "p.csv")] == [2, 4]


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"a,b\n1,2\n", "purchases.xls", "Only CSV and .xlsx"),
    (b"", "purchases.csv", "empty"),
    (b"  \n", "purchases.csv", "empty"),
    (b"supplier_identifier,purchased_on,category,amount,invoice_number\n", "purchases.csv", "no purchase rows"),
    (b"supplier_identifier,purchased_on,category,invoice_number\nA,2026-01-01,c,I\n", "p.csv", "amount is missing"),
    (b"not a zip at all", "purchases.xlsx", "not a valid .xlsx"),
    (b"PK\x03\x04broken zip", "purchases.xlsx", "not a valid .xlsx"),
    (b"\xff\xfe\x00a\x00b", "purchases.csv", "not a CSV"),
    (b"supplier_identifier,amount\n\x81\x20\xff\n", "purchases.csv", "encoding"),
])
def test_files_refused_as_a_whole_with_a_named_error(data, filename, message):
    with pytest.raises(ImportFileError) as refused:
        read_purchase_file(io.BytesIO(data), filename)
    assert message in refused.value.message


def test_too_many_rows_is_a_named_error(settings):
    settings.PURCHASE_IMPORT_MAX_ROWS = 2
    data = csv_bytes([["A", "", "2026-01-01", "c", "1", f"I{n}"] for n in range(3)])
    with pytest.raises(ImportFileError) as refused:
        read_purchase_file(io.BytesIO(data), "p.csv")
    assert "more than 2 rows" in refused.value.message


@pytest.mark.django_db
def test_a_refused_file_is_recorded_on_its_batch(anchor_user):
    batch = run(anchor_user, b"supplier_identifier\nA\n")
    assert batch.status == ImportBatch.Status.FAILED
    [entry] = batch.errors
    assert (entry["row"], entry["column"], entry["code"]) == (1, "purchased_on", "column_missing")
    assert "purchased_on is missing" in import_report_rows(batch)[0]["message"]


@pytest.mark.django_db
def test_products_are_matched_to_the_rows_supplier(anchor_user, company_x, company_y):
    product = factories.make_product(company_x)
    header = HEADER + ["product"]
    rows = [[company_x.uscc, "", "2026-03-01", "solid-state-cells", "10", "P-1", product.pk],
            [company_y.uscc, "", "2026-03-01", "solid-state-cells", "10", "P-2", product.pk]]
    batch = run(anchor_user, csv_bytes(rows, header=header))
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "product")]
    batch = run(anchor_user, csv_bytes(rows[:1], header=header))
    assert Purchase.objects.get().product == product


@pytest.mark.django_db
def test_progress_is_reported_and_stored(anchor_user, company_x):
    calls = []
    batch = purchase_import(by=anchor_user, buyer=anchor_user.company, file=io.BytesIO(csv_bytes(good_rows(company_x))),
                            filename="p.csv", progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (3, 3) and batch.processed_rows == 3


@pytest.mark.django_db
def test_only_an_anchor_firms_user_imports_for_its_own_company(supplier_x, anchor_user, company_x):
    with pytest.raises(PermissionDenied):
        run(supplier_x, csv_bytes(good_rows(company_x)))
    with pytest.raises(PermissionDenied):
        purchase_import(by=anchor_user, buyer=company_x, file=io.BytesIO(b""), filename="p.csv")
    assert not ImportBatch.objects.exists()


def test_xlsx_row_numbers_count_blank_rows_too():
    rows = [["A", "", "2026-01-01", "c", 1, "I1"], [None] * 6, ["B", "", "2026-01-01", "c", 2.5, "I2"]]
    parsed = read_purchase_file(io.BytesIO(xlsx_bytes(rows)), "p.xlsx")
    assert [row["row"] for row in parsed] == [2, 4] and parsed[1]["amount"] == 2.5
