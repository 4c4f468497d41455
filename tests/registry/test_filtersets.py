"""The directory's CompanyFilterSet, tested directly: each filter, their combinations, sorting and bad values."""

from decimal import Decimal

import pytest

from registry.filtersets import CompanyFilterSet
from registry.models import Certificate, Company, District, Product
from tests.factories import category, make_certificate, make_company, make_product

pytestmark = pytest.mark.django_db


def matching(data, queryset=None) -> list[str]:
    """Names of the companies the filters select, in the filterset's order."""
    filterset = CompanyFilterSet(data, queryset=Company.objects.all() if queryset is None else queryset)
    assert filterset.is_valid(), filterset.errors
    return [company.name for company in filterset.qs]


def errors(data) -> dict:
    filterset = CompanyFilterSet(data, queryset=Company.objects.all())
    assert not filterset.is_valid()
    return filterset.errors


class TestSearch:
    def test_q_matches_name_english_name_description_and_product_name(self):
        make_company(name="苏州固态电解质有限公司", name_en="Suzhou Solid Electrolyte Co.")
        make_company(name="Alpha Tools", description="We build isostatic presses for cell makers.")
        with_product = make_company(name="Beta Materials")
        make_product(with_product, name="Argyrodite powder LPSCl")
        make_company(name="Gamma Logistics", description="Warehousing.")

        assert matching({"q": "固态电解质"}) == ["苏州固态电解质有限公司"]
        assert matching({"q": "solid electrolyte"}) == ["苏州固态电解质有限公司"]
        assert matching({"q": "isostatic"}) == ["Alpha Tools"]
        assert matching({"q": "argyrodite"}) == ["Beta Materials"]
        assert matching({"q": "nothing-like-this"}) == []

    def test_every_word_of_q_must_match_somewhere(self):
        company = make_company(name="Beta Materials")
        make_product(company, name="Argyrodite powder")
        make_company(name="Beta Logistics")
        assert matching({"q": "beta argyrodite"}) == ["Beta Materials"]


class TestCategory:
    def test_a_parent_category_includes_its_children_and_listed_categories(self):
        via_product = make_company(name="Sulfide maker")
        make_product(via_product, category_slug="sulfide-electrolyte")
        make_company(name="Oxide lister", categories=[category("oxide-electrolyte")])
        cathode = make_company(name="Cathode maker")
        make_product(cathode, category_slug="high-nickel-cathode")

        assert matching({"category": "solid-electrolytes"}) == ["Oxide lister", "Sulfide maker"]
        assert matching({"category": "sulfide-electrolyte"}) == ["Sulfide maker"]
        assert matching({"category": "cathode-materials"}) == ["Cathode maker"]

    def test_a_company_in_two_subcategories_is_listed_once(self):
        company = make_company(name="Both kinds")
        make_product(company, category_slug="sulfide-electrolyte")
        make_product(company, category_slug="oxide-electrolyte")
        assert matching({"category": "solid-electrolytes"}) == ["Both kinds"]


def test_district_filters_by_division_code():
    make_company(name="In Kunshan", district=District.objects.get(code="320583"))
    make_company(name="In the Park", district=District.objects.get(code="320571"))
    assert matching({"district": "320571"}) == ["In the Park"]


def test_local_filters_on_the_confirmed_flag_not_the_suggestion():
    make_company(name="Local one", local=True)
    make_company(name="Outside one", local=False)
    suggested_only = make_company(name="Suggested but not confirmed", local=True)
    Company.objects.filter(pk=suggested_only.pk).update(locality_confirmed=None)

    assert matching({"local": "true"}) == ["Local one"]
    assert matching({"local": "false"}) == ["Outside one", "Suggested but not confirmed"]


def test_size_accepts_several_classes():
    make_company(name="Large", employees=2000, revenue_cny=Decimal("500000000"))
    make_company(name="Medium", employees=400, revenue_cny=Decimal("30000000"))
    make_company(name="Small", employees=50, revenue_cny=Decimal("5000000"))
    make_company(name="Micro", employees=5, revenue_cny=Decimal("100000"))

    assert matching({"size": ["small", "micro"]}) == ["Micro", "Small"]
    assert matching({"size": ["large"]}) == ["Large"]


def test_stage_selects_companies_with_a_product_at_that_stage():
    mass = make_company(name="Mass producer")
    make_product(mass, stage=Product.Stage.MASS)
    lab = make_company(name="Lab")
    make_product(lab, stage=Product.Stage.RD)
    assert matching({"stage": "rd"}) == ["Lab"]


def test_certificate_counts_only_valid_certificates_of_that_type():
    valid = make_company(name="Valid ISO 9001")
    make_certificate(valid, cert_type=Certificate.Type.ISO9001)
    expired = make_company(name="Expired ISO 9001")
    make_certificate(expired, cert_type=Certificate.Type.ISO9001, valid=False)
    other = make_company(name="Valid UN 38.3 only")
    make_certificate(other, cert_type=Certificate.Type.UN38_3)

    assert matching({"certificate": "iso9001"}) == ["Valid ISO 9001"]


def test_meets_target_true_and_false():
    good = make_company(name="Above target")
    make_product(good, figures={"ionic_conductivity": 0.012})
    poor = make_company(name="Below target")
    make_product(poor, figures={"ionic_conductivity": 0.004})

    assert matching({"meets_target": "true"}) == ["Above target"]
    assert matching({"meets_target": "false"}) == ["Below target"]


class TestFigureThresholds:
    @pytest.fixture
    def conductors(self):
        for name, value in (("Low", 0.005), ("Exactly", 0.01), ("High", 0.02)):
            make_product(make_company(name=name), figures={"ionic_conductivity": value})
        make_product(make_company(name="No figure"), figures={})

    def test_minimum_is_inclusive_and_written_in_scientific_notation(self, conductors):
        assert matching({"min_ionic_conductivity": "1e-2"}) == ["Exactly", "High"]

    def test_maximum(self, conductors):
        assert matching({"max_ionic_conductivity": "0.01"}) == ["Exactly", "Low"]

    def test_minimum_and_maximum_together(self, conductors):
        assert matching({"min_ionic_conductivity": "0.006", "max_ionic_conductivity": "0.015"}) == ["Exactly"]

    def test_two_figures_must_hold_on_the_same_product(self):
        company = make_company(name="Split figures")
        make_product(company, category_slug="li-rich-mn-cathode", figures={"specific_capacity": 320})
        make_product(company, category_slug="li-rich-mn-cathode", figures={"capacity_decay_per_cycle": 0.03})
        both = make_company(name="One good cathode")
        make_product(both, category_slug="li-rich-mn-cathode",
                     figures={"specific_capacity": 310, "capacity_decay_per_cycle": 0.04})

        data = {"min_specific_capacity": "300", "max_capacity_decay_per_cycle": "0.05"}
        assert matching(data) == ["One good cathode"]


class TestProductConditionsOnTheSameProduct:
    @pytest.fixture
    def split_company(self):
        company = make_company(name="Split")
        make_product(company, name="Mass but weak", stage=Product.Stage.MASS, figures={"ionic_conductivity": 0.005})
        make_product(company, name="Strong but R&D", stage=Product.Stage.RD, figures={"ionic_conductivity": 0.02})
        return company

    def test_mass_production_meeting_target_needs_one_product_that_is_both(self, split_company):
        assert matching({"stage": "mass", "meets_target": "true"}) == []
        assert matching({"stage": "rd", "meets_target": "true"}) == ["Split"]

    def test_stage_and_threshold_combine_on_one_product(self, split_company):
        assert matching({"stage": "mass", "min_ionic_conductivity": "0.01"}) == []
        assert matching({"stage": "mass", "max_ionic_conductivity": "0.01"}) == ["Split"]

    def test_a_company_whose_mass_product_meets_the_target_matches(self, split_company):
        good = make_company(name="Good")
        make_product(good, stage=Product.Stage.MASS, figures={"ionic_conductivity": 0.015})
        assert matching({"stage": "mass", "meets_target": "true"}) == ["Good"]


def test_filters_combine_with_and():
    wanted = make_company(name="Local sulfide with ISO", local=True)
    make_product(wanted, category_slug="sulfide-electrolyte", figures={"ionic_conductivity": 0.012})
    make_certificate(wanted, cert_type=Certificate.Type.ISO9001)

    outside = make_company(name="Outside sulfide with ISO", local=False)
    make_product(outside, category_slug="sulfide-electrolyte", figures={"ionic_conductivity": 0.012})
    make_certificate(outside, cert_type=Certificate.Type.ISO9001)

    no_cert = make_company(name="Local sulfide without ISO", local=True)
    make_product(no_cert, category_slug="sulfide-electrolyte", figures={"ionic_conductivity": 0.012})

    cathode = make_company(name="Local cathode with ISO", local=True)
    make_product(cathode, category_slug="high-nickel-cathode")
    make_certificate(cathode, cert_type=Certificate.Type.ISO9001)

    data = {"category": "solid-electrolytes", "local": "true", "certificate": "iso9001", "meets_target": "true"}
    assert matching(data) == ["Local sulfide with ISO"]
    assert matching({**data, "q": "ISO"}) == ["Local sulfide with ISO"]
    assert matching({**data, "size": ["large"]}) == []


class TestSort:
    @pytest.fixture
    def three(self):
        make_company(name="Bravo", employees=500, revenue_cny=Decimal("30000000"))
        make_company(name="Alpha", employees=50)
        make_company(name="Charlie", employees=1500)

    def test_default_is_by_name(self, three):
        assert matching({}) == ["Alpha", "Bravo", "Charlie"]

    def test_descending_name(self, three):
        assert matching({"sort": "-name"}) == ["Charlie", "Bravo", "Alpha"]

    def test_by_employees(self, three):
        assert matching({"sort": "employees"}) == ["Alpha", "Bravo", "Charlie"]
        assert matching({"sort": "-employees"}) == ["Charlie", "Bravo", "Alpha"]


class TestInvalidValues:
    @pytest.mark.parametrize(
        "data, parameter",
        [
            ({"category": "no-such-category"}, "category"),
            ({"district": "999999"}, "district"),
            ({"size": ["giant"]}, "size"),
            ({"stage": "someday"}, "stage"),
            ({"certificate": "iso0000"}, "certificate"),
            ({"min_ionic_conductivity": "abc"}, "min_ionic_conductivity"),
            ({"max_cycle_life": "1,000"}, "max_cycle_life"),
            ({"sort": "uscc"}, "sort"),
        ],
    )
    def test_bad_value_is_a_form_error_on_that_parameter(self, data, parameter):
        assert list(errors(data)) == [parameter]

    def test_active_filters_are_empty_while_the_form_is_invalid(self):
        filterset = CompanyFilterSet({"category": "nope", "local": "true"}, queryset=Company.objects.all())
        assert filterset.active_filters() == []


def test_active_filters_name_each_parameter_in_use_with_a_readable_value():
    filterset = CompanyFilterSet(
        {"category": "sulfide-electrolyte", "local": "true", "size": ["small", "micro"], "sort": "-name", "q": ""},
        queryset=Company.objects.all(),
    )
    chips = {name: str(shown) for name, _label, shown in filterset.active_filters()}
    assert chips == {"category": "Sulfide electrolytes", "local": "yes", "size": "Small, Micro"}
