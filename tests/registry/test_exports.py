"""Directory exports: the current filtered result, every page of it, as CSV (UTF-8 with BOM) and .xlsx."""

import io
from datetime import timedelta
from decimal import Decimal

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone

from registry.exports import money_cny
from registry.models import Certificate, Company
from tests.factories import category, make_certificate, make_company, make_product

pytestmark = pytest.mark.django_db

CSV_URL = reverse("registry:directory_csv")
XLSX_URL = reverse("registry:directory_xlsx")
COLUMNS = [
    "USCC", "Name", "English name", "District", "Local", "Size class", "Anchor firm", "Categories", "Products",
    "Products meeting city target", "Valid certificates", "Website", "Verified until",
]


def read_csv(response) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(response.content), dtype=str, keep_default_na=False, encoding="utf-8-sig")


def read_xlsx(response) -> pd.DataFrame:
    return pd.read_excel(io.BytesIO(response.content), dtype=str, keep_default_na=False, engine="openpyxl")


@pytest.fixture
def directory():
    """Two local solid-electrolyte suppliers, one outside one, one cathode maker, and unpublished companies."""
    wanted = make_company(
        name="苏州固态电解质有限公司", name_en="Suzhou Solid Electrolyte Co.", anchor=True,
        website="https://sse.example.cn", categories=[category("oxide-electrolyte")],
    )
    make_product(wanted, category_slug="sulfide-electrolyte", figures={"ionic_conductivity": 0.02})
    make_product(wanted, category_slug="sulfide-electrolyte", figures={"ionic_conductivity": 0.002})
    make_certificate(wanted, cert_type=Certificate.Type.ISO9001)
    make_certificate(wanted, cert_type=Certificate.Type.UN38_3, valid=False)

    second = make_company(name="Kunshan Halide Ltd")
    make_product(second, category_slug="halide-electrolyte")

    outside = make_company(name="Shenzhen Sulfide Ltd", local=False)
    make_product(outside, category_slug="sulfide-electrolyte")
    make_company(name="Local Cathode Ltd", categories=[category("high-nickel-cathode")])
    make_company(name="Pending Electrolyte", status=Company.Status.PENDING, categories=[category("oxide-electrolyte")])
    lapsed = make_company(name="Lapsed Electrolyte", categories=[category("oxide-electrolyte")])
    Company.objects.filter(pk=lapsed.pk).update(verified_until=timezone.localdate() - timedelta(days=1))
    return wanted


QUERY = {"category": "solid-electrolytes", "local": "true"}


class TestCsv:
    def test_is_an_attachment_named_with_the_date_in_utf8_with_bom(self, client, directory):
        response = client.get(CSV_URL, QUERY)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        today = timezone.localdate().isoformat()
        assert response["Content-Disposition"] == f'attachment; filename="supplier-directory-{today}.csv"'
        assert response.content.startswith(b"\xef\xbb\xbf")
        assert "苏州固态电解质有限公司".encode() in response.content

    def test_has_the_filtered_rows_and_every_column(self, client, directory):
        frame = read_csv(client.get(CSV_URL, QUERY))
        assert list(frame.columns) == COLUMNS
        assert list(frame["Name"]) == ["Kunshan Halide Ltd", "苏州固态电解质有限公司"]

        row = frame.set_index("Name").loc["苏州固态电解质有限公司"]
        assert row["USCC"] == directory.uscc
        assert row["English name"] == "Suzhou Solid Electrolyte Co."
        assert row["District"] == "Kunshan"
        assert row["Local"] == "yes"
        assert row["Size class"] == "Small"
        assert row["Anchor firm"] == "yes"
        assert row["Categories"] == "Sulfide electrolytes; Oxide electrolytes"
        assert row["Products"] == "2"
        assert row["Products meeting city target"] == "1"
        assert row["Valid certificates"] == "ISO 9001 quality management"  # the expired UN 38.3 is left out
        assert row["Website"] == "https://sse.example.cn"
        assert row["Verified until"] == directory.verified_until.isoformat()

    def test_without_filters_it_is_the_whole_published_directory(self, client, directory):
        frame = read_csv(client.get(CSV_URL))
        assert set(frame["Name"]) == {
            "苏州固态电解质有限公司", "Kunshan Halide Ltd", "Shenzhen Sulfide Ltd", "Local Cathode Ltd",
        }
        outside = frame.set_index("Name").loc["Shenzhen Sulfide Ltd"]
        assert outside["Local"] == "no" and outside["District"] == ""

    def test_includes_every_page_of_the_result(self, client):
        for n in range(30):
            make_company(name=f"Company {n:02d}")
        frame = read_csv(client.get(CSV_URL, {"sort": "-name"}))
        assert len(frame) == 30
        assert frame["Name"].iloc[0] == "Company 29"

    def test_product_level_filters_apply_as_on_the_page(self, client, directory):
        frame = read_csv(client.get(CSV_URL, {"stage": "mass", "min_ionic_conductivity": "1e-2"}))
        assert list(frame["Name"]) == ["苏州固态电解质有限公司"]


class TestXlsx:
    def test_is_an_excel_attachment_with_the_same_rows_and_columns(self, client, directory):
        response = client.get(XLSX_URL, QUERY)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        today = timezone.localdate().isoformat()
        assert response["Content-Disposition"] == f'attachment; filename="supplier-directory-{today}.xlsx"'

        frame = read_xlsx(response)
        assert list(frame.columns) == COLUMNS
        assert list(frame["Name"]) == ["Kunshan Halide Ltd", "苏州固态电解质有限公司"]
        row = frame.set_index("Name").loc["苏州固态电解质有限公司"]
        assert row["USCC"] == directory.uscc
        assert row["Products meeting city target"] == "1"
        assert row["Valid certificates"] == "ISO 9001 quality management"

    def test_csv_and_xlsx_agree(self, client, directory):
        csv = read_csv(client.get(CSV_URL, {"local": "true"}))
        xlsx = read_xlsx(client.get(XLSX_URL, {"local": "true"}))
        assert csv.to_dict("records") == xlsx.to_dict("records")


class TestBadFilters:
    @pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
    @pytest.mark.parametrize(
        "query, parameter",
        [({"category": "no-such-thing"}, "category"), ({"min_cycle_life": "many"}, "min_cycle_life"),
         ({"size": "giant"}, "size")],
    )
    def test_invalid_value_is_400_naming_the_parameter(self, client, url, query, parameter):
        response = client.get(url, query)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/plain")
        assert f"“{parameter}”" in response.content.decode()


def test_supplier_typed_text_never_becomes_a_spreadsheet_formula(client):
    make_company(name='=HYPERLINK("http://evil.example","click")', name_en="+cmd|' /C calc'!A0")
    csv = read_csv(client.get(CSV_URL))
    assert csv["Name"].iloc[0] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert csv["English name"].iloc[0].startswith("'+")

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(client.get(XLSX_URL).content)).active
    name_cell = sheet.cell(row=2, column=COLUMNS.index("Name") + 1)
    assert name_cell.data_type == "s"
    assert name_cell.value.startswith("'=")


@pytest.mark.parametrize(
    "amount, shown",
    [(Decimal("1234567.891"), "1234567.89"), (Decimal("0.005"), "0.01"), ("12", "12.00"), (None, "")],
)
def test_money_goes_out_as_a_plain_two_decimal_cny_string(amount, shown):
    assert money_cny(amount) == shown
