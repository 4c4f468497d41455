"""Purchase files that would hold a worker or the database hostage: too large, zip bombs, shared-string floods,
bytes not valid in the file's encoding, control characters in cells, thousands of bad rows."""

import csv
import io
import json
import time
import zipfile

import pytest
from django.urls import reverse

from procurement.imports import (
    MAX_STORED_ERRORS,
    REPORT_JSON_MAX_ERRORS,
    REPORT_VALUE_MAX,
    ImportFileError,
    import_report_rows,
    purchase_import,
    read_purchase_file,
)
from procurement.models import Purchase
from tests.conftest import client_for
from tests.procurement.test_imports import HEADER, csv_bytes, good_rows, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(user, data, filename="p.csv"):
    return purchase_import(by=user, buyer=user.company, file=io.BytesIO(data), filename=filename)


def messages(batch):
    return [error["message"] for error in import_report_rows(batch)]


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(anchor_user, settings):
    settings.PURCHASE_IMPORT_MAX_BYTES = 1000

    class Unreadable(io.BytesIO):
        size = 5000

        def read(self, *args):
            raise AssertionError("read although too large")

    with pytest.raises(ImportFileError, match="larger than"):
        read_purchase_file(Unreadable(b""), "p.csv")
    batch = run(anchor_user, b"x" * 1001)
    assert batch.status == "failed" and "larger than" in messages(batch)[0]


def test_the_size_cap_defaults_to_20_mb(settings):
    assert settings.PURCHASE_IMPORT_MAX_BYTES == 20 * 1024 * 1024


def _zip(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_zip_bomb_workbook_is_refused_at_once(anchor_user):
    bomb = _zip({"[Content_Types].xml": b"<x/>", "xl/worksheets/sheet1.xml": b"<" + b"a" * (300 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    started = time.monotonic()
    batch = run(anchor_user, bomb, "bomb.xlsx")
    assert time.monotonic() - started < 5
    assert batch.status == "failed" and "unpacks to more than" in messages(batch)[0]


def test_a_flood_of_shared_strings_is_refused_at_once(anchor_user):
    strings = b"<sst>" + b"<si><t>x</t></si>" * 1_000_001 + b"</sst>"
    flood = _zip({"[Content_Types].xml": b"<x/>", "xl/sharedStrings.xml": strings})
    started = time.monotonic()
    batch = run(anchor_user, flood, "flood.xlsx")
    assert time.monotonic() - started < 5
    assert batch.status == "failed" and "different texts" in messages(batch)[0]


def test_a_normal_workbook_passes_the_inspection(anchor_user, company_x):
    batch = run(anchor_user, xlsx_bytes(good_rows(company_x)), "p.xlsx")
    assert batch.status == "done" and batch.created_count == 3


def test_a_row_not_valid_in_the_files_encoding_is_refused_by_number_nothing_saved(anchor_user, company_x):
    rows = good_rows(company_x) + [
        ["VAT-CN-1", "苏州某公司", "2026-03-04", "solid-state-cells", "5", "CN-9"],
        ["VAT-9", "Société Générale", "2026-03-04", "solid-state-cells", "5", "L1-9"],
    ]
    # One row pasted from a Latin-1 file into a UTF-8 one: GB18030 would read it (and the rest) as other text.
    data = csv_bytes(rows).replace("Société Générale".encode(), "Société Générale".encode("latin-1"))
    batch = run(anchor_user, data)
    assert batch.status == "failed"
    assert [(e["row"], e["column"]) for e in batch.errors] == [(6, "supplier_name")]
    assert "not valid text" in messages(batch)[0]
    assert "\ufffd" in batch.errors[0]["value"]
    assert not Purchase.objects.exists()


def test_a_gb18030_file_still_imports(anchor_user, company_x):
    rows = [["VAT-CN-1", "苏州某公司", "2026-03-01", "solid-state-cells", "10", "CN-1"]]
    batch = run(anchor_user, csv_bytes(rows, encoding="gb18030"))
    assert batch.status == "done" and Purchase.objects.get().supplier_name == "苏州某公司"


@pytest.mark.parametrize(("column", "value"), [
    ("supplier_name", "Bell\x07 Ltd"), ("invoice_number", "INV\x1b"), ("supplier_name", "Two\nlines"),
    ("description", "Esc\x1b[31m"),
])
def test_control_characters_in_a_cell_are_a_row_error(anchor_user, column, value):
    header = [*HEADER, "description"]
    row = {"supplier_identifier": "VAT-1", "supplier_name": "Outside", "purchased_on": "2026-03-01",
           "category": "solid-state-cells", "amount": "10", "invoice_number": "C-1", "description": "", column: value}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows([header, [row[h] for h in header]])
    batch = run(anchor_user, buffer.getvalue().encode())
    assert batch.status == "failed"
    assert [(e["column"], e["message"]) for e in import_report_rows(batch)] == [
        (column, "Remove the control characters (such as NUL bytes) from this value.")
    ]
    assert not Purchase.objects.exists()


def test_a_line_break_is_allowed_in_the_description(anchor_user):
    header = [*HEADER, "description"]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, ["VAT-1", "Outside", "2026-03-01", "solid-state-cells", "10", "C-1",
                                           "Line one\nLine two"]])
    batch = run(anchor_user, buffer.getvalue().encode())
    assert batch.status == "done", batch.errors
    assert Purchase.objects.get().description == "Line one\nLine two"


def test_a_nul_deep_in_a_csv_is_a_row_error_not_a_500(anchor_user):
    rows = [["VAT-1", "Outside", "2026-03-01", "solid-state-cells", "10", f"C-{n}"] for n in range(400)]
    rows.append(["VAT-1", "Nul\x00 Ltd", "2026-03-01", "solid-state-cells", "10", "C-NUL"])
    batch = run(anchor_user, csv_bytes(rows))
    assert batch.status == "failed"
    assert [(e["row"], e["column"]) for e in batch.errors] == [(402, "supplier_name")]


def test_values_echoed_in_the_report_are_cut(anchor_user):
    rows = [["VAT-1", "Outside", "2026-03-01", "x" * 5000, "10", "C-1"]]
    batch = run(anchor_user, csv_bytes(rows))
    value = batch.errors[0]["value"]
    assert len(value) == REPORT_VALUE_MAX and value.endswith("…")


@pytest.fixture
def many_bad_rows(anchor_user, settings):
    rows = [["VAT-1", "Outside", "2026-03-01", "no-such-category", "10", f"C-{n}"]
            for n in range(MAX_STORED_ERRORS + 50)]
    return run(anchor_user, csv_bytes(rows))


def test_thousands_of_bad_rows_are_kept_bounded_and_counted(anchor_user, many_bad_rows):
    batch = many_bad_rows
    assert len(batch.errors) == MAX_STORED_ERRORS + 1
    assert "50 more problems" in messages(batch)[-1]
    client = client_for(anchor_user)
    report = json.loads(client.get(reverse("procurement:import_report", args=[batch.pk]), {"format": "json"}).content)
    assert len(report["errors"]) == REPORT_JSON_MAX_ERRORS and report["truncated"]
    assert report["error_count"] == MAX_STORED_ERRORS + 50
    page = client.get(reverse("procurement:import_batch", args=[batch.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("no-such-category") == 100 and 'rel="next"' in html
    second = client.get(reverse("procurement:import_batch", args=[batch.pk]), {"page": 2}).content.decode()
    assert "<td>102</td>" in second and 'rel="prev"' in second
    assert client.get(reverse("procurement:import_batch", args=[batch.pk]), {"page": "x"}).status_code == 200


def test_a_control_character_in_an_unknown_header_is_reported_escaped(anchor_user, company_x):
    data = csv_bytes(good_rows(company_x), header=[*HEADER, "no\x07te"])
    batch = run(anchor_user, data)
    assert batch.status == "done"
    assert batch.errors[0]["column"] == "no\\x07te"


def test_an_oversized_file_is_refused_before_it_is_stored(settings, anchor_user, private_media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from procurement.models import ImportBatch
    from tests.conftest import client_for

    settings.PURCHASE_IMPORT_MAX_BYTES = 100
    big = b"buyer,amount\n" + b"x" * 200
    page = client_for(anchor_user).post("/my/purchases/import/", {"file": SimpleUploadedFile("p.csv", big)})
    assert page.status_code in (200, 400) and "file" in page.context["form"].errors
    api = client_for(anchor_user).post("/api/v1/purchases/import/", {"file": SimpleUploadedFile("p.csv", big)})
    assert api.status_code == 400 and api.json()["errors"][0]["column"] == "file"
    assert not ImportBatch.objects.exists()
    assert not any(p.is_file() for p in private_media.rglob("*"))
