"""Hostile input anywhere: control characters in parameters, form fields and API fields are a 400 naming the
field, never a 500 (PostgreSQL refuses NUL bytes in text); numbers past what a column holds are refused."""

import json

import pytest
from django.urls import URLResolver, get_resolver
from rest_framework.test import APIClient

from procurement.models import Purchase
from registry.models import Product
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

# Every query parameter some list, filter or API of the platform reads.
PARAMETERS = (
    "q", "buyer", "year", "category", "district", "size", "local", "anchor", "status", "certificate", "stage",
    "application", "meets_target", "company", "made_in_city", "date_from", "date_to", "source", "supplier",
    "page", "page_size", "sort", "model", "tier", "body", "role", "standard", "kind", "programme", "format",
    "min_ionic_conductivity", "organisation",
)
HOSTILE = ("\x00", "a\x01b", "\x1b[31m", "x\x7f")


def _plain_urls(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _plain_urls(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def plain_urls():
    """Every URL of the platform that takes no argument in its path, the admin's included."""
    urls = set()
    for url in _plain_urls(get_resolver().url_patterns):
        if "<" in url or "(?P" in url:
            continue
        urls.add("/" + url.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\.", "."))
    return sorted(urls)


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_nul_in_the_lcr_buyer_is_a_400_naming_it_for_anonymous_callers(db):
    # Was a 500 on PostgreSQL: "A string literal cannot contain NUL (0x00) characters."
    response = APIClient().get("/api/v1/lcr/", {"buyer": "\x00"})
    assert response.status_code == 400
    assert "buyer" in response.json()
    for url, name in (("/api/v1/lcr/", "category"), ("/api/v1/lcr/", "district"), ("/api/v1/lcr/trend/", "buyer")):
        response = APIClient().get(url, {name: "1\x00"})
        assert response.status_code == 400 and name in response.json()


@pytest.mark.parametrize("role", ["anonymous", "anchor_user", "official"])
def test_no_url_answers_500_to_control_characters_in_any_parameter(request, role):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    client = client_for(user)
    client.raise_request_exception = False
    failures = []
    for url in plain_urls():
        for name in PARAMETERS:
            for value in HOSTILE:
                response = client.get(url, {name: value})
                if response.status_code != 400:
                    failures.append((url, name, value, response.status_code))
    assert not failures


def test_a_page_names_the_refused_parameter(db):
    response = client_for(None).get("/directory/", {"q": "cells\x1b"})
    assert response.status_code == 400
    assert b"<code>q</code>" in response.content



def test_a_nul_in_a_page_form_is_left_to_the_form_beside_the_field(supplier_x):
    response = client_for(supplier_x).post("/my/products/new/", {"name": "Powder\x00", "category": "x"})
    assert response.status_code in (200, 400)
    assert b"Null characters are not allowed" in response.content
    assert not Product.objects.exists()


def test_a_control_character_in_a_parameter_name_is_refused_and_shown_escaped(db):
    response = APIClient().get("/api/v1/companies/?a%00b=1")
    assert response.status_code == 400
    assert list(response.json()) == ["a\\x00b"]


def test_tab_and_newline_pass_where_text_allows_them(supplier_x):
    response = api(supplier_x).post("/api/v1/products/", {
        "category": "sulfide-electrolyte", "name": "Powder", "stage": "pilot",
        "description": "Line one\n\tLine two", "figures": [],
    }, format="json")
    assert response.status_code == 201, response.content
    assert Product.objects.get().description == "Line one\n\tLine two"


@pytest.mark.parametrize(("payload", "field"), [
    ({"name": "Powder\x00"}, "name"),
    ({"description": "bell\x07"}, "description"),
    ({"capacity_unit": "t\x00"}, "capacity_unit"),
    ({"category": "sulfide-electrolyte\x00"}, "category"),
    ({"figures": [{"key": "ionic_conductivity\x00", "value": 1}]}, "figures"),
])
def test_control_characters_in_product_fields_are_a_400_naming_the_field(supplier_x, payload, field):
    body = {"category": "sulfide-electrolyte", "name": "Powder", "stage": "pilot", **payload}
    response = api(supplier_x).post("/api/v1/products/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.data
    if field == "figures":  # nested as DRF nests: the object's index, then its field
        assert response.data["figures"]["0"]["key"]
    assert not Product.objects.exists()


def test_a_lone_surrogate_escape_in_raw_json_is_a_400(supplier_x):
    raw = '{"category": "sulfide-electrolyte", "name": "x\\ud800", "stage": "pilot"}'
    response = api(supplier_x).post("/api/v1/products/", raw, content_type="application/json")
    assert response.status_code == 400 and "name" in response.json()


@pytest.mark.parametrize("field", ["name", "description", "address", "contact_name", "website"])
def test_control_characters_in_company_fields_are_a_400_naming_the_field(supplier_x, field):
    response = api(supplier_x).patch(f"/api/v1/companies/{supplier_x.company_id}/", {field: "x\x00"}, format="json")
    assert response.status_code == 400 and field in response.data


def test_control_characters_in_purchase_api_fields(anchor_user, company_x):
    body = {"supplier_identifier": company_x.uscc, "purchased_on": "2026-01-05", "category": "solid-state-cells",
            "amount": "10.00", "invoice_number": "N\x00UL"}
    response = api(anchor_user).post("/api/v1/purchases/", body, format="json")
    assert response.status_code == 400 and "invoice_number" in response.data
    response = api(anchor_user).post("/api/v1/purchases/", [body], format="json")
    assert response.status_code == 400 and "invoice_number" in response.data["0"]
    assert not Purchase.objects.exists()


def test_control_characters_in_applications_and_alliance_apis(supplier_x, anchor_user, company_x):
    programme = factories.make_programme()
    response = api(supplier_x).post("/api/v1/applications/", {"programme": f"{programme.pk}\x00"}, format="json")
    assert response.status_code == 400 and "programme" in response.data
    response = api(supplier_x).post("/api/v1/applications/", {"programme": programme.pk, "purchases": ["1\x00"]},
                                    format="json")
    assert response.status_code == 400 and "purchases" in response.data
    response = api(anchor_user).post("/api/v1/collaborations/", {"title": "t\x0b", "other_party": company_x.uscc},
                                     format="json")
    assert response.status_code == 400 and "title" in response.data


def test_control_characters_in_a_page_form_are_a_400_naming_the_field(supplier_x):
    response = client_for(supplier_x).post("/my/products/new/", {"name": "Powder\x08", "category": "x"})
    assert response.status_code == 400
    assert b"<code>name</code>" in response.content
    assert not Product.objects.exists()


def test_control_characters_in_a_multipart_upload_field(anchor_user):
    response = client_for(anchor_user).post("/api/v1/purchases/import/", {"note\x00": "x"})
    assert response.status_code == 400


def test_json_nested_deeper_than_python_reads_is_not_a_500(supplier_x):
    deep = "[" * 100000 + "]" * 100000
    response = api(supplier_x).post("/api/v1/products/", deep, content_type="application/json")
    assert response.status_code == 400
    assert json.loads(response.content)


# --- numbers beyond what a column holds: refused before any rounding, the same message on every way in

from decimal import Decimal  # noqa: E402
from io import BytesIO  # noqa: E402

from procurement.imports import import_report_rows, purchase_import  # noqa: E402
from procurement.services import MAX_AMOUNT, MAX_QUANTITY  # noqa: E402
from tests.procurement.test_imports import HEADER, xlsx_bytes  # noqa: E402
from tests.procurement.test_imports import csv_bytes as purchase_csv  # noqa: E402
from tests.procurement.test_purchase_pages import form_data  # noqa: E402

AMOUNT_TOO_LARGE = "The amount is too large: at most 9,999,999,999,999.99 CNY."
QUANTITY_TOO_LARGE = "The quantity is too large: at most 999,999,999,999.999."
QUANTITY_PLACES = "A quantity has at most 3 decimal places."


def _purchase(supplier, **overrides):
    return {"supplier_identifier": supplier.uscc, "purchased_on": "2026-01-05", "category": "solid-state-cells",
            "amount": "10.00", "invoice_number": "BIG-1", **overrides}


def _api_errors(user, supplier, **overrides):
    response = api(user).post("/api/v1/purchases/", _purchase(supplier, **overrides), format="json")
    assert response.status_code == 400, response.content
    return response.json()


def _patch_errors(user, purchase, **values):
    response = api(user).patch(f"/api/v1/purchases/{purchase.pk}/", values, format="json")
    assert response.status_code == 400, response.content
    return response.json()


def _form_errors(user, supplier, **overrides):
    response = client_for(user).post("/my/purchases/new/", form_data(supplier, **overrides))
    assert response.status_code == 200  # the form again, the error beside the field (as every form error)
    return response.context["form"].errors


def _file_errors(user, supplier, column, value, *, xlsx=False):
    header = [*HEADER, "quantity"]
    row = [supplier.uscc, "", "2026-01-05", "solid-state-cells", "10.00", "BIG-1", ""]
    row[header.index(column)] = value
    data = xlsx_bytes([row], header=header) if xlsx else purchase_csv([row], header=header)
    batch = purchase_import(by=user, buyer=user.company, file=BytesIO(data), filename="p.xlsx" if xlsx else "p.csv")
    assert batch.status == "failed"
    return {error["column"]: error["message"] for error in import_report_rows(batch)}


@pytest.mark.parametrize("amount", ["1E+26", "1e30", "100000000000000000000000000000", "99999999999999.99",
                                    "10000000000000.00"])
def test_an_amount_too_large_is_refused_with_one_message_everywhere(anchor_user, company_x, amount):
    # 1E+26 and beyond were a 500: quantize() raised InvalidOperation before the size was checked.
    assert _api_errors(anchor_user, company_x, amount=amount)["amount"] == [AMOUNT_TOO_LARGE]
    assert _form_errors(anchor_user, company_x, amount=amount)["amount"] == [AMOUNT_TOO_LARGE]
    assert _file_errors(anchor_user, company_x, "amount", amount)["amount"] == AMOUNT_TOO_LARGE
    purchase = factories.make_purchase(anchor_user.company, company_x)
    assert _patch_errors(anchor_user, purchase, amount=amount)["amount"] == [AMOUNT_TOO_LARGE]
    assert Purchase.objects.count() == 1


def test_an_amount_too_large_in_an_xlsx_number_cell(anchor_user, company_x):
    assert _file_errors(anchor_user, company_x, "amount", 1e26, xlsx=True)["amount"] == AMOUNT_TOO_LARGE


@pytest.mark.parametrize(("quantity", "message"), [
    ("1e30", QUANTITY_TOO_LARGE), ("1000000000000", QUANTITY_TOO_LARGE), ("1.2345", QUANTITY_PLACES),
    ("0.0001", QUANTITY_PLACES),
])
def test_a_quantity_beyond_the_column_is_refused_alike_in_file_form_api_and_patch(anchor_user, company_x, quantity,
                                                                                   message):
    # A file's 1.2345 was saved as 1.235 (or 1.234) without a word, while the API refused it with another message.
    assert _api_errors(anchor_user, company_x, quantity=quantity)["quantity"] == [message]
    assert _form_errors(anchor_user, company_x, quantity=quantity)["quantity"] == [message]
    assert _file_errors(anchor_user, company_x, "quantity", quantity)["quantity"] == message
    purchase = factories.make_purchase(anchor_user.company, company_x)
    assert _patch_errors(anchor_user, purchase, quantity=quantity)["quantity"] == [message]
    assert Purchase.objects.count() == 1


def test_a_quantity_with_too_many_decimals_in_an_xlsx_number_cell(anchor_user, company_x):
    assert _file_errors(anchor_user, company_x, "quantity", 1.2345, xlsx=True)["quantity"] == QUANTITY_PLACES


def test_the_largest_accepted_values_are_stored_exactly(anchor_user, company_x):
    response = api(anchor_user).post("/api/v1/purchases/", _purchase(
        company_x, amount=str(MAX_AMOUNT), quantity=str(MAX_QUANTITY)), format="json")
    assert response.status_code == 201, response.content
    stored = Purchase.objects.get()
    assert (stored.amount, stored.quantity) == (MAX_AMOUNT, MAX_QUANTITY)
    assert response.json()["amount"] == "9999999999999.99"
    assert api(anchor_user).get(f"/api/v1/purchases/{stored.pk}/").json()["quantity"] == "999999999999.999"


def test_trailing_zeros_are_not_decimals(anchor_user, company_x):
    response = api(anchor_user).post("/api/v1/purchases/", _purchase(company_x, amount="10.5000",
                                                                     quantity="2.50000"), format="json")
    assert response.status_code == 201, response.content
    assert Purchase.objects.get().quantity == Decimal("2.5")


# --- a purchase deleted or corrected while an application claims it: 409 or 400 with a sentence, never a 500

from procurement import services  # noqa: E402
from procurement.models import ApplicationClaim  # noqa: E402
from tests.procurement.test_purchase_pages import claim  # noqa: E402


@pytest.mark.parametrize("status", ["draft", "returned", "rejected", "submitted", "approved", "paid"])
def test_a_claimed_purchase_is_not_deleted_api_and_page_answer_409(anchor_user, company_x, status):
    purchase = factories.make_purchase(anchor_user.company, company_x)
    claim(purchase, status)
    response = api(anchor_user).delete(f"/api/v1/purchases/{purchase.pk}/")
    assert response.status_code == 409 and response.json()["detail"]
    page = client_for(anchor_user).post(f"/my/purchases/{purchase.pk}/delete/")
    assert page.status_code == 409
    assert Purchase.objects.filter(pk=purchase.pk).exists()


def test_a_claim_made_between_the_check_and_the_delete_is_a_409_not_an_integrity_error(
    anchor_user, company_x, monkeypatch
):
    purchase = factories.make_purchase(anchor_user.company, company_x)
    made = claim(purchase, "draft")
    checks = iter([None])  # the check ran before the claim was made; later looks see it
    real = services._latest_claim
    monkeypatch.setattr(services, "_latest_claim", lambda p: next(checks, None) or real(p))
    response = api(anchor_user).delete(f"/api/v1/purchases/{purchase.pk}/")
    assert response.status_code == 409
    assert f"#{made.application_id}" in response.json()["detail"]
    checks = iter([None])
    page = client_for(anchor_user).post(f"/my/purchases/{purchase.pk}/delete/")
    assert page.status_code == 409
    assert Purchase.objects.filter(pk=purchase.pk).exists() and ApplicationClaim.objects.count() == 1


def test_a_purchase_deleted_between_reading_and_claiming_is_a_400_with_a_sentence(supplier_x, company_y, monkeypatch):
    from procurement import local_procurement

    programme = factories.make_programme()
    purchase = factories.make_purchase(supplier_x.company, company_y)
    real = local_procurement._Rules.split

    def read_then_deleted(rules, ids):
        split = real(rules, ids)
        Purchase.objects.filter(pk=purchase.pk).delete()  # its buyer deletes it meanwhile
        return split

    monkeypatch.setattr(local_procurement._Rules, "split", read_then_deleted)
    response = api(supplier_x).post("/api/v1/applications/", {"programme": programme.pk, "purchases": [purchase.pk]},
                                    format="json")
    assert response.status_code == 400
    assert f"There is no purchase {purchase.pk} of your company." in str(response.json())
    assert not ApplicationClaim.objects.exists()


@pytest.mark.parametrize("status", ["submitted", "approved", "paid"])
def test_a_frozen_purchase_is_not_corrected_api_409_page_409(anchor_user, company_x, status):
    purchase = factories.make_purchase(anchor_user.company, company_x, amount=Decimal("10.00"))
    claim(purchase, status)
    response = api(anchor_user).patch(f"/api/v1/purchases/{purchase.pk}/", {"amount": "20.00"}, format="json")
    assert response.status_code == 409 and response.json()["detail"]
    page = client_for(anchor_user).post(f"/my/purchases/{purchase.pk}/edit/", form_data(company_x, amount="20.00"))
    assert page.status_code == 409
    purchase.refresh_from_db()
    assert purchase.amount == Decimal("10.00")


# --- digits that str.isdigit() accepts and int() refuses, or that overflow the database's integers


@pytest.mark.parametrize("product", ["²", "99999999999999999999"])
def test_a_product_id_int_refuses_is_a_row_error(anchor_user, company_x, product):
    response = api(anchor_user).post("/api/v1/purchases/", _purchase(company_x, product=product), format="json")
    assert response.status_code == 400 and "product" in response.json()
    rows = [[company_x.uscc, "", "2026-01-05", "solid-state-cells", "10.00", "P-1", product]]
    batch = purchase_import(by=anchor_user, buyer=anchor_user.company, filename="p.csv",
                            file=BytesIO(purchase_csv(rows, header=[*HEADER, "product"])))
    assert [e["column"] for e in batch.errors] == ["product"]


@pytest.mark.parametrize("value", ["²", "99999999999999999999"])
def test_application_pages_read_odd_ids_without_a_500(supplier_x, value):
    client = client_for(supplier_x)
    client.raise_request_exception = False
    assert client.post("/my/applications/preview/", {"programme": value}).status_code == 400
    assert client.get("/my/applications/new/", {"programme": value}).status_code < 500
    assert client.post("/my/applications/new/", {"programme": value, "purchases": [value]}).status_code < 500
