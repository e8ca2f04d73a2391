"""Forms of the call 004 payments pages: Greek amounts and dates; the rules of §11.3.Α are the
service's (payments.services.call004), so every refusal has one wording, at its field."""

from __future__ import annotations

from django import forms

from opske.forms import AmountField
from payments import rules_call004 as rules
from verification.forms_requests import GreekDateField

INPUT = {"class": "govgr-input"}


class AdvanceRequestForm(forms.Form):
    amount = AmountField(label="Ποσό προκαταβολής (€)", required=False, max_digits=14)
    guarantee_number = forms.CharField(
        label="Αριθμός εγγυητικής επιστολής",
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs=INPUT),
    )
    guarantee_issuer = forms.ChoiceField(
        label="Εκδότρια τράπεζα",
        required=False,
        choices=[("", "— Επιλέξτε —")] + [(i, i) for i in rules.RECOGNISED_ISSUERS],
        widget=forms.Select(attrs={"class": "govgr-select"}),
    )
    guarantee_amount = AmountField(label="Ποσό εγγυητικής επιστολής (€)", required=False, max_digits=14)
    guarantee_issued_on = GreekDateField(label="Ημερομηνία έκδοσης", required=False)
    guarantee_expires_on = GreekDateField(
        label="Λήξη ισχύος",
        required=False,
        help_text="Η επιστολή προκαταβολής είναι αορίστου χρόνου: αφήστε το πεδίο κενό.",
    )
    guarantee_letter = forms.FileField(
        label="Εγγυητική επιστολή (PDF)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "govgr-file", "accept": ".pdf,application/pdf"}),
    )
    declaration = forms.BooleanField(
        label="Δηλώνω ότι η επιστολή εκδόθηκε υπέρ του ΕΦΕΠΑΕ, αορίστου χρόνου, και ότι τα στοιχεία "
        "είναι ακριβή. Η υποβολή είναι οριστική.",
        error_messages={"required": "Επιβεβαιώστε τη δήλωση για να υποβάλετε το αίτημα."},
    )

    def __init__(self, *args, advance_max=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("amount", "guarantee_amount"):
            self.fields[name].widget.attrs["class"] = "govgr-input"
        if advance_max is not None:
            self.fields[
                "amount"
            ].help_text = f"Έως 40% της δημόσιας χρηματοδότησης: {rules.format_eur(advance_max)}."
        self.fields["declaration"].widget.attrs["class"] = "govgr-checkboxes__input"


class ReleaseForm(forms.Form):
    reason = forms.CharField(
        label="Σημείωση αποδέσμευσης",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "govgr-textarea"}),
    )
