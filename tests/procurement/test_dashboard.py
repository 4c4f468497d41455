"""The dashboard: city figures for everyone, own figures for an anchor firm, the anchor rankings for officials."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests import factories
from tests.conftest import client_for
from tests.xlsx import displayed_sheets, numeric_cells

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def buy(buyer, supplier, amount, *, year=YEAR, category="solid-state-cells"):
    return factories.make_purchase(
        buyer, supplier, amount=Decimal(amount), purchased_on=date(year, 1, 2), category=factories.category(category)
    )


@pytest.fixture
def city(anchor_company, company_x):
    outside = factories.make_company(local=False)
    rival = factories.make_company(name="Rival Anchor Works", anchor=True)
    buy(anchor_company, company_x, "300.00")
    buy(anchor_company, outside, "100.00", category="sulfide-electrolyte")
    buy(rival, outside, "600.00")
    return {"anchor": anchor_company, "rival": rival}


def test_anonymous_sees_city_charts_with_tables_but_no_firm_names(client, city):
    response = client.get(reverse("procurement:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "30.00 %" in html  # 300 local of 1000 in all
    assert html.count("<figure>") == 2 and html.count("<figcaption>") == 2
    assert 'viewBox="0 0 640' in html and 'width="100%"' in html and 'role="img"' in html
    assert "<desc id=" in html  # each chart has a text alternative
    assert "Solid electrolytes" in html and "Cells and packs" in html
    assert "Anchor Cells Ltd" not in html and "Rival Anchor Works" not in html
    assert 'id="anchor-top"' not in html and 'id="own-figures"' not in html


def test_anchor_user_sees_its_own_figures_beside_the_city(city, anchor_user):
    html = client_for(anchor_user).get(reverse("procurement:dashboard")).content.decode()
    assert 'id="own-figures"' in html
    assert "Anchor Cells Ltd: your own figures" in html
    assert f"Your LCR in {YEAR}: 75.00 %" in html  # 300 of 400
    assert "Rival Anchor Works" not in html and 'id="anchor-top"' not in html


def test_official_sees_top_and_bottom_anchor_firms(city, official):
    response = client_for(official).get(reverse("procurement:dashboard"), {"year": YEAR})
    html = response.content.decode()
    assert 'id="anchor-top"' in html and 'id="anchor-bottom"' in html
    top = html.split('id="anchor-top"')[1].split("</table>")[0]
    bottom = html.split('id="anchor-bottom"')[1].split("</table>")[0]
    assert top.index("Anchor Cells Ltd") < top.index("Rival Anchor Works")
    assert bottom.index("Rival Anchor Works") < bottom.index("Anchor Cells Ltd")


def test_ratios_say_on_target_or_below_for_the_city_each_category_and_the_firm(city, anchor_user, settings):
    settings.LCR_BASELINE_YEAR = YEAR  # this year's target: 40 %
    response = client_for(anchor_user).get(reverse("procurement:dashboard"), {"year": YEAR})
    html = response.content.decode()
    headline = html.split('class="headline-figure"')[1].split("</p>")[0]
    assert "30.00 %" in headline and "Below target" in headline  # the city: 300 of 1000
    own_headline = html.split('id="own-figures"')[1].split('class="headline-figure"')[1].split("</p>")[0]
    assert "75.00 %" in own_headline and "On target" in own_headline  # the firm: 300 of 400
    own_by_category = {row["label"]: row["lcr_percent"] for row in response.context["own_categories"]}
    assert own_by_category["Cells and packs"] == Decimal("100.00")
    assert own_by_category["Solid electrolytes"] == Decimal("0.00")
    assert own_by_category["Binders"] is None  # nothing bought: no ratio, and no tag either way
    firm_table = html.split('id="own-category-heading"')[1].split("</table>")[0]
    assert firm_table.count("On target") == 1 and firm_table.count("Below target") == 1


def test_large_amounts_read_in_wan_and_yi_in_chinese_and_millions_in_english(client, anchor_company, company_x):
    buy(anchor_company, company_x, "412151478.36")
    english = client.get(reverse("procurement:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get(reverse("procurement:dashboard"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<data value="412151478.36">¥412.15 million</data>' in english
    assert '<data value="412151478.36">¥4.12亿</data>' in chinese


def test_year_selector_changes_the_slice_and_ignores_nonsense(client, city, settings):
    settings.LCR_BASELINE_YEAR = YEAR - 2
    buy(city["anchor"], None, "50.00", year=YEAR - 1)
    earlier = client.get(reverse("procurement:dashboard"), {"year": YEAR - 1})
    assert earlier.context["year"] == YEAR - 1
    assert earlier.context["city"]["lcr_percent"] == Decimal("0.00")
    assert client.get(reverse("procurement:dashboard"), {"year": "soon"}).context["year"] == YEAR


def _sheets(response) -> dict:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return displayed_sheets(response.content)


def test_xlsx_export_matches_the_api(client, city, official):
    sheets = _sheets(client.get(reverse("procurement:dashboard_xlsx"), {"year": YEAR}))
    assert set(sheets) == {"City LCR by year", "By category", "By district"}  # no per-anchor sheet for the public
    api = APIClient()
    trend = {row["year"]: row for row in api.get("/api/v1/lcr/trend/").json()["series"]}
    this_year = sheets["City LCR by year"].set_index("Year").loc[str(YEAR)]
    assert this_year["LCR (%)"] == trend[YEAR]["lcr_percent"] == "30.00"
    assert this_year["All purchases (CNY)"] == trend[YEAR]["total_amount"] == "1000.00"
    cells = sheets["By category"].set_index("Category code").loc["cells-and-packs"]
    from_api = api.get("/api/v1/lcr/", {"year": YEAR, "category": "cells-and-packs"}).json()
    assert cells["Local purchases (CNY)"] == from_api["local_amount"] == "300.00"
    assert cells["LCR (%)"] == from_api["lcr_percent"] == "33.33"

    official_sheets = _sheets(client_for(official).get(reverse("procurement:dashboard_xlsx"), {"year": YEAR}))
    anchors = official_sheets["By anchor firm"]
    assert list(anchors["Anchor firm"]) == ["Anchor Cells Ltd", "Rival Anchor Works"]
    assert list(anchors["LCR (%)"]) == ["75.00", "0.00"]


def test_the_workbook_stores_amounts_and_ratios_as_numbers_with_their_format(client, city):
    content = client.get(reverse("procurement:dashboard_xlsx"), {"year": YEAR}).content
    for header in ("Local purchases (CNY)", "All purchases (CNY)", "LCR (%)"):
        cells = [cell for cell in numeric_cells(content, "City LCR by year", header) if cell.value is not None]
        assert cells, header
        assert all(cell.data_type == "n" and cell.number_format == "#,##0.00" for cell in cells), header


@pytest.mark.parametrize(("who", "most"), [("anonymous", 7), ("anchor", 12), ("official", 9)])
def test_the_dashboard_costs_a_few_queries_whatever_the_number_of_firms(city, anchor_user, official, who, most,
                                                                        django_assert_max_num_queries):
    # The districts' table and the officials' ranking come from one read of the year's sums per buyer, and the
    # city's and the firm's headline figures from the trend already read: no query per firm, district or year.
    local = factories.make_company(name="Local Cells")
    for n in range(12):
        buy(factories.make_company(name=f"Anchor {n}", anchor=True), local, f"{100 + n}.00")
    client = {"anonymous": Client, "anchor": lambda: client_for(anchor_user),
              "official": lambda: client_for(official)}[who]()
    client.get(reverse("procurement:dashboard"))  # warm: session, content types
    with django_assert_max_num_queries(most):
        response = client.get(reverse("procurement:dashboard"), {"year": YEAR})
    html = response.content.decode()
    assert response.status_code == 200
    assert ("Anchor 11" in html) == (who == "official")  # the highest ratio of the year's ranking
