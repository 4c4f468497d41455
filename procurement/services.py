"""Purchases: the one validation path that the web form, the API and the file import all go through.

`purchase_clean` turns one row of raw values (strings from a file or a form, or already-typed values)
into the fields of a Purchase, or into a dict of errors keyed by column; `purchase_record` saves one,
snapshotting whether the supplier counted as local at that moment.
"""

import functools
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from registry.bounds import MAX_AMOUNT, MAX_QUANTITY, amount_too_large_message, quantity_too_large_message
from registry.identifiers import normalise_uscc, record_id, validate_uscc
from registry.middleware import control_character_message, has_control_characters
from registry.models import Category, Company, Product, User

from .models import Purchase
from .permissions import can_change_purchase, can_record_purchases
from .rollups import RollupChange, rollups_apply

# The columns of a purchase, as named in files, the API and errors. Required ones first.
REQUIRED_COLUMNS = ("supplier_identifier", "purchased_on", "category", "amount", "invoice_number")
OPTIONAL_COLUMNS = ("supplier_name", "product", "description", "quantity", "unit")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")


@functools.lru_cache(maxsize=8192)
def normalised_identifier(raw: str) -> str:
    """normalise_uscc, remembered: a file names the same few suppliers on thousands of rows."""
    return normalise_uscc(raw)
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
QUANTITY_PLACES = 3  # Purchase.quantity's decimal_places


# What strptime reads with _DATE_FORMATS, matched without it: a file's dates are parsed many thousand times.
_PLAIN_DATE = re.compile(r"^(\d{4})([-/])(\d{1,2})\2(\d{1,2})$")


def parse_date(value) -> date:
    """ISO (2026-03-01) or YYYY/MM/DD; a date or datetime passes through."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    plain = _PLAIN_DATE.match(text)
    if plain:
        try:
            return date(int(plain[1]), int(plain[3]), int(plain[4]))
        except ValueError:
            pass  # no such day: strptime below says so in the same words
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(_("Enter a date as YYYY-MM-DD or YYYY/MM/DD."), code="date")


def parse_amount(value) -> Decimal:
    """A CNY amount > 0 with at most two decimals; thousands separators (1,234.50) are accepted."""
    if isinstance(value, float):
        # Spreadsheet cells arrive as floats: their shortest repr is what the person typed.
        value = repr(value)
    text = str(value if value is not None else "").strip().replace("¥", "").replace("CNY", "").strip()
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("Enter an amount in CNY, such as 12500.00 or 12,500.00."), code="amount") from None
    if not amount.is_finite():
        raise ValidationError(_("Enter an amount in CNY, such as 12500.00 or 12,500.00."), code="amount")
    if amount <= 0:
        raise ValidationError(_("The amount must be more than zero."), code="amount_positive")
    # Size first, before anything rounds: quantize() itself fails (InvalidOperation) on 1E+26 and beyond.
    if amount > MAX_AMOUNT:
        raise ValidationError(amount_too_large_message(), code="amount_large")
    if _places(amount) > 2:
        raise ValidationError(_("An amount has at most two decimal places (fen)."), code="amount_places")
    return amount.quantize(Decimal("0.01"))


def _places(number: Decimal) -> int:
    """Decimal places written, trailing zeros aside: 1.50 has one, 1E+3 none."""
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def parse_quantity(value) -> Decimal | None:
    """A quantity of zero or more with at most three decimals: refused, never rounded, beyond what is stored."""
    if value in (None, ""):
        return None
    if isinstance(value, float):
        value = repr(value)  # a spreadsheet cell: its shortest repr is what the person typed
    text = str(value).strip().replace(",", "")
    try:
        quantity = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("Enter a number."), code="quantity") from None
    if not quantity.is_finite() or quantity < 0:
        raise ValidationError(_("Enter a number of zero or more."), code="quantity")
    if quantity > MAX_QUANTITY:
        raise ValidationError(quantity_too_large_message(), code="quantity_large")
    if _places(quantity) > QUANTITY_PLACES:
        raise ValidationError(
            _("A quantity has at most %(n)d decimal places.") % {"n": QUANTITY_PLACES}, code="quantity_places"
        )
    return quantity.quantize(Decimal(1).scaleb(-QUANTITY_PLACES))


def category_key(text) -> str:
    """A category as written in a file or form, in the form category_lookup keys it by."""
    return " ".join(str(text).split()).casefold()


def category_lookup(categories) -> dict:
    """{key: category} for every way a purchase may name its category: the code, the English or the Chinese name.

    A name two categories share names neither (the code is then needed); a code always wins over a name.
    """
    by_name: dict[str, Category | None] = {}
    for category in categories:
        for name in {category_key(category.name), category_key(category.name_zh)} - {""}:
            by_name[name] = None if name in by_name and by_name[name] != category else category
    lookup = {name: category for name, category in by_name.items() if category is not None}
    lookup.update({category_key(category.slug): category for category in categories})
    return lookup


class Lookups:
    """Categories, registered companies and products, fetched once for a whole file instead of once per row."""

    def __init__(self, buyer: Company, supplier_codes=()):
        self.buyer = buyer
        self.categories = category_lookup(Category.objects.all())
        self.suppliers = (
            {c.uscc: c for c in Company.objects.filter(uscc__in=set(supplier_codes))} if supplier_codes else None
        )

    def supplier(self, code: str) -> Company | None:
        if self.suppliers is not None:
            return self.suppliers.get(code)
        return Company.objects.filter(uscc=code).first()


def purchase_clean(row: dict, *, buyer: Company, lookups: Lookups | None = None) -> tuple[dict, dict]:
    """Check one purchase row; return (fields for a Purchase, {column: message}). Never raises for bad input."""
    lookups = lookups or Lookups(buyer)
    errors: dict[str, str] = {}
    fields: dict = {"buyer": buyer}

    def blank(column):
        value = row.get(column)
        return value is None or (isinstance(value, str) and not value.strip())

    for column in REQUIRED_COLUMNS:
        if blank(column):
            errors[column] = _("This column is required.")
    # File cells reach here unfiltered (the request middleware sees only forms and JSON): NUL bytes and other
    # control characters are refused; line breaks only in the one multi-line column.
    for column in COLUMNS:
        value = row.get(column)
        if isinstance(value, str) and (
            has_control_characters(value) or (column != "description" and ("\n" in value or "\r" in value))
        ):
            errors[column] = control_character_message()

    if "supplier_identifier" not in errors:
        raw = str(row["supplier_identifier"]).strip()
        code = normalised_identifier(raw)
        supplier = lookups.supplier(code) if len(code) == 18 else None
        if supplier is not None:
            fields.update(supplier=supplier, supplier_identifier=supplier.uscc, supplier_name=supplier.name)
        else:
            # An outside supplier: kept by the identifier given (a USCC if it is one), its locality unknown.
            try:
                identifier = validate_uscc(raw)
            except ValidationError as error:
                identifier = raw.upper()
                # Shaped like a USCC in every other way: a mistyped code, which would record a supplier
                # that does not exist (and never count as local), rather than an identifier from abroad.
                if error.code == "checksum":
                    errors["supplier_identifier"] = _(
                        "This looks like a USCC but its check digit (the last character) does not match: "
                        "probably a typing error. Check the code against the supplier’s licence."
                    )
            if "supplier_identifier" in errors:
                pass
            elif len(identifier) > 40:
                errors["supplier_identifier"] = _("An identifier has at most 40 characters.")
            elif blank("supplier_name"):
                errors["supplier_name"] = _("The supplier is not registered: give its name.")
            elif len(str(row["supplier_name"]).strip()) > 200:
                errors["supplier_name"] = _("At most %(n)d characters.") % {"n": 200}
            elif "supplier_name" in errors:
                pass
            else:
                fields.update(supplier=None, supplier_identifier=identifier,
                              supplier_name=str(row["supplier_name"]).strip()[:200])
        if supplier is not None and supplier.pk == buyer.pk:
            errors["supplier_identifier"] = _("A company cannot buy from itself.")

    for column, parse in (("purchased_on", parse_date), ("amount", parse_amount), ("quantity", parse_quantity)):
        if column in errors or (column == "quantity" and blank(column)):
            continue
        try:
            fields[column] = parse(row[column])
        except ValidationError as error:
            errors[column] = error.messages[0]
    if "purchased_on" in fields and fields["purchased_on"] > date.today():
        errors["purchased_on"] = _("The purchase date is in the future.")

    if "category" not in errors:
        category = row["category"]
        if not isinstance(category, Category):
            category = lookups.categories.get(category_key(category))
        if category is None:
            errors["category"] = _(
                "Unknown category: use a category code such as solid-state-cells, or its English or Chinese "
                "name, as listed on the import page."
            )
        else:
            fields["category"] = category

    if not blank("product") and "product" not in errors:
        product = row["product"]
        if not isinstance(product, Product):
            supplier = fields.get("supplier")
            product = (
                Product.objects.filter(company=supplier, pk=record_id(product)).first()
                if supplier is not None and record_id(product) else None
            )
        if product is None or product.company_id != getattr(fields.get("supplier"), "pk", None):
            errors["product"] = _("No such product of this supplier.")
        else:
            fields["product"] = product

    if "invoice_number" not in errors:
        invoice = str(row["invoice_number"]).strip()
        if len(invoice) > 60:
            errors["invoice_number"] = _("An invoice number has at most 60 characters.")
        fields["invoice_number"] = invoice
    for column, limit in (("description", 300), ("unit", 20)):
        if not blank(column) and column not in errors:
            text = str(row[column]).strip()
            if len(text) > limit:
                errors[column] = _("At most %(n)d characters.") % {"n": limit}
            fields[column] = text
    return fields, errors


def supplier_snapshot(supplier: Company | None) -> dict:
    """Whether the supplier counts as local (and verified) now: fixed on the purchase for good."""
    if supplier is None:
        return {"supplier_is_local": False, "supplier_was_verified": False}
    return {"supplier_is_local": supplier.is_local, "supplier_was_verified": supplier.is_published}


def _require_recorder(by: User, buyer: Company) -> None:
    allowed, reason = can_record_purchases(by)
    if not allowed or by.company_id != buyer.pk:
        raise PermissionDenied(reason or _("You can record purchases only for your own company."))


@transaction.atomic
def purchase_record(*, by: User, buyer: Company, row: dict, source: str, import_batch=None) -> Purchase:
    """Validate and save one purchase; ValidationError (by column) when the row is bad, nothing saved."""
    _require_recorder(by, buyer)
    fields, errors = purchase_clean(row, buyer=buyer)
    if not errors and Purchase.objects.filter(
        supplier_identifier=fields["supplier_identifier"], invoice_number=fields["invoice_number"]
    ).exists():
        errors["invoice_number"] = _("This supplier's invoice %(invoice)s is already recorded.") % {
            "invoice": fields["invoice_number"]
        }
    if errors:
        raise ValidationError(errors)
    purchase = Purchase(
        **fields, **supplier_snapshot(fields.get("supplier")), source=source, import_batch=import_batch, created_by=by
    )
    purchase.full_clean()
    purchase._history_user = by
    purchase.save()
    rollups_apply(RollupChange().add(purchase))
    return purchase


# --- purchase corrections


class PurchaseFrozen(PermissionDenied):
    """A purchase that a submitted, approved or paid application claims: refused, with the reason to show."""


def _lock_for_change(by: User, purchase: Purchase) -> Purchase:
    # The row lock makes a correction and an application's submission take turns: the claim check below
    # then sees the claim made just before, never a state that is already stale.
    locked = Purchase.objects.select_for_update().select_related("buyer").get(pk=purchase.pk)
    allowed, reason = can_change_purchase(by, locked)
    if not allowed:
        if by is not None and by.is_authenticated and by.company_id == locked.buyer_id:
            raise PurchaseFrozen(reason)
        raise PermissionDenied(reason)
    return locked


def _history_baseline(purchase: Purchase) -> None:
    """Write the first history row of a purchase saved without one (a file import), holding its values as saved.

    Imports write no history row per purchase: the import batch already records who sent the file and when,
    and the purchase its batch, recorder and time. Before such a purchase is first corrected or deleted, its
    values as imported are written here, so its history still starts with what was recorded.
    """
    if purchase.history.exists():
        return
    Purchase.history.bulk_history_create(
        [purchase], default_user=purchase.created_by, default_date=purchase.created_at,
        default_change_reason=_("Recorded by a file import"),
    )


def purchase_row(purchase: Purchase) -> dict:
    """A purchase's current values in the columns purchase_clean reads: the base a partial correction edits."""
    return {
        "supplier_identifier": purchase.supplier_identifier,
        "supplier_name": purchase.supplier_name,
        "purchased_on": purchase.purchased_on,
        "category": purchase.category,
        "product": purchase.product_id,
        "description": purchase.description,
        "quantity": purchase.quantity,
        "unit": purchase.unit,
        "amount": purchase.amount,
        "invoice_number": purchase.invoice_number,
    }


@transaction.atomic
def purchase_update(*, by: User, purchase: Purchase, row: dict) -> Purchase:
    """Correct a purchase through the same checks as a new one; ValidationError by column, nothing saved."""
    purchase = _lock_for_change(by, purchase)
    _history_baseline(purchase)
    fields, errors = purchase_clean(row, buyer=purchase.buyer)
    if not errors and Purchase.objects.filter(
        supplier_identifier=fields["supplier_identifier"], invoice_number=fields["invoice_number"]
    ).exclude(pk=purchase.pk).exists():
        errors["invoice_number"] = _("This supplier's invoice %(invoice)s is already recorded.") % {
            "invoice": fields["invoice_number"]
        }
    if errors:
        raise ValidationError(errors)
    # Optional columns left out of the row are cleared, so that the record says exactly what was sent.
    values = {"supplier": None, "product": None, "description": "", "quantity": None, "unit": ""}
    values.update(fields)
    # The locality is snapshotted again: a correction is a new statement of the purchase, saved now, and the
    # supplier may be a different one. Purchases that already count towards a submitted or approved subsidy
    # are frozen above, so a re-snapshot never changes the figures an official has decided on; the history
    # table keeps the earlier snapshot for anyone who needs it.
    values.update(supplier_snapshot(values["supplier"]))
    # The locked row's saved values leave their cell; the corrected ones enter theirs (maybe the same one).
    change = RollupChange().remove(purchase)
    for name, value in values.items():
        setattr(purchase, name, value)
    purchase.full_clean()
    purchase._history_user = by
    purchase.save()
    rollups_apply(change.add(purchase))
    return purchase


@transaction.atomic
def purchase_delete(*, by: User, purchase: Purchase) -> None:
    """Delete a purchase of the user's own company that no submitted, approved or paid application claims."""
    purchase = _lock_for_change(by, purchase)
    # Any other claim (a draft's, a returned or a rejected application's) is part of that application's record
    # and points at the row (PROTECT): the purchase is taken out of the draft first, never deleted from under it.
    claim = _latest_claim(purchase)
    if claim is not None:
        raise PurchaseFrozen(_claimed_message(claim.application_id))
    _history_baseline(purchase)
    purchase._history_user = by
    try:
        # A savepoint: a claim made after the check above (where the database does not make the two take turns)
        # is refused by the foreign key, and the answer is the same sentence, never an IntegrityError.
        with transaction.atomic():
            change = RollupChange().remove(purchase)
            purchase.delete()
            rollups_apply(change)
    except IntegrityError:  # ProtectedError included
        claim = _latest_claim(purchase)
        raise PurchaseFrozen(_claimed_message(claim.application_id if claim else None)) from None


def _latest_claim(purchase: Purchase):
    return purchase.claims.order_by("-pk").first()


def _claimed_message(number) -> str:
    if number is None:
        return _("This purchase is listed in a subsidy application, which keeps its record: it cannot be deleted.")
    return _(
        "This purchase is listed in subsidy application #%(number)s, which keeps its record: it cannot be "
        "deleted. Take it out of the application while it is a draft, or correct it instead."
    ) % {"number": number}
