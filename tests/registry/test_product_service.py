"""Products and their figures: what validate_figures refuses (by name), and the state product_save leaves."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from registry.models import Product, ProductFigure
from registry.services import product_delete, product_save, validate_figures
from tests import factories


def figure_errors(category_slug: str, figures: dict) -> dict:
    with pytest.raises(ValidationError) as excinfo:
        validate_figures(factories.category(category_slug), figures)
    return excinfo.value.message_dict


@pytest.mark.django_db
class TestValidateFigures:
    def test_plausible_figures_are_kept_as_numbers(self):
        clean = validate_figures(factories.category("sulfide-electrolyte"), {"ionic_conductivity": "1.2e-2"})
        assert clean == {"ionic_conductivity": pytest.approx(0.012)}

    def test_empty_values_are_dropped(self):
        category = factories.category("oxide-electrolyte")
        assert validate_figures(category, {"ionic_conductivity": "", "area_specific_resistance": None}) == {}

    def test_a_negative_figure_is_refused(self):
        errors = figure_errors("oxide-electrolyte", {"area_specific_resistance": -1})
        assert "more than 0" in errors["area_specific_resistance"][0]

    def test_an_efficiency_over_100_percent_is_refused(self):
        errors = figure_errors("lithium-metal-anode", {"coulombic_efficiency": 100.5})
        assert "at most 100 %" in errors["coulombic_efficiency"][0]

    def test_100_percent_efficiency_is_the_most_accepted(self):
        category = factories.category("lithium-metal-anode")
        assert validate_figures(category, {"coulombic_efficiency": 100}) == {"coulombic_efficiency": 100.0}

    def test_a_conductivity_of_5_s_per_cm_is_refused(self):
        errors = figure_errors("sulfide-electrolyte", {"ionic_conductivity": 5})
        assert "less than 1 S/cm" in errors["ionic_conductivity"][0]

    def test_a_zero_conductivity_is_refused(self):
        assert "ionic_conductivity" in figure_errors("sulfide-electrolyte", {"ionic_conductivity": 0})

    def test_text_is_not_a_number(self):
        assert figure_errors("sulfide-electrolyte", {"ionic_conductivity": "high"}) == {
            "ionic_conductivity": ["Enter a number."]
        }

    @pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
    def test_infinities_and_nan_are_refused(self, value):
        assert figure_errors("sulfide-electrolyte", {"ionic_conductivity": value}) == {
            "ionic_conductivity": ["Enter a finite number."]
        }

    def test_a_figure_the_category_does_not_use_is_refused(self):
        errors = figure_errors("sulfide-electrolyte", {"specific_capacity": 200})
        assert "do not report this figure" in errors["specific_capacity"][0]

    def test_an_unknown_figure_is_refused(self):
        assert figure_errors("sulfide-electrolyte", {"colour": 3}) == {"colour": ["Unknown figure."]}

    def test_every_bad_figure_is_named_at_once(self):
        errors = figure_errors(
            "solid-state-cells", {"round_trip_efficiency": 120, "cycle_life": -5, "specific_energy": 300}
        )
        assert set(errors) == {"round_trip_efficiency", "cycle_life"}

    def test_a_child_category_inherits_its_parents_figures(self):
        # Halide electrolytes have no list of their own: they report what solid electrolytes report.
        clean = validate_figures(factories.category("halide-electrolyte"), {"area_specific_resistance": 12})
        assert clean == {"area_specific_resistance": 12.0}


@pytest.mark.django_db
class TestProductSave:
    def data(self, slug="sulfide-electrolyte", **overrides):
        return {"name": "LPSC powder", "category": factories.category(slug), "stage": Product.Stage.MASS, **overrides}

    def test_a_product_meeting_the_target_gets_the_badge(self, supplier_x, company_x):
        product = product_save(
            by=supplier_x, company=company_x, data=self.data(), figures={"ionic_conductivity": "0.012"}
        )
        product.refresh_from_db()
        assert product.meets_target is True
        assert product.figure_values == {"ionic_conductivity": pytest.approx(0.012)}
        assert product.history.first().history_user == supplier_x

    def test_exactly_the_threshold_gets_no_badge(self, supplier_x, company_x):
        product = product_save(by=supplier_x, company=company_x, data=self.data(), figures={"ionic_conductivity": 1e-2})
        assert product.meets_target is False

    def test_bad_figures_save_nothing(self, supplier_x, company_x):
        with pytest.raises(ValidationError) as excinfo:
            product_save(by=supplier_x, company=company_x, data=self.data(), figures={"ionic_conductivity": 5})
        assert "ionic_conductivity" in excinfo.value.message_dict
        assert not Product.objects.exists()
        assert not ProductFigure.objects.exists()

    def test_field_and_figure_errors_come_together(self, supplier_x, company_x):
        with pytest.raises(ValidationError) as excinfo:
            product_save(
                by=supplier_x, company=company_x, data=self.data(name=""), figures={"ionic_conductivity": -1}
            )
        assert {"name", "ionic_conductivity"} <= set(excinfo.value.message_dict)

    def test_updating_replaces_the_figures_and_recomputes_the_badge(self, supplier_x, company_x):
        product = product_save(
            by=supplier_x, company=company_x, data=self.data("oxide-electrolyte"),
            figures={"ionic_conductivity": 1e-3, "area_specific_resistance": 8},
        )
        assert product.meets_target is True
        product = product_save(
            by=supplier_x, company=company_x, data=self.data("oxide-electrolyte"),
            figures={"area_specific_resistance": 12}, product=product,
        )
        assert product.meets_target is False
        assert dict(product.figures.values_list("figure", "value")) == {"area_specific_resistance": 12.0}

    def test_a_failed_update_leaves_the_product_as_it_was(self, supplier_x, company_x):
        product = product_save(by=supplier_x, company=company_x, data=self.data(), figures={"ionic_conductivity": 0.02})
        with pytest.raises(ValidationError):
            product_save(
                by=supplier_x, company=company_x, data=self.data(name="Renamed"),
                figures={"ionic_conductivity": 7}, product=product,
            )
        product = Product.objects.get(pk=product.pk)
        assert product.name == "LPSC powder"
        assert product.figure_values == {"ionic_conductivity": pytest.approx(0.02)}

    def test_cells_are_judged_by_their_application(self, supplier_x, company_x):
        figures = {"cycle_life": 16000, "round_trip_efficiency": 96}
        grid = product_save(
            by=supplier_x, company=company_x, data=self.data("solid-state-cells", application="grid_storage"),
            figures=figures,
        )
        robot = product_save(
            by=supplier_x, company=company_x, data=self.data("solid-state-cells", application="robot", name="R"),
            figures=figures,
        )
        assert (grid.meets_target, robot.meets_target) == (True, False)

    def test_another_companys_user_cannot_save_a_product(self, supplier_y, company_x):
        with pytest.raises(PermissionDenied):
            product_save(by=supplier_y, company=company_x, data=self.data(), figures={})
        assert not Product.objects.exists()

    def test_a_product_cannot_be_moved_to_another_company(self, supplier_y, company_x, company_y):
        product = factories.make_product(company_x)
        with pytest.raises(PermissionDenied):
            product_save(by=supplier_y, company=company_y, data=self.data(), figures={}, product=product)

    def test_an_official_does_not_edit_products(self, official, company_x):
        with pytest.raises(PermissionDenied):
            product_save(by=official, company=company_x, data=self.data(), figures={})

    def test_delete_by_the_company_and_not_by_others(self, supplier_x, supplier_y, company_x):
        product = factories.make_product(company_x, figures={"ionic_conductivity": 0.02})
        with pytest.raises(PermissionDenied):
            product_delete(by=supplier_y, product=product)
        product_delete(by=supplier_x, product=product)
        assert not Product.objects.exists()
        assert not ProductFigure.objects.exists()
