"""Every money and quantity input holds at most 15 significant digits (registry/bounds.py): what SQLite stores
exactly. The same message whoever types the number: a form, the API, the admin or a PATCH."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import RequestFactory
from rest_framework.test import APIClient

from alliance.api.collaborations import ProposeSerializer
from alliance.api.matchmaking import OfferInputSerializer, SourcingRequestInputSerializer
from alliance.views.collaborations import ProposeForm
from alliance.views.matchmaking import OfferForm, SourcingRequestForm
from procurement.admin import PROGRAMME_AMOUNTS
from procurement.models import SubsidyProgramme
from registry.bounds import MAX_AMOUNT, MAX_QUANTITY, amount_too_large_message, quantity_too_large_message
from registry.forms import CompanyProfileForm, SignupForm
from registry.models import Company, Product

AMOUNT_INSIDE, AMOUNT_OUTSIDE = "9999999999999.99", "10000000000000.00"
QUANTITY_INSIDE, QUANTITY_OUTSIDE = "999999999999.999", "1000000000000.000"
AMOUNT_MESSAGE = "The amount is too large: at most 9,999,999,999,999.99 CNY."
QUANTITY_MESSAGE = "The quantity is too large: at most 999,999,999,999.999."


def test_the_bound_is_fifteen_significant_digits_and_one_message_per_kind():
    assert len(MAX_AMOUNT.as_tuple().digits) == 15
    assert len(MAX_QUANTITY.as_tuple().digits) == 15
    assert amount_too_large_message() == AMOUNT_MESSAGE
    assert quantity_too_large_message() == QUANTITY_MESSAGE
    # Just outside is no more digits than the columns (max_digits=16) take: only the bound refuses it.
    assert len(Decimal(AMOUNT_OUTSIDE).as_tuple().digits) == 16


def _field_errors(form_or_serializer, name):
    form_or_serializer.is_valid()
    return [str(e) for e in form_or_serializer.errors.get(name, [])]


# --- forms -------------------------------------------------------------------------------------------------

FORMS = [
    (lambda data, company: ProposeForm(data, company=company), "committed_value_per_year", "amount"),
    (lambda data, company: ProposeForm(data, company=company), "committed_quantity", "quantity"),
    (lambda data, company: OfferForm(data, products=Product.objects.none()), "price_low", "amount"),
    (lambda data, company: OfferForm(data, products=Product.objects.none()), "price_high", "amount"),
    (lambda data, company: SourcingRequestForm(data), "quantity", "quantity"),
    (lambda data, company: CompanyProfileForm(data, instance=company), "revenue_cny", "amount"),
    (lambda data, company: SignupForm(data), "revenue_cny", "amount"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("make_form, field, kind", FORMS)
def test_forms(company_x, make_form, field, kind):
    inside, outside, message = (
        (AMOUNT_INSIDE, AMOUNT_OUTSIDE, AMOUNT_MESSAGE) if kind == "amount"
        else (QUANTITY_INSIDE, QUANTITY_OUTSIDE, QUANTITY_MESSAGE)
    )
    assert _field_errors(make_form({field: inside}, company_x), field) == []
    assert _field_errors(make_form({field: outside}, company_x), field) == [message]
    # Typed with separators, as people do, the same answer.
    assert _field_errors(make_form({field: f"{Decimal(outside):,}"}, company_x), field) == [message]


# --- API ---------------------------------------------------------------------------------------------------

SERIALIZERS = [
    (ProposeSerializer, "committed_value_per_year", "amount"),
    (ProposeSerializer, "committed_quantity", "quantity"),
    (OfferInputSerializer, "price_low", "amount"),
    (OfferInputSerializer, "price_high", "amount"),
    (SourcingRequestInputSerializer, "quantity", "quantity"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("serializer_class, field, kind", SERIALIZERS)
def test_api_inputs(serializer_class, field, kind):
    inside, outside, message = (
        (AMOUNT_INSIDE, AMOUNT_OUTSIDE, AMOUNT_MESSAGE) if kind == "amount"
        else (QUANTITY_INSIDE, QUANTITY_OUTSIDE, QUANTITY_MESSAGE)
    )
    assert _field_errors(serializer_class(data={field: inside}), field) == []
    assert _field_errors(serializer_class(data={field: outside}), field) == [message]


@pytest.mark.django_db
class TestCompanyRevenuePatch:
    def _patch(self, user, company, value):
        client = APIClient()
        client.force_authenticate(user)
        return client.patch(f"/api/v1/companies/{company.pk}/", {"revenue_cny": value}, format="json")

    def test_just_inside_is_stored_exactly(self, supplier_x, company_x):
        response = self._patch(supplier_x, company_x, AMOUNT_INSIDE)
        assert response.status_code == 200, response.content
        company_x.refresh_from_db()
        assert company_x.revenue_cny == Decimal(AMOUNT_INSIDE)

    def test_just_outside_is_refused_naming_the_field(self, supplier_x, company_x):
        before = company_x.revenue_cny
        response = self._patch(supplier_x, company_x, AMOUNT_OUTSIDE)
        assert response.status_code == 400
        assert response.json()["revenue_cny"] == [AMOUNT_MESSAGE]
        company_x.refresh_from_db()
        assert company_x.revenue_cny == before


# --- admin -------------------------------------------------------------------------------------------------

def _admin_form(model, obj, official, data):
    request = RequestFactory().post("/")
    request.user = official
    model_admin = admin.site._registry[model]
    form_class = model_admin.get_form(request, obj, change=obj is not None)
    return form_class(data, instance=obj)


@pytest.mark.django_db
def test_admin_company_revenue(official, company_x):
    inside = _admin_form(Company, company_x, official, {"revenue_cny": AMOUNT_INSIDE})
    assert _field_errors(inside, "revenue_cny") == []
    outside = _admin_form(Company, company_x, official, {"revenue_cny": AMOUNT_OUTSIDE})
    assert _field_errors(outside, "revenue_cny") == [AMOUNT_MESSAGE]


@pytest.mark.django_db
@pytest.mark.parametrize("field", PROGRAMME_AMOUNTS)
def test_admin_programme_caps_and_rewards(official, field):
    official.is_superuser = True
    official.save()
    assert _field_errors(_admin_form(SubsidyProgramme, None, official, {field: AMOUNT_INSIDE}), field) == []
    assert _field_errors(_admin_form(SubsidyProgramme, None, official, {field: AMOUNT_OUTSIDE}), field) == [
        AMOUNT_MESSAGE
    ]
