"""The one validation path for purchases: a good row saves with its locality snapshot; a bad row saves nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from procurement.models import Purchase
from procurement.services import parse_amount, parse_date, purchase_record


def row(supplier, **overrides):
    data = {
        "supplier_identifier": supplier.uscc if hasattr(supplier, "uscc") else supplier,
        "purchased_on": "2026-03-01",
        "category": "solid-state-cells",
        "amount": "12,500.50",
        "invoice_number": "INV-001",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_purchase_from_a_local_verified_supplier_is_snapshotted_local(anchor_user, company_x):
    purchase = purchase_record(by=anchor_user, buyer=anchor_user.company, row=row(company_x), source="form")
    assert purchase.amount == Decimal("12500.50")
    assert purchase.supplier == company_x and purchase.supplier_name == company_x.name
    assert purchase.supplier_is_local and purchase.supplier_was_verified
    company_x.locality_confirmed = False
    company_x.save()
    purchase.refresh_from_db()
    assert purchase.supplier_is_local  # a later change of the supplier's status does not rewrite history


@pytest.mark.django_db
def test_outside_supplier_needs_a_name_and_is_not_local(anchor_user):
    with pytest.raises(ValidationError) as refused:
        purchase_record(by=anchor_user, buyer=anchor_user.company, row=row("VAT-DE-123"), source="api")
    assert "supplier_name" in refused.value.message_dict
    purchase = purchase_record(
        by=anchor_user, buyer=anchor_user.company, row=row("VAT-DE-123", supplier_name="Elsewhere GmbH"), source="api"
    )
    assert purchase.supplier is None and not purchase.supplier_is_local
    assert Purchase.objects.count() == 1


@pytest.mark.django_db
def test_every_bad_column_is_reported_and_nothing_saved(anchor_user, company_x):
    bad = row(company_x, purchased_on="01/03/2026", amount="-5", category="batteries", invoice_number="")
    with pytest.raises(ValidationError) as refused:
        purchase_record(by=anchor_user, buyer=anchor_user.company, row=bad, source="form")
    assert set(refused.value.message_dict) == {"purchased_on", "amount", "category", "invoice_number"}
    assert not Purchase.objects.exists()


@pytest.mark.django_db
def test_same_invoice_of_the_same_supplier_is_refused(anchor_user, company_x):
    purchase_record(by=anchor_user, buyer=anchor_user.company, row=row(company_x), source="form")
    with pytest.raises(ValidationError) as refused:
        purchase_record(by=anchor_user, buyer=anchor_user.company, row=row(company_x), source="form")
    assert "invoice_number" in refused.value.message_dict


@pytest.mark.django_db
def test_only_anchor_firm_users_record_for_their_own_company(supplier_x, anchor_user, company_y):
    with pytest.raises(PermissionDenied):
        purchase_record(by=supplier_x, buyer=supplier_x.company, row=row(company_y), source="form")
    with pytest.raises(PermissionDenied):
        purchase_record(by=anchor_user, buyer=company_y, row=row(supplier_x.company), source="form")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,234,567.89", Decimal("1234567.89")),
        ("0.01", Decimal("0.01")),
        (" ¥100 ", Decimal("100.00")),
        (12.5, Decimal("12.50")),
    ],
)
def test_amounts_parse_with_thousands_separators(raw, expected):
    assert parse_amount(raw) == expected


@pytest.mark.parametrize("raw", ["0", "-1", "1.005", "abc", "1,23", "NaN", "Infinity", ""])
def test_bad_amounts_are_refused(raw):
    with pytest.raises(ValidationError):
        parse_amount(raw)


def test_dates_in_iso_and_slashes():
    assert parse_date("2026-03-01") == parse_date("2026/03/01")
    with pytest.raises(ValidationError):
        parse_date("03/01/2026")
