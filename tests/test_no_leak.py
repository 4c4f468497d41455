"""Errors that name a record never tell another company's records apart from ids that do not exist, and never
show their contents (invoice numbers, amounts)."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from procurement import applications as workflow
from procurement.models import ApplicationClaim, SubsidyApplication
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

SECRET_INVOICE = "SECRET-INV-7731"
SECRET_AMOUNT = Decimal("987654.32")


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def programme(db):
    return factories.make_programme()


@pytest.fixture
def theirs(anchor_company, company_y):
    """A purchase of another company, eligible in every other respect."""
    return factories.make_purchase(anchor_company, company_y, invoice_number=SECRET_INVOICE, amount=SECRET_AMOUNT)


def missing_id(theirs):
    return theirs.pk + 1000


def expected(*ids):
    return [f"There is no purchase {pk} of your company." for pk in ids]


def assert_nothing_of_theirs(content: bytes):
    assert SECRET_INVOICE.encode() not in content
    assert b"987654" not in content and b"987,654" not in content


def test_creating_an_application_with_anothers_purchase_says_only_there_is_none(supplier_x, programme, theirs):
    response = api(supplier_x).post(
        "/api/v1/applications/", {"programme": programme.pk, "purchases": [theirs.pk, missing_id(theirs)]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["purchases"] == expected(theirs.pk, missing_id(theirs))
    assert_nothing_of_theirs(response.content)
    assert not SubsidyApplication.objects.exists()


def test_changing_a_draft_to_anothers_purchase_says_only_there_is_none(supplier_x, company_y, programme, theirs):
    own = factories.make_purchase(supplier_x.company, company_y)
    application = workflow.application_create_draft(by=supplier_x, programme=programme, basis={"purchases": [own.pk]})
    with pytest.raises(Exception) as error:
        workflow.application_set_purchases(by=supplier_x, application=application, purchase_ids=[theirs.pk])
    assert error.value.messages == expected(theirs.pk)
    assert set(ApplicationClaim.objects.filter(live=True).values_list("purchase_id", flat=True)) == {own.pk}


def test_the_page_preview_does_not_tell_anothers_purchase_apart(supplier_x, programme, theirs):
    response = client_for(supplier_x).post(
        "/my/applications/preview/", {"programme": programme.pk, "purchases": [theirs.pk, missing_id(theirs)]}
    )
    assert response.status_code == 200
    problems = response.json()["problems"]
    assert list(problems.values()) == expected(theirs.pk, missing_id(theirs))
    assert_nothing_of_theirs(response.content)


@pytest.mark.parametrize("value", ["99999999999999999999999", "-3", "1e3", "x" * 5000])
def test_a_purchase_number_out_of_range_is_a_400_not_a_500(supplier_x, programme, value):
    response = api(supplier_x).post(
        "/api/v1/applications/", {"programme": programme.pk, "purchases": [value]}, format="json"
    )
    assert response.status_code == 400
    assert len(response.content) < 2000
    client = client_for(supplier_x)
    client.raise_request_exception = False
    response = client.post("/my/applications/preview/", {"programme": programme.pk, "purchases": [value]})
    assert response.status_code == 400
    assert len(response.content) < 2000


def test_anothers_purchase_in_the_purchases_api_is_a_404(anchor_user, theirs):
    other = factories.make_user(factories.make_company(anchor=True), username="other_anchor")
    for method in ("get", "patch", "delete"):
        response = getattr(api(other), method)(f"/api/v1/purchases/{theirs.pk}/", {}, format="json")
        assert response.status_code == 404
        assert_nothing_of_theirs(response.content)
