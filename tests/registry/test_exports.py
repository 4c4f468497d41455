"""Directory exports: the current filtered result, every page of it, as CSV (UTF-8 with BOM) and .xlsx."""

import io
from datetime import timedelta
from decimal import Decimal

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone

from registry.exports import money_cny
from registry.figures import FIGURES
from registry.models import Certificate, Company
from tests.conftest import client_for
from tests.factories import category, make_certificate, make_company, make_product

pytestmark = pytest.mark.django_db

CSV_URL = reverse("registry:directory_csv")
XLSX_URL = reverse("registry:directory_xlsx")
COMPANY_COLUMNS = [
    "USCC", "Name", "English name", "District", "Local", "Size class", "Anchor firm", "Categories", "Products",
    "Products meeting city target", "Valid certificates", "Website", "Verified until",
]
CONTACT_COLUMNS = ["Contact person", "Contact phone", "Contact email", "Address"]
PRODUCT_COLUMNS = [
    "Product", "Product category", "Production stage", "Application", "Annual capacity", "Capacity unit",
    "Made in the city", "Meets city target",
]
FIGURE_COLUMNS = [f"{figure.label} ({figure.unit})" for figure in FIGURES.values()]
COLUMNS = COMPANY_COLUMNS + PRODUCT_COLUMNS + FIGURE_COLUMNS


def body(response) -> bytes:
    """The file, streamed: the exports are sent as they are written."""
    assert response.streaming
    return b"".join(response.streaming_content)


def read_csv(response) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(body(response)), dtype=str, keep_default_na=False, encoding="utf-8-sig")


def read_xlsx(response) -> pd.DataFrame:
    return pd.read_excel(io.BytesIO(body(response)), dtype=str, keep_default_na=False, engine="openpyxl")


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
        content = body(response)
        assert content.startswith(b"\xef\xbb\xbf")
        assert "苏州固态电解质有限公司".encode() in content

    def test_has_the_filtered_rows_and_every_column(self, client, directory):
        frame = read_csv(client.get(CSV_URL, QUERY))
        assert list(frame.columns) == COLUMNS
        # one row per product, the company's columns repeated
        assert list(frame["Name"]) == ["Kunshan Halide Ltd", "苏州固态电解质有限公司", "苏州固态电解质有限公司"]

        row = frame.set_index("Name").loc["苏州固态电解质有限公司"].iloc[0]
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
        assert set(frame["Name"]) == {"苏州固态电解质有限公司"}
        # every product of the company, and which of them meets the filters
        assert dict(zip(frame["Ionic conductivity at 25 °C (S/cm)"], frame["Meets the product filters"],
                        strict=True)) == {"0.02": "yes", "0.002": "no"}


class TestXlsx:
    def test_is_an_excel_attachment_with_the_same_rows_and_columns(self, client, directory):
        response = client.get(XLSX_URL, QUERY)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        today = timezone.localdate().isoformat()
        assert response["Content-Disposition"] == f'attachment; filename="supplier-directory-{today}.xlsx"'

        frame = read_xlsx(response)
        assert list(frame.columns) == COLUMNS
        assert list(frame["Name"]) == ["Kunshan Halide Ltd", "苏州固态电解质有限公司", "苏州固态电解质有限公司"]
        row = frame.set_index("Name").loc["苏州固态电解质有限公司"].iloc[0]
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

    sheet = load_workbook(io.BytesIO(body(client.get(XLSX_URL)))).active
    name_cell = sheet.cell(row=2, column=COLUMNS.index("Name") + 1)
    assert name_cell.data_type == "s"
    assert name_cell.value.startswith("'=")


@pytest.mark.parametrize(
    "amount, shown",
    [(Decimal("1234567.891"), "1234567.89"), (Decimal("0.005"), "0.01"), ("12", "12.00"), (None, "")],
)
def test_money_goes_out_as_a_plain_two_decimal_cny_string(amount, shown):
    assert money_cny(amount) == shown


class TestProductsAndContacts:
    @pytest.fixture
    def cells(self):
        company = make_company(name="Grid Cells Co", contact_name="王工", contact_phone="0512-1234567",
                               contact_email="wang@grid.example.cn", address="苏州工业园区 1 号")
        make_product(company, name="GridCell 280Ah", category_slug="solid-state-cells", application="grid_storage",
                     figures={"cycle_life": 16000, "round_trip_efficiency": 96.5}, annual_capacity=Decimal("2.5"),
                     capacity_unit="GWh")
        make_product(company, name="GridCell 100Ah", category_slug="solid-state-cells", figures={"cycle_life": 8000})
        make_company(name="No Products Co")
        return company

    @pytest.mark.parametrize("reader, url", [(read_csv, CSV_URL), (read_xlsx, XLSX_URL)])
    def test_one_row_per_product_with_its_figures_in_columns_named_with_their_units(self, client, cells, reader,
                                                                                      url):
        frame = reader(client.get(url)).set_index("Product")
        assert list(reader(client.get(url))["Name"]) == ["Grid Cells Co", "Grid Cells Co", "No Products Co"]
        big = frame.loc["GridCell 280Ah"]
        assert big["Name"] == "Grid Cells Co" and big["Products"] == "2"  # the company's columns, repeated
        assert big["Product category"] == "Solid-state cells"
        assert big["Application"] == "Grid storage"
        assert big["Annual capacity"] in {"2.5", "2.50"} and big["Capacity unit"] == "GWh per year"
        assert big["Cycle life (cycles)"] == "16000"
        assert big["Round-trip efficiency (%)"] == "96.5"
        assert big["Ionic conductivity at 25 °C (S/cm)"] == ""
        assert frame.loc["GridCell 100Ah"]["Cycle life (cycles)"] == "8000"
        assert frame.loc[""]["Name"] == "No Products Co"  # a company without products keeps its row

    def test_figures_are_numbers_in_the_workbook(self, client, cells):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(body(client.get(XLSX_URL)))).active
        header = [cell.value for cell in sheet[1]]
        cycle_life = header.index("Cycle life (cycles)") + 1
        assert sheet.cell(row=2, column=cycle_life).value in (16000, 8000)
        assert sheet.cell(row=2, column=cycle_life).data_type == "n"
        assert sheet.freeze_panes == "A2"

    @pytest.mark.parametrize("who, sees", [("anonymous", False), ("supplier", False), ("anchor", True),
                                           ("official", True)])
    def test_contacts_only_for_anchor_firms_and_officials(self, cells, who, sees, supplier_x, anchor_user, official):
        user = {"anonymous": None, "supplier": supplier_x, "anchor": anchor_user, "official": official}[who]
        for reader, url in ((read_csv, CSV_URL), (read_xlsx, XLSX_URL)):
            frame = reader(client_for(user).get(url, {"q": "Grid"}))
            assert set(CONTACT_COLUMNS) <= set(frame.columns) if sees else not set(CONTACT_COLUMNS) & set(frame.columns)
            if sees:
                row = frame.iloc[0]
                assert (row["Contact person"], row["Contact phone"], row["Contact email"], row["Address"]) == (
                    "王工", "0512-1234567", "wang@grid.example.cn", "苏州工业园区 1 号"
                )
            else:
                assert "0512-1234567" not in frame.to_csv()

    @pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
    def test_the_first_bytes_leave_before_any_row_is_read(self, client, cells, url, django_assert_num_queries):
        response = client.get(url)
        chunks = iter(response.streaming_content)
        with django_assert_num_queries(0):
            first = next(chunks)
        assert first.startswith(b"\xef\xbb\xbfUSCC,Name" if url == CSV_URL else b"PK")

    @pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
    def test_query_count_does_not_grow_with_companies(self, url, anchor_user, django_assert_max_num_queries):
        for n in range(60):
            company = make_company(name=f"Company {n:02d}", categories=[category("graphene")])
            make_product(company, figures={"ionic_conductivity": 0.02})
            make_product(company, category_slug="oxide-electrolyte", figures={"area_specific_resistance": 8})
            make_certificate(company)
        client = client_for(anchor_user)
        with django_assert_max_num_queries(12):
            frame = read_csv(client.get(url, {"min_ionic_conductivity": "1e-2"})) if url == CSV_URL else \
                read_xlsx(client.get(url, {"min_ionic_conductivity": "1e-2"}))
        assert len(frame) == 120
