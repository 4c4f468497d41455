"""Serializers of the procurement API: the wire shape of purchases (and, further down, of applications).

Purchase writes go through procurement.services (purchase_record, purchase_update), never model.save() here:
the API keeps the one validation path of the form and the file import. Amounts travel as strings.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from procurement.models import Purchase
from procurement.services import COLUMNS

# --- purchases

# What a purchase's category may be: the same everywhere a purchase is written (the API, the form, a file).
CATEGORY_HELP = _(
    "The category's code in the supply-chain taxonomy, such as solid-state-cells or sulfide-electrolyte (a "
    "subcategory's or a parent's). GET /api/v1/categories/ lists every code with its English and Chinese names "
    "(field slug), as does the category list of the import page (/my/purchases/import/categories.csv). The "
    "category's English or Chinese name is accepted too."
)


class PurchaseSerializer(serializers.ModelSerializer):
    """A recorded purchase as the API returns it: amounts as decimal strings, the category by its code."""

    buyer_name = serializers.CharField(source="buyer.name", read_only=True)
    category = serializers.SlugRelatedField(
        slug_field="slug", read_only=True,
        help_text=_("The category's code (its slug in GET /api/v1/categories/)."),
    )
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=True, read_only=True)
    quantity = serializers.DecimalField(
        max_digits=16, decimal_places=3, coerce_to_string=True, read_only=True, allow_null=True
    )

    class Meta:
        model = Purchase
        fields = [
            "id", "buyer", "buyer_name", "supplier", "supplier_identifier", "supplier_name", "supplier_is_local",
            "supplier_was_verified", "purchased_on", "category", "product", "description", "quantity", "unit",
            "amount", "invoice_number", "source", "import_batch", "created_at", "updated_at",
        ]
        read_only_fields = fields


class PurchaseInputSerializer(serializers.Serializer):
    """One purchase as a client sends it; values are read by the service, as a file's cells are.

    Amounts and quantities are sent as strings ("12500.00"); a JSON number with a fraction is refused,
    because JSON parsers read it as a binary float and money is never a float here.
    """

    supplier_identifier = serializers.CharField(help_text=_("The supplier's USCC, or another identifier."))
    supplier_name = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Needed only for a supplier not registered on the platform.")
    )
    purchased_on = serializers.CharField(help_text=_("YYYY-MM-DD or YYYY/MM/DD."))
    category = serializers.CharField(help_text=CATEGORY_HELP)
    product = serializers.CharField(required=False, allow_blank=True, help_text=_("The supplier's product id."))
    description = serializers.CharField(required=False, allow_blank=True)
    quantity = serializers.CharField(required=False, allow_blank=True, help_text=_("A decimal string."))
    unit = serializers.CharField(required=False, allow_blank=True)
    amount = serializers.CharField(help_text=_("CNY as a decimal string with at most two places: \"12500.00\"."))
    invoice_number = serializers.CharField()


def purchase_input_errors(item) -> tuple[dict, dict]:
    """(row for the service, {column: [message]}) for one object of a request body: shape checks only."""
    if not isinstance(item, dict):
        return {}, {"non_field_errors": [str(_("Send each purchase as an object of columns."))]}
    errors = {}
    unknown = sorted(set(item) - set(COLUMNS))
    if unknown:
        errors["non_field_errors"] = [
            str(_("Unknown columns: %(columns)s.")) % {"columns": ", ".join(str(c) for c in unknown)}
        ]
    row = {}
    for column in COLUMNS:
        value = item.get(column)
        if isinstance(value, float):
            errors[column] = [str(_("Send this number as a string, such as \"12500.00\"."))]
        elif isinstance(value, bool) or isinstance(value, dict | list):
            errors[column] = [str(_("Send this value as a string."))]
        elif value is not None:
            row[column] = str(value)
    return row, errors
