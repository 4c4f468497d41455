"""The directory's figures panel and why each result matched (issue 10: buyers searching the directory)."""

import re

import pytest
from django.urls import reverse

from registry.figures import FIGURES
from tests.factories import make_company, make_product

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("registry:directory")
API = reverse("api:company-list")


def figure_inputs(html: str) -> set[str]:
    return set(re.findall(r'name="(?:min|max)_([a-z_]+)"', html))


class TestFiguresPanel:
    def test_without_a_category_every_figure_has_its_two_inputs(self, client):
        html = client.get(DIRECTORY).content.decode()
        assert figure_inputs(html) == set(FIGURES)
        assert "Only the figures of the chosen category are shown" not in html

    @pytest.mark.parametrize(
        "slug, figures",
        [
            ("sulfide-electrolyte", {"ionic_conductivity"}),
            ("solid-electrolytes", {"ionic_conductivity", "area_specific_resistance"}),
            ("solid-state-cells", {
                "specific_energy", "volumetric_energy_density", "cycle_life", "round_trip_efficiency",
                "peak_discharge_rate", "min_operating_temp", "max_operating_temp",
            }),
            ("anode-materials", {"specific_capacity", "coulombic_efficiency"}),
            ("recycling", set()),
        ],
    )
    def test_a_chosen_category_shows_only_its_figures(self, client, slug, figures):
        html = client.get(DIRECTORY, {"category": slug}).content.decode()
        assert figure_inputs(html) == figures
        assert "Only the figures of the chosen category are shown" in html

    def test_a_threshold_outside_the_chosen_category_stays_visible_and_in_the_form(self, client):
        html = client.get(DIRECTORY, {"category": "sulfide-electrolyte", "min_cycle_life": "5000"}).content.decode()
        assert figure_inputs(html) == {"ionic_conductivity", "cycle_life"}
        assert 'name="min_cycle_life" id="id_min_cycle_life" value="5000"' in html

    def test_a_wrong_threshold_is_shown_beside_its_input_with_the_error(self, client):
        html = client.get(DIRECTORY, {"category": "sulfide-electrolyte", "max_cycle_life": "many"}).content.decode()
        assert 'id="id_max_cycle_life_error"' in html
        assert 'value="many" class="figure-input"' in html
        assert 'aria-invalid="true" aria-describedby="id_max_cycle_life_error"' in html

    def test_each_input_is_labelled_by_its_figure_bound_and_unit(self, client):
        html = client.get(DIRECTORY, {"category": "sulfide-electrolyte"}).content.decode()
        label = re.search(r'<label for="id_min_ionic_conductivity">(.*?)</label>', html).group(1)
        assert re.sub(r"<[^>]+>", "", label) == "Ionic conductivity at 25 °C, at least, S/cm"
        label = re.search(r'<label for="id_max_ionic_conductivity">(.*?)</label>', html).group(1)
        assert re.sub(r"<[^>]+>", "", label) == "Ionic conductivity at 25 °C, at most, S/cm"

    def test_the_panel_folds_and_the_apply_button_sticks(self, client):
        html = client.get(DIRECTORY).content.decode()
        assert "<details class=\"filter-fold\" open data-filter-fold>" in html
        assert "/static/js/figures-panel.js" in html
        html = client.get(DIRECTORY, {"local": "true"}).content.decode()
        assert "<details class=\"filter-fold\" open data-filter-fold data-applied>" in html
        assert "1 in use" in html
        assert "<script>" not in html  # the CSP allows our static files only

    def test_category_options_keep_the_tree_as_groups_and_start_with_the_name(self, client):
        html = client.get(DIRECTORY).content.decode()
        start = html.index('<select name="category"')
        select = html[start:html.index("</select>", start)]
        assert '<optgroup label="Solid electrolytes">' in select
        assert ">Solid electrolytes (all)</option>" in select
        assert ">Sulfide electrolytes</option>" in select
        assert "—" not in select
        labels = re.findall(r"<option [^>]*>([^<]*)</option>", select)
        assert all(label and not label[0].isspace() for label in labels)
        # each option says which figures its products report, for the panel's script
        assert 'value="sulfide-electrolyte" data-figures="ionic_conductivity"' in select


@pytest.fixture
def conductors():
    fast = make_company(name="Fast conductor Co")
    make_product(fast, name="LPSCl fast", figures={"ionic_conductivity": 0.012})
    make_product(fast, name="LPSCl slow", figures={"ionic_conductivity": 0.001})
    slow = make_company(name="Slow conductor Co")
    make_product(slow, name="Argyrodite", figures={"ionic_conductivity": 0.002})
    return fast


class TestWhyItMatched:
    def test_each_result_shows_the_matching_product_and_its_figure_with_unit(self, client, conductors):
        response = client.get(DIRECTORY, {"min_ionic_conductivity": "1e-2"})
        html = response.content.decode()
        reason = html[html.index('class="match-reason"'):]
        reason = reason[:reason.index("</div>")]
        assert "LPSCl fast" in reason
        assert "LPSCl slow" not in reason  # below the threshold: not why the company matched
        assert "Ionic conductivity at 25 °C: <strong>1.2 × 10⁻² S/cm</strong>" in reason

    def test_without_product_filters_no_reason_is_shown(self, client, conductors):
        html = client.get(DIRECTORY, {"q": "conductor"}).content.decode()
        assert 'class="match-reason"' not in html

    def test_the_api_gives_the_matching_products_with_figures_and_units(self, client, conductors):
        data = client.get(API, {"min_ionic_conductivity": "1e-2"}).json()
        assert [c["name"] for c in data["results"]] == ["Fast conductor Co"]
        [product] = data["results"][0]["matched_products"]
        assert product["name"] == "LPSCl fast"
        assert product["figures"] == [{
            "key": "ionic_conductivity", "label": "Ionic conductivity at 25 °C", "unit": "S/cm", "value": 0.012,
            "display": "1.2 × 10⁻² S/cm",
        }]

    def test_the_api_says_null_without_product_filters(self, client, conductors):
        data = client.get(API).json()
        assert {c["matched_products"] is None for c in data["results"]} == {True}

    def test_stage_only_shows_all_figures_of_the_matching_product(self, client, conductors):
        data = client.get(API, {"stage": "mass", "q": "fast"}).json()
        names = {p["name"]: [f["key"] for f in p["figures"]] for p in data["results"][0]["matched_products"]}
        assert names == {"LPSCl fast": ["ionic_conductivity"], "LPSCl slow": ["ionic_conductivity"]}
