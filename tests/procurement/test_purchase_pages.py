"""The anchor firm's purchase pages: the list with filters and totals, the form, corrections and deletion."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from procurement.models import ApplicationClaim, Purchase, SubsidyApplication, SubsidyProgramme
from tests import factories
from tests.conftest import client_for

LIST = "/my/purchases/"
NEW = "/my/purchases/new/"


def edit_url(purchase):
    return reverse("procurement:purchase_update", args=[purchase.pk])


def delete_url(purchase):
    return reverse("procurement:purchase_delete", args=[purchase.pk])


def form_data(supplier, **overrides):
    data = {
        "supplier_identifier": supplier.uscc if hasattr(supplier, "uscc") else supplier,
        "supplier_name": "",
        "purchased_on": "2026-03-01",
        "category": "solid-state-cells",
        "product": "",
        "description": "Pouch cells for the pilot line",
        "quantity": "120",
        "unit": "pieces",
        "amount": "12,500.50",
        "invoice_number": "INV-100",
    }
    data.update(overrides)
    return data


def claim(purchase, status):
    """An application of `status` claiming the purchase, made directly (the applications part builds the flow)."""
    programme = SubsidyProgramme.objects.create(
        code=f"local-{status}", name="Local procurement subsidy", kind="local_procurement", rate=Decimal("0.05"),
        period_start=date(2025, 1, 1), period_end=date(2026, 12, 31), active_from=date(2025, 1, 1),
    )
    application = SubsidyApplication.objects.create(
        applicant=purchase.supplier or purchase.buyer, programme=programme, status=status
    )
    return ApplicationClaim.objects.create(application=application, purchase=purchase, amount=purchase.amount)


@pytest.fixture
def other_anchor_user(db):
    company = factories.make_company(name="Other Anchor Ltd", anchor=True)
    return factories.make_user(company, username="other_anchor")


@pytest.fixture
def purchase(anchor_company, company_x):
    return factories.make_purchase(anchor_company, company_x, amount=Decimal("2500.00"), invoice_number="X-1")


# --- the list


@pytest.mark.django_db
def test_list_shows_own_purchases_with_totals_tags_and_links(anchor_user, anchor_company, company_x,
                                                             other_anchor_user):
    factories.make_purchase(anchor_company, company_x, amount=Decimal("1234567.89"), invoice_number="LOCAL-1")
    factories.make_purchase(anchor_company, None, amount=Decimal("1000.11"), invoice_number="OUT-1",
                            supplier_name="Elsewhere GmbH", source="api")
    factories.make_purchase(other_anchor_user.company, company_x, invoice_number="THEIRS-1")
    response = client_for(anchor_user).get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "LOCAL-1" in page and "OUT-1" in page and "THEIRS-1" not in page
    assert response.context["result_count"] == 2
    assert "¥1,235,568.00" in page  # the sum of both
    assert "¥1,234,567.89" in page  # the local part, and the row
    assert "Elsewhere GmbH" in page and "Outside" in page and "Local" in page
    assert "API" in page and "Web form" in page
    assert 'href="/my/purchases/new/"' in page
    assert reverse("procurement:purchase_import") in page


@pytest.mark.django_db
def test_list_filters_narrow_the_rows_and_the_totals(anchor_user, anchor_company, company_x):
    factories.make_purchase(anchor_company, company_x, amount=Decimal("100.00"), purchased_on=date(2024, 5, 1))
    factories.make_purchase(anchor_company, None, amount=Decimal("50.00"), purchased_on=date(2025, 5, 1))
    response = client_for(anchor_user).get(LIST, {"year": "2025"})
    assert response.context["result_count"] == 1
    assert response.context["total_amount"] == Decimal("50.00")
    assert response.context["local_amount"] == 0
    assert any(chip["label"] == "Year" for chip in response.context["chips"])


@pytest.mark.django_db
def test_list_with_a_bad_filter_says_so_and_shows_nothing(anchor_user, purchase):
    response = client_for(anchor_user).get(LIST, {"year": "last year", "local": "perhaps"})
    assert response.status_code == 200
    assert not response.context["filters_valid"]
    page = response.content.decode()
    assert "There is a problem with the filters" in page and "X-1" not in page


@pytest.mark.django_db
def test_list_paginates(anchor_user, anchor_company):
    for _ in range(30):
        factories.make_purchase(anchor_company)
    first = client_for(anchor_user).get(LIST)
    second = client_for(anchor_user).get(LIST, {"page": 2})
    assert len(first.context["purchases"]) == 25 and len(second.context["purchases"]) == 5
    assert first.context["result_count"] == 30


# --- the form


@pytest.mark.django_db
def test_form_records_a_purchase_from_a_registered_supplier(anchor_user, company_x):
    response = client_for(anchor_user).post(NEW, form_data(company_x))
    assert response.status_code == 302 and response["Location"] == LIST
    purchase = Purchase.objects.get()
    assert purchase.buyer == anchor_user.company and purchase.supplier == company_x
    assert purchase.amount == Decimal("12500.50") and purchase.source == "form"
    assert purchase.supplier_is_local and purchase.quantity == Decimal("120") and purchase.unit == "pieces"
    assert purchase.history.get().history_user == anchor_user


@pytest.mark.django_db
def test_form_page_has_labels_hints_and_cny_beside_the_amount(anchor_user):
    page = client_for(anchor_user).get(NEW).content.decode()
    assert 'for="id_supplier_identifier"' in page and 'for="id_amount"' in page
    assert "Needed only when the supplier is not registered" in page
    assert '<span class="unit" aria-hidden="true">CNY</span>' in page
    assert '<option value="solid-state-cells">— Solid-state cells</option>' in page


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"supplier_identifier": ""}, "supplier_identifier", "Enter the supplier&#x27;s USCC or identifier."),
    ({"supplier_identifier": "VAT-DE-1"}, "supplier_name", "The supplier is not registered: give its name."),
    ({"purchased_on": "01.03.2026"}, "purchased_on", "Enter a date as YYYY-MM-DD or YYYY/MM/DD."),
    ({"purchased_on": "2999-01-01"}, "purchased_on", "The purchase date is in the future."),
    ({"amount": "12.345"}, "amount", "An amount has at most two decimal places (fen)."),
    ({"amount": "-5"}, "amount", "The amount must be more than zero."),
    ({"amount": "lots"}, "amount", "Enter an amount in CNY"),
    ({"amount": ""}, "amount", "Enter the amount."),
    ({"category": "batteries"}, "category", "Select a valid choice."),
    ({"product": "999999"}, "product", "No such product of this supplier."),
    ({"quantity": "a dozen"}, "quantity", "Enter a number."),
    ({"invoice_number": ""}, "invoice_number", "Enter the invoice number."),
])
def test_form_error_beside_the_field_and_in_the_summary_typing_kept_nothing_saved(
    anchor_user, company_x, overrides, field, message
):
    data = form_data(company_x, **overrides)
    response = client_for(anchor_user).post(NEW, data)
    assert response.status_code == 200
    assert not Purchase.objects.exists()
    page = response.content.decode()
    assert "There is a problem" in page
    assert f'href="#id_{field}"' in page  # the summary links to the field
    assert f'id="id_{field}_error"' in page and message in page
    assert 'value="Pouch cells' not in page  # the textarea keeps its text as content
    assert "Pouch cells for the pilot line</textarea>" in page
    assert f'value="{data["invoice_number"]}"' in page or not data["invoice_number"]


@pytest.mark.django_db
def test_form_shows_every_problem_at_once(anchor_user, company_x):
    response = client_for(anchor_user).post(NEW, form_data(company_x, invoice_number="", amount="abc",
                                                           purchased_on="yesterday"))
    errors = response.context["form"].errors
    assert set(errors) == {"invoice_number", "amount", "purchased_on"}
    assert 'value="abc"' in response.content.decode() and 'value="yesterday"' in response.content.decode()


@pytest.mark.django_db
def test_form_refuses_a_second_record_of_the_same_invoice(anchor_user, company_x, purchase):
    response = client_for(anchor_user).post(NEW, form_data(company_x, invoice_number="X-1"))
    assert "This supplier&#x27;s invoice X-1 is already recorded." in response.content.decode()
    assert Purchase.objects.count() == 1


@pytest.mark.django_db
def test_form_records_an_outside_supplier_as_not_local(anchor_user):
    client_for(anchor_user).post(NEW, form_data("vat-de-1", supplier_name="Elsewhere GmbH"))
    purchase = Purchase.objects.get()
    assert purchase.supplier is None and purchase.supplier_identifier == "VAT-DE-1"
    assert not purchase.supplier_is_local


# --- corrections and deletion


@pytest.mark.django_db
def test_edit_form_shows_the_saved_values_and_saves_a_correction_with_history(anchor_user, purchase, company_y):
    client = client_for(anchor_user)
    page = client.get(edit_url(purchase)).content.decode()
    assert 'value="2500.00"' in page and 'value="X-1"' in page
    response = client.post(edit_url(purchase), form_data(company_y, amount="3000", invoice_number="X-1"))
    assert response.status_code == 302
    purchase.refresh_from_db()
    assert purchase.amount == Decimal("3000.00") and purchase.supplier == company_y
    assert purchase.history.count() == 2 and purchase.history.first().history_user == anchor_user


@pytest.mark.django_db
def test_edit_re_snapshots_the_supplier_locality(anchor_user, purchase, company_x):
    company_x.locality_confirmed = False
    company_x.save()
    client_for(anchor_user).post(edit_url(purchase), form_data(company_x, invoice_number="X-1"))
    purchase.refresh_from_db()
    assert not purchase.supplier_is_local


@pytest.mark.django_db
def test_edit_errors_keep_the_typing_and_change_nothing(anchor_user, purchase, company_x):
    response = client_for(anchor_user).post(edit_url(purchase), form_data(company_x, amount="0"))
    assert response.status_code == 200 and 'value="0"' in response.content.decode()
    purchase.refresh_from_db()
    assert purchase.amount == Decimal("2500.00")


@pytest.mark.django_db
def test_delete_asks_then_deletes(anchor_user, purchase):
    client = client_for(anchor_user)
    assert "Yes, delete the purchase" in client.get(delete_url(purchase)).content.decode()
    assert client.post(delete_url(purchase)).status_code == 302
    assert not Purchase.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["submitted", "approved", "paid"])
def test_a_claimed_purchase_cannot_be_edited_or_deleted(anchor_user, purchase, company_x, status):
    claim(purchase, status)
    client = client_for(anchor_user)
    for response in (
        client.get(edit_url(purchase)),
        client.post(edit_url(purchase), form_data(company_x, amount="1.00", invoice_number="X-1")),
        client.get(delete_url(purchase)),
        client.post(delete_url(purchase)),
    ):
        assert response.status_code == 409
        assert "Corrections go through the application being returned" in response.content.decode()
    purchase.refresh_from_db()
    assert purchase.amount == Decimal("2500.00")


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["draft", "returned"])
def test_a_purchase_in_a_draft_or_returned_application_can_be_corrected(anchor_user, purchase, company_x, status):
    claim(purchase, status)
    response = client_for(anchor_user).post(edit_url(purchase), form_data(company_x, amount="1.00",
                                                                          invoice_number="X-1"))
    assert response.status_code == 302
    purchase.refresh_from_db()
    assert purchase.amount == Decimal("1.00")


# --- who may see what


@pytest.mark.django_db
@pytest.mark.parametrize("url", [LIST, NEW, "edit", "delete"])
def test_permission_matrix(url, purchase, anchor_user, other_anchor_user, supplier_x, supplier_y, official):
    def target():
        return {"edit": edit_url(purchase), "delete": delete_url(purchase)}.get(url, url)

    anonymous = client_for(None).get(target())
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    for user in (supplier_x, supplier_y, official):
        response = client_for(user).get(target())
        assert response.status_code == 403
        assert "Only anchor firms record purchases" in response.content.decode()
    assert client_for(anchor_user).get(target()).status_code == 200
    other = client_for(other_anchor_user).get(target())
    if url in ("edit", "delete"):
        assert other.status_code == 404
        assert client_for(other_anchor_user).post(target(), form_data("X", supplier_name="n")).status_code == 404
        assert Purchase.objects.filter(pk=purchase.pk, amount=Decimal("2500.00")).exists()
    else:
        assert other.status_code == 200
        assert "X-1" not in other.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["draft", "rejected"])
def test_a_purchase_listed_in_any_application_is_not_deleted_from_under_it(anchor_user, purchase, status):
    claim(purchase, status)
    response = client_for(anchor_user).post(delete_url(purchase))
    assert response.status_code == 409 and "cannot be deleted" in response.content.decode()
    assert Purchase.objects.filter(pk=purchase.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{}, {"year": "2025"}, {"local": "true"}, {"q": "DEEP"}])
def test_every_page_lists_the_purchases_in_order_in_a_bounded_number_of_queries(
    anchor_user, anchor_company, company_x, query, django_assert_max_num_queries
):
    # Pages are read ids first, then rows by id: each page holds exactly the purchases of that place in the order,
    # the last page too, and a deep page costs the queries of the first.
    outside = factories.make_company(local=False)
    for n in range(60):
        factories.make_purchase(anchor_company, company_x if n % 3 else outside, amount=Decimal(f"{n + 1}.00"),
                                purchased_on=date(2025, 1 + n % 12, 1), invoice_number=f"DEEP-{n}")
    client = client_for(anchor_user)
    pages = client.get(LIST, query).context["page_obj"].paginator.num_pages
    assert pages >= 2
    seen = []
    for page in range(1, pages + 1):
        with django_assert_max_num_queries(15):
            response = client.get(LIST, {**query, "page": page})
        seen += [p.pk for p in response.context["purchases"]]
    expected = Purchase.objects.filter(buyer=anchor_company)
    if query.get("local"):
        expected = expected.filter(supplier_is_local=True)
    assert seen == list(response.context["filterset"].qs.values_list("pk", flat=True))
    assert sorted(seen) == sorted(expected.values_list("pk", flat=True))
