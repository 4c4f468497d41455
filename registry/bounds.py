"""The largest amount and quantity accepted anywhere: form, API, admin, PATCH and file import alike.

The money and quantity columns (max_digits=16) would hold one digit more, but SQLite keeps a decimal as a float of
15 significant digits: 99,999,999,999,999.99 would come back as 100,000,000,000,000.00. Bounded to 15 significant
digits, what is accepted is stored exactly on SQLite and PostgreSQL alike. Checked before anything rounds (a
quantize() of 1E+26 fails on its own), with one message per kind, whoever typed the number.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_AMOUNT = Decimal("9999999999999.99")
MAX_QUANTITY = Decimal("999999999999.999")


def amount_too_large_message() -> str:
    return _("The amount is too large: at most %(max)s CNY.") % {"max": f"{MAX_AMOUNT:,}"}


def quantity_too_large_message() -> str:
    return _("The quantity is too large: at most %(max)s.") % {"max": f"{MAX_QUANTITY:,}"}


def validate_amount_bound(value) -> None:
    """A validator for forms, serializers and admin fields holding CNY."""
    if value is not None and value.is_finite() and value > MAX_AMOUNT:
        raise ValidationError(amount_too_large_message(), code="amount_large")


def validate_quantity_bound(value) -> None:
    """A validator for forms, serializers and admin fields holding a quantity (3 decimal places)."""
    if value is not None and value.is_finite() and value > MAX_QUANTITY:
        raise ValidationError(quantity_too_large_message(), code="quantity_large")


def bound_numbers(fields, *, amounts=(), quantities=()) -> None:
    """Add the bounds to the named fields of a form (or ModelAdmin form) that has them."""
    for names, validator in ((amounts, validate_amount_bound), (quantities, validate_quantity_bound)):
        for name in names:
            if name in fields and validator not in fields[name].validators:
                fields[name].validators.append(validator)
