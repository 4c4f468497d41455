"""The scoreboard's page, its files and its API: what each reader sees, their shape, and what they refuse."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import override

from policy import providers, scoreboard
from tests import factories
from tests.conftest import client_for
from tests.policy import builders
from tests.xlsx import displayed_sheets, numeric_cells

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def records(settings):
    """This year's LCR 45.00 % (450 of 1,000 local, the baseline last year: the step is 46 %), two sulfide products,
    programme applications and standards."""
    settings.LCR_BASELINE_YEAR = YEAR - 1
    anchor = factories.make_company(name="Anchor Cells", anchor=True)
    local, outside = factories.make_company(), factories.make_company(local=False)
    for year, local_amount, outside_amount in ((YEAR - 1, "400.00", "600.00"), (YEAR, "450.00", "550.00")):
        factories.make_purchase(anchor, local, amount=Decimal(local_amount), purchased_on=date(year, 1, 2))
        factories.make_purchase(anchor, outside, amount=Decimal(outside_amount), purchased_on=date(year, 1, 3))
    factories.make_product(local, figures={"ionic_conductivity": "0.012"})
    factories.make_product(local, figures={"ionic_conductivity": "0.005"})
    builders.programme_applications()
    builders.standards_participations()


# --- the page --------------------------------------------------------------------------------------------------


def test_the_page_shows_each_figure_with_value_target_status_trend_and_records(records):
    response = client_for(None).get("/policy/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-key="lcr"' in html
    assert "45.00 %" in html and "46 % for" in html
    assert 'class="tag tag-below status-behind">Behind<' in html
    assert 'href="/dashboard/"' in html
    # The directory's figure in its own unit and notation, met.
    assert "1.2 × 10⁻² S/cm" in html
    assert 'data-key="rd.directory.sulfide-electrolyte.ionic_conductivity"' in html
    assert "Local products meeting it: 1 of 2." in html
    # The trend: a chart with its title and text alternative, and the numbers in a table.
    assert 'role="img"' in html and "<desc" in html
    assert "The numbers by year" in html
    assert "¥450,000.00" in html  # R&D matching fund approved, exact below a million
    # One section per group that has figures for the reader (other apps' providers add their groups).
    groups = {figure.group for figure in scoreboard.figures(None, timezone.localdate())}
    assert html.count('class="scoreboard-group"') == len(groups) >= 3


def test_the_page_on_an_empty_database_says_no_data_yet_everywhere(official):
    response = client_for(official).get("/policy/")
    assert response.status_code == 200
    html = response.content.decode()
    figures = scoreboard.figures(official, timezone.localdate())
    assert html.count("status-no_data") == len(figures) > 0
    assert "status-met" not in html and "status-behind" not in html


def test_the_page_is_bilingual(records):
    client = client_for(None)
    client.cookies["django_language"] = "zh-hans"
    html = client.get("/policy/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "本地配套率" in html  # the LCR section, in the catalogue already


def test_a_non_public_figure_is_absent_for_the_public_and_present_for_an_official(records, official, anchor_user):
    for user in (None, anchor_user):
        html = client_for(user).get("/policy/").content.decode()
        assert 'data-key="lcr.anchors"' not in html
        assert "Officials only" not in html
    html = client_for(official).get("/policy/").content.decode()
    assert 'data-key="lcr.anchors"' in html
    assert "Officials only" in html


def test_the_records_link_of_a_programme_total_opens_for_an_official(records, official):
    url = providers.support_provider(official, timezone.localdate())[1].url  # R&D matching fund, paid
    response = client_for(official).get(url)
    assert response.status_code == 200  # the admin accepted the filter (it redirects with ?e=1 otherwise)
    assert response.context["cl"].result_count == 1


def test_the_page_refuses_an_unknown_parameter_naming_it():
    response = client_for(None).get("/policy/", {"colour": "red"})
    assert response.status_code == 400
    assert "colour" in response.content.decode()


def test_the_header_and_the_home_page_lead_to_the_scoreboard():
    html = client_for(None).get("/").content.decode()
    assert html.count('href="/policy/"') == 2  # the navigation and the entry points


def _only_this_app(monkeypatch):
    monkeypatch.setattr(scoreboard, "_PROVIDERS", [providers.lcr_provider, providers.directory_provider,
                                                   providers.support_provider])


def _purchases_and_products(count):
    local = factories.make_company()
    anchors = [factories.make_company(anchor=True) for _ in range(min(count, 5))]
    for index in range(count):
        factories.make_product(local, figures={"ionic_conductivity": f"0.0{index % 9 + 1}"})
        factories.make_purchase(anchors[index % len(anchors)], local, purchased_on=date(YEAR - index % 2, 2, 1))


def test_the_page_s_queries_do_not_grow_with_the_records(monkeypatch, official, django_assert_max_num_queries,
                                                         settings):
    """The figures are a few grouped reads: as many queries for many records as for one of each."""
    _only_this_app(monkeypatch)
    settings.LCR_BASELINE_YEAR = YEAR - 1
    client = client_for(official)
    _purchases_and_products(1)
    builders.programme_applications()
    builders.standards_participations()
    client.get("/policy/")  # the session and the user's groups, once
    with django_assert_max_num_queries(20) as few:
        assert client.get("/policy/").status_code == 200
    _purchases_and_products(30)
    builders.programme_applications()
    builders.standards_participations()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/policy/").status_code == 200


# --- the workbook and the CSV -----------------------------------------------------------------------------------


def test_the_workbook_holds_numbers_as_numbers_with_their_places(records):
    response = client_for(None).get("/policy/targets.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response) if response.streaming else response.content
    sheets = displayed_sheets(content)
    assert set(sheets) == {"Targets", "By year"}
    targets = sheets["Targets"].set_index("Key")
    assert targets.loc["lcr", "Measured value"] == "45.00"
    assert targets.loc["lcr", "Target value"] == "46.00"
    assert targets.loc["lcr", "Status"] == "Behind"
    assert targets.loc["support.rd_matching.approved", "Measured value"] == "450000.00"
    assert targets.loc["rd.directory.sulfide-electrolyte.ionic_conductivity", "Measured value"] == "0.012"
    assert targets.loc["lcr", "Records"].endswith("/dashboard/")
    cells = numeric_cells(content, "Targets", "Measured value")
    # A number is a number cell (with its number format); a figure with no data yet is an empty cell.
    assert all(cell.value in (None, "") or cell.data_type == "n" for cell in cells)
    measured = [f for f in scoreboard.figures(None, timezone.localdate()) if f.value is not None]
    assert sum(cell.data_type == "n" and isinstance(cell.value, int | float) for cell in cells) == len(measured) == 8
    by_year = sheets["By year"]
    lcr_years = by_year[by_year["Key"] == "lcr"]
    assert list(lcr_years["Year"]) == [str(YEAR - 1), str(YEAR)]
    assert list(lcr_years["Measured value"]) == ["40.00", "45.00"]
    assert all(isinstance(cell.value, int) for cell in numeric_cells(content, "By year", "Year"))


def test_the_csv_has_a_row_per_figure(records):
    response = client_for(None).get("/policy/targets.csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Section,Key,Target,Measured value")
    row = next(line for line in lines if ",lcr," in line)
    assert ",45.00,%,46.00," in row
    assert len(lines) == 1 + len(scoreboard.figures(None, timezone.localdate()))


def test_the_files_are_the_reader_s_figures(records, official):
    public = client_for(None).get("/policy/targets.csv").content.decode("utf-8-sig")
    assert "lcr.anchors" not in public
    assert "lcr.anchors" in client_for(official).get("/policy/targets.csv").content.decode("utf-8-sig")
    assert client_for(None).get("/policy/targets.xlsx", {"year": "2026"}).status_code == 400


# --- the API -------------------------------------------------------------------------------------------------------

FIELDS = {"key", "group", "group_label", "label", "value", "unit", "target", "target_low", "target_text",
          "comparison", "status", "status_label", "detail", "trend", "url", "public"}


def test_the_api_gives_every_figure_with_numbers_as_strings(records):
    response = client_for(None).get("/api/v1/policy/targets/")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == len(data["results"]) == len(scoreboard.figures(None, timezone.localdate()))
    figures = {row["key"]: row for row in data["results"]}
    assert all(set(row) == FIELDS for row in data["results"])
    lcr = figures["lcr"]
    assert (lcr["value"], lcr["target"], lcr["unit"], lcr["status"], lcr["comparison"]) == (
        "45.00", "46.00", "%", "behind", "at_least")
    assert lcr["trend"] == [{"year": YEAR - 1, "value": "40.00", "target": "40.00"},
                            {"year": YEAR, "value": "45.00", "target": "46.00"}]
    assert lcr["url"] == "http://testserver/dashboard/"
    sulfide = figures["rd.directory.sulfide-electrolyte.ionic_conductivity"]
    assert (sulfide["value"], sulfide["target"], sulfide["status"]) == ("0.012", "0.01", "met")
    cathode = figures["rd.directory.li-rich-mn-cathode.specific_capacity"]
    assert (cathode["value"], cathode["status"]) == (None, "no_data")
    assert figures["support.standards.led"]["value"] == "1"
    assert "lcr.anchors" not in figures


def test_the_api_keeps_one_group_and_refuses_unknown_parameters(records, official):
    client = client_for(official)
    lcr = client.get("/api/v1/policy/targets/", {"group": "lcr", "format": "json"}).json()
    assert {row["key"] for row in lcr["results"]} == {"lcr", "lcr.anchors"}
    response = client.get("/api/v1/policy/targets/", {"colour": "red", "min_lcr": "1"})
    assert response.status_code == 400
    assert response.json() == {"colour": ["Unknown query parameter."], "min_lcr": ["Unknown query parameter."]}
    everything = client.get("/api/v1/policy/targets/").json()
    assert client.get("/api/v1/policy/targets/", {"group": ""}).json() == everything  # empty: no filter
    response = client.get("/api/v1/policy/targets/", {"group": "sports"})
    assert response.status_code == 400
    assert set(response.json()) == {"group"}


def test_the_api_answers_in_the_caller_s_language(records):
    with override("zh-hans"):
        response = client_for(None).get("/api/v1/policy/targets/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.json()["results"][0]["group_label"] == "本地配套率"


def test_the_api_is_documented():
    schema = client_for(None).get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/policy/targets/"]["get"]
    assert operation["operationId"] == "policy_targets"
    assert [p["name"] for p in operation["parameters"] if p["in"] == "query"] == ["group"]
    assert {"200", "400"} <= set(operation["responses"])
    # Its own components, not another endpoint's of the same name (the LCR API has a TrendPoint too).
    listed = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    figure = schema["components"]["schemas"][listed]["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[1]
    trend = schema["components"]["schemas"][figure]["properties"]["trend"]["items"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][trend]["properties"]) == {"year", "value", "target"}
