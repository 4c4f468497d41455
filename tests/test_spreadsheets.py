"""The one writer of CSV and .xlsx files: text that a spreadsheet would run as a formula is neutralised in every
download (directory, LCR report, dashboard workbook, application summary, import report); numbers stay numbers."""

import csv
import io
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from procurement import applications as workflow
from procurement.imports import purchase_import
from registry.spreadsheets import csv_bytes, safe_cell, xlsx_bytes
from tests import factories
from tests.conftest import client_for
from tests.procurement.test_imports import csv_bytes as purchase_csv

HYPERLINK = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize(("value", "written"), [
    (HYPERLINK, "'" + HYPERLINK),
    ("-2+3", "'-2+3"),
    ("+86 512 0000", "'+86 512 0000"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    ("\r=1", "'\r=1"),
    ("plain name", "plain name"),
    ("苏州固态电解质", "苏州固态电解质"),
    ("-2.50", "-2.50"),  # a text that is only a number is not a formula: money_cny writes amounts so
    (Decimal("-2.50"), Decimal("-2.50")),
    (-7, -7),
    (1.5, 1.5),
    (None, ""),
    (date(2026, 3, 1), date(2026, 3, 1)),
])
def test_safe_cell(value, written):
    assert safe_cell(value) == written


def test_csv_keeps_numbers_and_neutralises_text():
    content = csv_bytes([["name", "amount"], [HYPERLINK, Decimal("-12.50")], ["-2+3", 3]])
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows == [["name", "amount"], ["'" + HYPERLINK, "-12.50"], ["'-2+3", "3"]]


def test_xlsx_writes_text_as_text_and_numbers_as_numbers():
    content = xlsx_bytes({"Sheet [1]": [["name", "amount", "count"], [HYPERLINK, Decimal("-12.50"), 4],
                                        ["bell\x07", "-2+3", None]]})
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["Sheet 1"]
    name = sheet.cell(row=2, column=1)
    assert name.value == "'" + HYPERLINK and name.data_type == "s"
    amount = sheet.cell(row=2, column=2)
    assert amount.data_type == "n" and Decimal(str(amount.value)) == Decimal("-12.5")
    assert sheet.cell(row=2, column=3).value == 4
    assert sheet.cell(row=3, column=1).value == "bell\ufffd"  # what .xlsx cannot hold at all
    assert sheet.cell(row=3, column=2).value == "'-2+3"


# --- every download of the platform


def _csv_cells(response) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in row]


def _xlsx_cells(response) -> list:
    workbook = load_workbook(io.BytesIO(response.content))
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"a formula in {sheet.title}!{cell.coordinate}"
                cells.append(cell.value)
    return cells


@pytest.mark.django_db
def test_directory_exports(anchor_user):
    factories.make_company(name=HYPERLINK, name_en="-2+3")
    client = client_for(anchor_user)
    for url, cells in (("/directory/export.csv", _csv_cells), ("/directory/export.xlsx", _xlsx_cells)):
        # The directory's exports are streamed: read the whole body first.
        values = cells(SimpleNamespace(content=b"".join(client.get(url).streaming_content)))
        assert "'" + HYPERLINK in values and "'-2+3" in values and HYPERLINK not in values


@pytest.fixture
def hostile_purchases(anchor_company, official):
    supplier = factories.make_company(name=HYPERLINK)
    return factories.make_purchase(anchor_company, supplier, supplier_name=HYPERLINK, description="-2+3",
                                   invoice_number="@INV", purchased_on=date.today().replace(month=1, day=1),
                                   amount=Decimal("12.50"))


@pytest.mark.django_db
def test_dashboard_workbook_and_lcr_report(hostile_purchases, official, tmp_path):
    from django.core.management import call_command

    hostile_purchases.buyer.name = "=cmd|' /C calc'!A0"
    hostile_purchases.buyer.save()
    year = hostile_purchases.purchased_on.year
    values = _xlsx_cells(client_for(official).get(reverse("procurement:dashboard_xlsx"), {"year": year}))
    assert "'=cmd|' /C calc'!A0" in values
    for file_format in ("xlsx", "csv"):
        target = tmp_path / f"report.{file_format}"
        call_command("lcr_report", "--year", str(year), "--format", file_format, "--output", str(target),
                     stdout=io.StringIO())
        if file_format == "xlsx":
            workbook = load_workbook(target)
            values = [c.value for s in workbook.worksheets for r in s.iter_rows() for c in r]
        else:
            values = [c for r in csv.reader(io.StringIO(target.read_text("utf-8-sig"))) for c in r]
        assert "'=cmd|' /C calc'!A0" in values and "=cmd|' /C calc'!A0" not in values


@pytest.mark.django_db
def test_application_summary_csv(supplier_x):
    programme = factories.make_programme()
    supplier = factories.make_company(name="Cells Supplier")
    purchase = factories.make_purchase(supplier_x.company, supplier, supplier_name=HYPERLINK, invoice_number="-2+3",
                                       amount=Decimal("1000.00"))
    application = workflow.application_create_draft(by=supplier_x, programme=programme,
                                                    basis={"purchases": [purchase.pk]})
    response = client_for(supplier_x).get(reverse("procurement:application_summary_csv", args=[application.pk]))
    cells = _csv_cells(response)
    assert "'" + HYPERLINK in cells and "'-2+3" in cells and HYPERLINK not in cells
    assert "1000.00" in cells


@pytest.mark.django_db
def test_import_report_csv(anchor_user):
    rows = [["VAT-1", "Outside Ltd", "2026-03-01", "no-such-category", HYPERLINK.replace(",", ";"), "-2+3"]]
    batch = purchase_import(by=anchor_user, buyer=anchor_user.company, file=io.BytesIO(purchase_csv(rows)),
                            filename="p.csv")
    assert batch.status == "failed"
    response = client_for(anchor_user).get(reverse("procurement:import_report", args=[batch.pk]), {"format": "csv"})
    cells = _csv_cells(response)
    assert "no-such-category" in cells and "'" + HYPERLINK.replace(",", ";") in cells
    assert all(not str(cell).startswith(("=", "+", "-", "@")) or str(cell).lstrip("-").replace(".", "").isdigit()
               for cell in cells)
