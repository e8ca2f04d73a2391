"""Forms of the payment-order pages."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from opske.calendar import next_payment_day

REPORT_MAX_BYTES = 5 * 1024 * 1024


class OrderBuildForm(forms.Form):
    execution_date = forms.DateField(
        label="Ημερομηνία εκτέλεσης",
        help_text="Εργάσιμη ημέρα στην Ελλάδα και στο TARGET2 (όχι Σαββατοκύριακο ή αργία).",
        widget=forms.DateInput(attrs={"type": "date", "class": "govgr-input"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Συμπληρώστε την ημερομηνία εκτέλεσης.",
            "invalid": "Μη έγκυρη ημερομηνία.",
        },
    )
    payments = forms.TypedMultipleChoiceField(
        label="Πληρωμές",
        coerce=int,
        error_messages={
            "required": "Επιλέξτε τουλάχιστον μία πληρωμή.",
            "invalid_choice": "Μια επιλεγμένη πληρωμή δεν είναι πλέον διαθέσιμη για εντολή.",
        },
    )

    def __init__(self, *args, payment_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payments"].choices = [(pk, str(pk)) for pk in payment_ids]
        if not self.is_bound:
            self.initial["execution_date"] = next_payment_day(
                timezone.localdate() + datetime.timedelta(days=1)
            )


class ReportUploadForm(forms.Form):
    file = forms.FileField(
        label="Αρχείο της τράπεζας (pain.002 ή camt.054)",
        help_text="Η αναφορά κατάστασης (pain.002.001.03) ή η ειδοποίηση χρέωσης (camt.054.001.02), σε XML.",
        widget=forms.ClearableFileInput(
            attrs={"class": "govgr-file-upload", "accept": ".xml,application/xml,text/xml"}
        ),
        error_messages={"required": "Επιλέξτε το αρχείο της τράπεζας."},
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > REPORT_MAX_BYTES:
            raise forms.ValidationError("Το αρχείο είναι μεγαλύτερο από 5 MB.")
        return f


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Αιτία ακύρωσης",
        widget=forms.Textarea(attrs={"class": "govgr-textarea", "rows": 3}),
        error_messages={"required": "Γράψτε την αιτία ακύρωσης."},
        max_length=1000,
    )
