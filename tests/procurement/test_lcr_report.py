"""`manage.py lcr_report`: the yearly report written to a file with the same numbers as the selectors."""

import io
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from registry.models import District
from tests import factories
from tests.xlsx import displayed_sheets

pytestmark = pytest.mark.django_db


@pytest.fixture
def purchases(company_x):
    outside = factories.make_company(local=False)
    kunshan = factories.make_company(name="Kunshan Anchor", anchor=True, district=District.objects.get(code="320583"))
    taicang = factories.make_company(name="Taicang Anchor", anchor=True, district=District.objects.get(code="320585"))
    cells = factories.category("solid-state-cells")
    sulfide = factories.category("sulfide-electrolyte")
    factories.make_purchase(kunshan, company_x, amount=Decimal("250.00"), purchased_on=date(2026, 2, 1), category=cells)
    factories.make_purchase(kunshan, outside, amount=Decimal("750.00"), purchased_on=date(2026, 2, 1), category=sulfide)
    factories.make_purchase(taicang, company_x, amount=Decimal("500.00"), purchased_on=date(2026, 3, 1), category=cells)
    factories.make_purchase(taicang, outside, amount=Decimal("999.00"), purchased_on=date(2025, 3, 1), category=cells)


def test_xlsx_report_has_the_city_categories_districts_and_anchors(purchases, tmp_path):
    target = tmp_path / "report.xlsx"
    out = io.StringIO()
    call_command("lcr_report", "--year", "2026", "--output", str(target), stdout=out)
    assert str(target) in out.getvalue()
    sheets = displayed_sheets(target)
    assert list(sheets) == ["City", "By category", "By district", "By anchor firm"]
    city = sheets["City"].iloc[0]
    assert (city["Local purchases (CNY)"], city["All purchases (CNY)"]) == ("750.00", "1500.00")
    assert city["LCR (%)"] == "50.00"
    categories = sheets["By category"].set_index("Category code")
    assert categories.loc["cells-and-packs", "LCR (%)"] == "100.00"
    assert categories.loc["solid-electrolytes", "LCR (%)"] == "0.00"
    districts = sheets["By district"].set_index("Division code")
    assert districts.loc["320583", "LCR (%)"] == "25.00"
    assert districts.loc["320585", "All purchases (CNY)"] == "500.00"  # the 2025 purchase is left out
    anchors = sheets["By anchor firm"]
    assert list(anchors["Anchor firm"]) == ["Taicang Anchor", "Kunshan Anchor"]
    assert list(anchors["LCR (%)"]) == ["100.00", "25.00"]


def test_csv_report_defaults_to_a_file_named_after_the_year(purchases, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    call_command("lcr_report", "--year", "2026", "--format", "csv", stdout=out)
    written = tmp_path / "lcr-report-2026.csv"
    assert written.exists() and "lcr-report-2026.csv" in out.getvalue()
    assert written.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads the BOM as UTF-8
    frame = pd.read_csv(written, dtype=str, encoding="utf-8-sig")
    anchors = frame[frame["Table"] == "By anchor firm"].set_index("Anchor firm")
    assert anchors.loc["Kunshan Anchor", "LCR (%)"] == "25.00"
    assert frame[frame["Table"] == "City"].iloc[0]["All purchases (CNY)"] == "1500.00"


def test_a_year_with_no_purchases_writes_empty_ratios(db, tmp_path):
    target = tmp_path / "empty.xlsx"
    call_command("lcr_report", "--year", "2019", "--output", str(target), stdout=io.StringIO())
    city = displayed_sheets(target)["City"].iloc[0]
    assert city["All purchases (CNY)"] == "0.00" and city["LCR (%)"] is None


def test_a_nonsense_year_is_refused():
    with pytest.raises(CommandError):
        call_command("lcr_report", "--year", "26", stdout=io.StringIO())
