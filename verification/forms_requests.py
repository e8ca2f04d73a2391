"""Forms of the verification request pages: amounts in Greek notation, dates dd/mm/yyyy."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from opske.dates import parse_date
from opske.forms import AmountField
from verification.models import PaymentMethod

INPUT = {"class": "govgr-input"}


class GreekDateField(forms.CharField):
    """A date typed as ΗΗ/ΜΜ/ΕΕΕΕ (opske.dates.parse_date), shown back the same way."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={**INPUT, "inputmode": "numeric", "placeholder": "ΗΗ/ΜΜ/ΕΕΕΕ"})
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else value

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            raise ValidationError(str(exc), code="date_invalid") from None


class ItemForm(forms.Form):
    category = forms.ChoiceField(label=_("Κατηγορία δαπάνης"))
    description = forms.CharField(label=_("Περιγραφή δαπάνης"), max_length=300, required=False)
    # Required by the service except for a flat-rate category (09.02), which has no invoice.
    supplier_name = forms.CharField(label=_("Προμηθευτής"), max_length=300, required=False)
    supplier_afm = forms.CharField(
        label=_("ΑΦΜ προμηθευτή"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={**INPUT, "inputmode": "numeric", "autocomplete": "off"}),
    )
    document_number = forms.CharField(label=_("Αριθμός παραστατικού"), max_length=60, required=False)
    document_date = GreekDateField(label=_("Ημερομηνία παραστατικού"), required=False)
    amount = AmountField(label=_("Καθαρό ποσό (€)"), max_digits=14)
    vat = AmountField(label=_("ΦΠΑ (€)"), max_digits=14, required=False)
    total_amount = AmountField(
        label=_("Σύνολο παραστατικού (€)"),
        max_digits=14,
        required=False,
        help_text=_("Προαιρετικό· αν το συμπληρώσετε, πρέπει να ισούται με καθαρό ποσό + ΦΠΑ."),
    )
    payment_method = forms.ChoiceField(
        label=_("Τρόπος εξόφλησης"), choices=[("", "—"), *PaymentMethod.choices], required=False
    )
    payment_date = GreekDateField(label=_("Ημερομηνία εξόφλησης"), required=False)
    payment_proof = forms.CharField(
        label=_("Αποδεικτικό εξόφλησης (αριθμός / περιγραφή)"), max_length=200, required=False
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [
            (c, f"{c} {label}".strip()) for c, label in categories
        ]
        for name, field in self.fields.items():
            css = "govgr-select" if isinstance(field.widget, forms.Select) else "govgr-input"
            field.widget.attrs.setdefault("class", css)
            if name in ("amount", "vat", "total_amount"):
                field.widget.attrs["class"] = "govgr-input govgr-input--width-10"

    def add_service_errors(self, fields: dict, message: str) -> None:
        """The service's messages at their fields (or above the form)."""
        shown = False
        for name, messages_ in (fields or {}).items():
            for m in messages_:
                self.add_error(name if name in self.fields else None, m)
                shown = True
        if not shown:
            self.add_error(None, message)
