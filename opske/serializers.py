"""Serializer pieces every API shares.

`AmountSerializerField` takes a JSON number or a string with '.' as the decimal point
(`opske.money.parse_api_amount`) and answers amounts as strings with two decimals ("1234.56"),
so no client ever sees a float.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from opske.money import MAX_INTEGER_DIGITS, AmountError, parse_api_amount, to_cents


@extend_schema_field(
    {
        "type": "string",
        "format": "decimal",
        "pattern": r"^-?\d+(\.\d{1,2})?$",
        "example": "1234.56",
        "description": (
            "Ποσό σε ευρώ· στην είσοδο αριθμός JSON ή κείμενο με τελεία για τα δεκαδικά, έως δύο δεκαδικά."
        ),
    }
)
class AmountSerializerField(serializers.Field):
    default_error_messages = {"required": "Συμπληρώστε το ποσό.", "null": "Συμπληρώστε το ποσό."}

    def __init__(
        self, *, max_digits: int | None = None, decimal_places: int = 2, allow_negative=False, **kwargs
    ):
        self.max_integer_digits = (max_digits - decimal_places) if max_digits else MAX_INTEGER_DIGITS
        self.allow_negative = allow_negative
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return parse_api_amount(
                data, allow_negative=self.allow_negative, max_integer_digits=self.max_integer_digits
            )
        except AmountError as exc:
            raise serializers.ValidationError(exc.message, code=exc.code) from None

    def to_representation(self, value):
        if value is None:
            return None
        return f"{to_cents(value):f}"
