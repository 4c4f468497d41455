"""A record's history as officials read it: field names, choices and yes/no in the reader's language, never the
codes stored in the database; the change reason with its action translated and the official's own words kept."""

from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from registry.templatetags.platform_format import cny


def value_in_words(field, value):
    """A stored value as the reader reads it: a choice's label, yes/no, money as money, a time in the city's zone
    to the minute, a dash for nothing (an empty link too, which simple-history hands over as a deleted object)."""
    if value is None or value == "" or (isinstance(value, DeletedObject) and value.pk is None):
        return "—"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, models.BooleanField):
        return gettext("yes") if value else gettext("no")
    # Every amount of two decimal places is CNY here (Decimal(16, 2), the house's money field).
    if isinstance(field, models.DecimalField) and field.decimal_places == 2:
        return cny(value)
    if isinstance(value, datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.strftime("%Y-%m-%d %H:%M")
    return value


def reason_in_words(model, text: str) -> str:
    """The change reason in the reader's language.

    Reasons are stored as written by the services, in English ("Rejected: <the official's reason>",
    "submitted → approved"): the action before the colon is translated, a status code is shown by its label, and
    what an official typed after the colon is kept as typed.
    """
    if not text:
        return ""
    action, colon, rest = text.partition(": ")
    labels = _status_labels(model)
    if " → " in action:
        action = " → ".join(str(labels.get(part, gettext(part))) for part in action.split(" → "))
    else:
        action = labels.get(action) or gettext(action)
    return f"{action}{colon}{rest}" if colon else action


def _status_labels(model) -> dict:
    try:
        field = model._meta.get_field("status")
    except Exception:  # a model without a status has no codes to name
        return {}
    return dict(field.flatchoices) if field.choices else {}


class HistoryInWords(HistoricalRecordContextHelper):
    """simple-history's change list, each value in words (see value_in_words)."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(field, models.ManyToManyField):
            return super().prepare_delta_change_value(change, value)
        return value_in_words(field, value)


def columns_in_words(model, record, names) -> list:
    """The history list's extra columns (e.g. status) for one historical record, in words."""
    return [value_in_words(model._meta.get_field(name), getattr(record, name)) for name in names]


def column_labels(model, names) -> list[str]:
    return [capfirst(model._meta.get_field(name).verbose_name) for name in names]
