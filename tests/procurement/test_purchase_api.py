"""The purchases API: list and filters, one or many created (all or nothing), corrections, the claim rule."""

import json
from datetime import date
from decimal import Decimal

import pytest

from procurement.models import Purchase
from tests import factories
from tests.conftest import client_for
from tests.procurement.test_purchase_pages import claim

URL = "/api/v1/purchases/"


def detail(purchase):
    return f"{URL}{purchase.pk}/"


def body(supplier, **overrides):
    data = {
        "supplier_identifier": supplier.uscc if hasattr(supplier, "uscc") else supplier,
        "purchased_on": "2026-03-01",
        "category": "solid-state-cells",
        "amount": "12500.50",
        "invoice_number": "API-1",
    }
    data.update(overrides)
    return data


def post(client, data):
    return client.post(URL, json.dumps(data), content_type="application/json")


def patch(client, purchase, data):
    return client.patch(detail(purchase), json.dumps(data), content_type="application/json")


@pytest.fixture
def other_anchor_user(db):
    return factories.make_user(factories.make_company(name="Other Anchor Ltd", anchor=True), username="other_anchor")


@pytest.fixture
def purchase(anchor_company, company_x):
    return factories.make_purchase(anchor_company, company_x, amount=Decimal("2500.00"), invoice_number="X-1")


# --- create


@pytest.mark.django_db
def test_post_one_creates_it_with_source_api_and_amount_as_string(anchor_user, company_x):
    response = post(client_for(anchor_user), body(company_x, quantity="2.5", unit="t"))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["amount"] == "12500.50" and data["quantity"] == "2.500"
    assert data["source"] == "api" and data["supplier"] == company_x.pk and data["supplier_is_local"] is True
    assert data["category"] == "solid-state-cells" and data["buyer"] == anchor_user.company_id
    purchase = Purchase.objects.get()
    assert purchase.amount == Decimal("12500.50") and purchase.history.get().history_user == anchor_user


@pytest.mark.django_db
def test_post_one_bad_object_gives_400_by_column_and_saves_nothing(anchor_user, company_x):
    response = post(client_for(anchor_user), body(company_x, amount="0", purchased_on="soon"))
    assert response.status_code == 400
    assert set(response.json()) == {"amount", "purchased_on"}
    assert response.json()["amount"] == ["The amount must be more than zero."]
    assert not Purchase.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [12500.5, 0.1])
def test_amount_as_a_json_float_is_refused(anchor_user, company_x, amount):
    response = post(client_for(anchor_user), body(company_x, amount=amount))
    assert response.status_code == 400 and "amount" in response.json()
    assert not Purchase.objects.exists()


@pytest.mark.django_db
def test_amount_as_a_json_integer_is_exact(anchor_user, company_x):
    response = post(client_for(anchor_user), body(company_x, amount=12500))
    assert response.status_code == 201 and response.json()["amount"] == "12500.00"


@pytest.mark.django_db
def test_unknown_columns_are_refused(anchor_user, company_x):
    response = post(client_for(anchor_user), body(company_x, source="form"))
    assert response.status_code == 400 and "source" in response.json()["non_field_errors"][0]


@pytest.mark.django_db
def test_post_a_list_creates_all(anchor_user, company_x):
    items = [body(company_x, invoice_number=f"L-{i}") for i in range(3)]
    items.append(body("VAT-DE-1", supplier_name="Elsewhere GmbH", invoice_number="L-9"))
    response = post(client_for(anchor_user), items)
    assert response.status_code == 201
    assert [row["invoice_number"] for row in response.json()] == ["L-0", "L-1", "L-2", "L-9"]
    assert Purchase.objects.filter(source="api").count() == 4


@pytest.mark.django_db
def test_a_list_with_bad_objects_saves_nothing_and_reports_each_by_index(anchor_user, company_x):
    items = [
        body(company_x, invoice_number="L-0"),
        body(company_x, invoice_number="L-1", amount="1.234"),
        body(company_x, invoice_number="L-2"),
        body(company_x, invoice_number="L-0"),  # the same invoice as the first
        "not an object",
        body("VAT-DE-1", invoice_number="L-5"),
    ]
    response = post(client_for(anchor_user), items)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [e["index"] for e in errors] == [1, 3, 4, 5]
    assert errors[0]["errors"] == {"amount": ["An amount has at most two decimal places (fen)."]}
    assert "invoice_number" in errors[1]["errors"]
    assert "non_field_errors" in errors[2]["errors"]
    assert errors[3]["errors"] == {"supplier_name": ["The supplier is not registered: give its name."]}
    assert not Purchase.objects.exists()
    assert not Purchase.history.exists()


@pytest.mark.django_db
def test_an_empty_list_is_refused(anchor_user):
    assert post(client_for(anchor_user), []).status_code == 400


# --- list, filters, retrieve


@pytest.mark.django_db
def test_list_shows_own_purchases_and_officials_see_all(anchor_user, other_anchor_user, official, purchase, company_x):
    theirs = factories.make_purchase(other_anchor_user.company, company_x, invoice_number="THEIRS")
    own = client_for(anchor_user).get(URL).json()
    assert own["count"] == 1 and own["results"][0]["invoice_number"] == "X-1"
    assert own["results"][0]["amount"] == "2500.00"
    everyone = client_for(official).get(URL).json()
    assert {row["id"] for row in everyone["results"]} == {purchase.pk, theirs.pk}
    assert client_for(anchor_user).get(detail(theirs)).status_code == 404
    assert client_for(official).get(detail(theirs)).status_code == 200


@pytest.mark.django_db
def test_bad_filter_is_a_400_naming_it(anchor_user):
    response = client_for(anchor_user).get(URL, {"local": "perhaps", "year": "x"})
    assert response.status_code == 400 and {"local", "year"} <= set(response.json())


@pytest.mark.django_db
@pytest.mark.parametrize("params", [
    {},
    {"year": "2025"},
    {"local": "true"},
    {"local": "false", "source": "api"},
    {"category": "solid-electrolytes"},
    {"q": "elsewhere"},
    {"date_from": "2025-01-01", "date_to": "2025-06-30"},
])
def test_html_list_and_api_give_the_same_purchases_for_the_same_filter(anchor_user, anchor_company, company_x,
                                                                         params):
    for i, (day, supplier, slug, source) in enumerate([
        (date(2024, 2, 1), company_x, "solid-state-cells", "form"),
        (date(2025, 3, 1), company_x, "sulfide-electrolyte", "api"),
        (date(2025, 6, 30), None, "oxide-electrolyte", "api"),
        (date(2025, 9, 1), None, "solid-state-cells", "import"),
    ]):
        factories.make_purchase(
            anchor_company, supplier, purchased_on=day, category=factories.category(slug), source=source,
            invoice_number=f"S-{i}", **({} if supplier else {"supplier_name": "Elsewhere GmbH"}),
        )
    client = client_for(anchor_user)
    api_ids = [row["id"] for row in client.get(URL, params).json()["results"]]
    html_ids = [p.pk for p in client.get("/my/purchases/", params).context["purchases"]]
    assert api_ids and api_ids == html_ids


# --- corrections


@pytest.mark.django_db
def test_patch_changes_the_columns_sent_and_rechecks_the_rest(anchor_user, purchase):
    response = patch(client_for(anchor_user), purchase, {"amount": "3000.10", "description": "corrected"})
    assert response.status_code == 200, response.content
    assert response.json()["amount"] == "3000.10" and response.json()["description"] == "corrected"
    purchase.refresh_from_db()
    assert purchase.amount == Decimal("3000.10") and purchase.invoice_number == "X-1"
    assert purchase.history.count() == 2 and purchase.history.first().history_user == anchor_user


@pytest.mark.django_db
def test_patch_to_an_unregistered_supplier_needs_its_name(anchor_user, purchase):
    response = patch(client_for(anchor_user), purchase, {"supplier_identifier": "VAT-DE-1"})
    assert response.status_code == 400 and "supplier_name" in response.json()
    purchase.refresh_from_db()
    assert purchase.supplier_identifier != "VAT-DE-1"


@pytest.mark.django_db
def test_patch_re_snapshots_the_locality(anchor_user, purchase, company_x):
    company_x.locality_confirmed = False
    company_x.save()
    assert patch(client_for(anchor_user), purchase, {"unit": "kg"}).json()["supplier_is_local"] is False


@pytest.mark.django_db
def test_delete(anchor_user, purchase):
    assert client_for(anchor_user).delete(detail(purchase)).status_code == 204
    assert not Purchase.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["submitted", "approved", "paid"])
def test_a_claimed_purchase_cannot_be_patched_or_deleted(anchor_user, purchase, status):
    claim(purchase, status)
    client = client_for(anchor_user)
    for response in (patch(client, purchase, {"amount": "1.00"}), client.delete(detail(purchase))):
        assert response.status_code == 409
        assert "Corrections go through the application being returned" in response.json()["detail"]
    purchase.refresh_from_db()
    assert purchase.amount == Decimal("2500.00")


@pytest.mark.django_db
def test_a_rejected_applications_claim_does_not_freeze_the_purchase(anchor_user, purchase):
    rejected = claim(purchase, "rejected")
    rejected.live = False
    rejected.save()
    assert patch(client_for(anchor_user), purchase, {"amount": "1.00"}).status_code == 200


# --- who may do what


@pytest.mark.django_db
def test_permission_matrix(purchase, company_x, anchor_user, other_anchor_user, supplier_x, supplier_y, official):
    anonymous = client_for(None)
    assert anonymous.get(URL).status_code == 401
    assert anonymous.get(detail(purchase)).status_code == 401
    assert post(anonymous, body(company_x)).status_code == 401
    assert patch(anonymous, purchase, {"amount": "1"}).status_code == 401
    assert anonymous.delete(detail(purchase)).status_code == 401

    for user in (supplier_x, supplier_y):
        client = client_for(user)
        assert client.get(URL).status_code == 403
        assert client.get(detail(purchase)).status_code == 403
        refused = post(client, body(company_x, invoice_number="S-1"))
        assert refused.status_code == 403 and "Only anchor firms record purchases." in refused.json()["detail"]
        assert patch(client, purchase, {"amount": "1"}).status_code == 403
        assert client.delete(detail(purchase)).status_code == 403

    other = client_for(other_anchor_user)
    assert other.get(URL).json()["count"] == 0
    assert other.get(detail(purchase)).status_code == 404
    assert patch(other, purchase, {"amount": "1"}).status_code == 404
    assert other.delete(detail(purchase)).status_code == 404

    officer = client_for(official)
    assert officer.get(URL).json()["count"] == 1
    assert officer.get(detail(purchase)).status_code == 200
    assert post(officer, body(company_x, invoice_number="O-1")).status_code == 403
    assert patch(officer, purchase, {"amount": "1"}).status_code == 403
    assert officer.delete(detail(purchase)).status_code == 403

    own = client_for(anchor_user)
    assert own.get(detail(purchase)).status_code == 200
    assert post(own, body(company_x, invoice_number="A-1")).status_code == 201

    purchase.refresh_from_db()
    assert purchase.amount == Decimal("2500.00")
    assert set(Purchase.objects.values_list("invoice_number", flat=True)) == {"X-1", "A-1"}
