"""The purchase form: text boxes that keep what was typed; the checks themselves are procurement.services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from registry import selectors

from .services import COLUMNS, purchase_clean


def _text(label, *, required=False, max_length=None, help_text="", required_message=None, **attrs):
    field = forms.CharField(
        label=label, required=required, max_length=max_length, help_text=help_text,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off", **attrs}),
    )
    if required_message:
        field.error_messages["required"] = required_message
    return field


class PurchaseForm(forms.Form):
    """One purchase as the buyer types it; dates, amounts and the supplier are read by purchase_clean."""

    supplier_identifier = _text(
        _("Supplier USCC or identifier"), required=True, max_length=40,
        help_text=_("The 18-character unified social credit code, or another identifier for a supplier abroad."),
        required_message=_("Enter the supplier's USCC or identifier."),
    )
    supplier_name = _text(
        _("Supplier name"), max_length=200,
        help_text=_("Needed only when the supplier is not registered on the platform; for a registered "
                    "supplier its registered name is used."),
    )
    purchased_on = _text(
        _("Purchase date"), required=True, help_text=_("For example 2026-03-01 or 2026/03/01."),
        required_message=_("Enter the purchase date."), inputmode="numeric",
    )
    category = forms.ChoiceField(
        label=_("Category"), help_text=_("What was bought, in the supply-chain taxonomy."),
        error_messages={"required": _("Choose the category of what was bought.")},
    )
    product = _text(
        _("Product id (optional)"), max_length=18, inputmode="numeric",
        help_text=_("The number of the supplier's product on the platform, if it is listed there."),
    )
    description = forms.CharField(
        label=_("Description (optional)"), required=False, max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    quantity = _text(_("Quantity (optional)"), max_length=30, inputmode="decimal")
    unit = _text(_("Unit (optional)"), max_length=20, help_text=_("For example kg, pieces, MWh."))
    amount = _text(
        _("Amount"), required=True, max_length=30, inputmode="decimal",
        help_text=_("In yuan, with at most two decimal places: 12500.00 or 12,500.00."),
        required_message=_("Enter the amount."),
    )
    invoice_number = _text(
        _("Invoice number"), required=True, max_length=60,
        help_text=_("The supplier's invoice number: one purchase per invoice of a supplier."),
        required_message=_("Enter the invoice number."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Choose a category"))] + [
            (category.slug, ("— " * depth) + category.display_name) for category, depth in selectors.category_tree()
        ]

    def row(self) -> dict:
        """What was sent, in the columns of a purchase, as purchase_clean reads them."""
        return {column: (self.data.get(column) or "").strip() for column in COLUMNS}

    def add_row_errors(self, buyer) -> None:
        """Run the service's checks too, so one submission shows every problem, not only the empty boxes."""
        _fields, errors = purchase_clean(self.row(), buyer=buyer)
        for column, message in errors.items():
            if column in self.fields and column not in self.errors:
                self.add_error(column, message)

    @staticmethod
    def initial_for(purchase) -> dict:
        """A saved purchase as the form shows it for correction."""
        quantity = purchase.quantity.normalize() if purchase.quantity is not None else ""
        return {
            "supplier_identifier": purchase.supplier_identifier,
            "supplier_name": "" if purchase.supplier_id else purchase.supplier_name,
            "purchased_on": purchase.purchased_on.isoformat(),
            "category": purchase.category.slug,
            "product": purchase.product_id or "",
            "description": purchase.description,
            "quantity": f"{quantity:f}" if quantity != "" else "",
            "unit": purchase.unit,
            "amount": f"{purchase.amount:f}",
            "invoice_number": purchase.invoice_number,
        }
