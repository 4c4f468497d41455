"""Serializer fields the API's write endpoints share."""

from rest_framework import serializers


class StringOnly:
    """A value the schema documents as a string ("1250.50", "-20"): a JSON number is refused, since a float may
    already have lost the exact value before it reaches us (and the contract checks that what the schema calls a
    string is not taken as anything else)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class DecimalText(StringOnly, serializers.DecimalField):
    """A decimal given as a string."""


class NumberText(StringOnly, serializers.CharField):
    """A number given as a string, checked by the service that takes it (its bounds depend on what it measures)."""
