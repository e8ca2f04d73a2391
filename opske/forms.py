"""Form pieces every app shares.

`AmountField` reads an amount in Greek notation through `opske.money.parse_amount` («200.000» is
200.000,00 €, «1.234,56» is 1.234,56 €) and shows a stored amount back the same way, so a form
re-rendered after an error or opened again shows what the person typed or «200.000,00».
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from opske.money import MAX_INTEGER_DIGITS, AmountError, format_eur, format_number, parse_amount


class AmountInput(forms.TextInput):
    """A text input that opens the numeric keyboard with the comma on phones."""

    def __init__(self, attrs=None):
        base = {"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return format_number(value, 2)
        return super().format_value(value)


class AmountField(forms.Field):
    """A euro amount typed in Greek notation; cleans to Decimal cents (or None when empty).

    `max_digits`/`decimal_places` mirror the model's DecimalField so a figure the column cannot
    hold is refused at the field, not by the database.
    """

    widget = AmountInput
    default_error_messages = {"required": "Συμπληρώστε το ποσό."}

    def __init__(
        self,
        *,
        max_digits: int | None = None,
        decimal_places: int = 2,
        min_value=None,
        max_value=None,
        allow_negative: bool = False,
        **kwargs,
    ):
        self.max_integer_digits = (max_digits - decimal_places) if max_digits else MAX_INTEGER_DIGITS
        self.min_value = None if min_value is None else Decimal(str(min_value))
        self.max_value = None if max_value is None else Decimal(str(max_value))
        self.allow_negative = allow_negative or (self.min_value is not None and self.min_value < 0)
        kwargs.setdefault("help_text", "")
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return parse_amount(
                value, allow_negative=self.allow_negative, max_integer_digits=self.max_integer_digits
            )
        except AmountError as exc:
            raise ValidationError(exc.message, code=exc.code) from None

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if self.min_value is not None and value < self.min_value:
            raise ValidationError(
                f"Το ποσό πρέπει να είναι τουλάχιστον {format_eur(self.min_value)}.", code="amount_min"
            )
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(
                f"Το ποσό δεν μπορεί να υπερβαίνει τα {format_eur(self.max_value)}.", code="amount_max"
            )

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (None if initial in (None, "") else self.to_python(initial))
        except ValidationError:
            return True
