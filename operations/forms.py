"""Forms of the operation pages: Greek amounts (opske.forms.AmountField), dd/mm/yyyy dates."""

from __future__ import annotations

import re

from django import forms

from operations.models import Modification
from operations.rules import modifications as rules
from opske.dates import DATE_INPUT_FORMATS
from opske.forms import AmountField

SEVERITY_WORD = {rules.MINOR: "ήσσων", rules.MAJOR: "μείζων"}
CATEGORY_CODE = re.compile(r"^\d{2}\.\d{2}$")


class GovgrForm(forms.Form):
    """Puts the GOV.GR classes on the widgets (the templates render fields through _field.html)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    def style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                continue
            css = (
                "govgr-textarea"
                if isinstance(widget, forms.Textarea)
                else "govgr-select"
                if isinstance(widget, forms.Select)
                else "govgr-input"
            )
            classes = widget.attrs.get("class", "").split()
            if css not in classes:
                widget.attrs["class"] = " ".join([*classes, css])


class ModificationForm(GovgrForm):
    """A modification request: its type, reasons, and what it changes (budget lines per category
    for 07 / a physical-and-financial-object change, days and ground for a ΚΥΑ 7066 extension)."""

    type_code = forms.ChoiceField(label="Είδος τροποποίησης")
    reason = forms.CharField(
        label="Αιτιολόγηση αναγκαιότητας",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Η αιτιολόγηση είναι υποχρεωτική."},
    )

    def __init__(self, *args, types: dict, lines: list, programme: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["type_code"].choices = [("", "— Επιλέξτε —")] + [
            (
                code,
                f"{code if programme == 'call004' else ''} {label} ({SEVERITY_WORD[sev]})".strip(),
            )
            for code, (sev, label) in types.items()
        ]
        self.category_fields = []
        for line in lines:
            name = f"amount_{line.category}"
            self.fields[name] = AmountField(
                label=f"{line.category} {line.label}".strip(),
                required=False,
                max_digits=14,
                initial=line.amount,
                help_text="Νέο ποσό της κατηγορίας (π.χ. 150.000,00)",
            )
            self.category_fields.append(name)
        self.fields["new_category"] = forms.CharField(
            label="Νέα κατηγορία δαπάνης (κωδικός, προαιρετικά)",
            required=False,
            max_length=5,
            help_text=(
                "Κωδικός ΟΠΣΚΕ της μορφής 07.13· έως 5% του συνολικού προϋπολογισμού (Πρόσκληση 004 §12.3)."
            ),
        )
        self.fields["new_category_amount"] = AmountField(
            label="Ποσό νέας κατηγορίας", required=False, max_digits=14
        )
        if programme == "kya7066":
            self.fields["extension_days"] = forms.IntegerField(
                label="Ημέρες παράτασης (έως 30)",
                required=False,
                min_value=1,
                error_messages={
                    "min_value": "Δηλώστε από 1 έως 30 ημέρες.",
                    "invalid": "Δηλώστε ακέραιο αριθμό ημερών.",
                },
            )
            self.fields["extension_ground"] = forms.ChoiceField(
                label="Λόγος παράτασης",
                required=False,
                choices=[("", "— Επιλέξτε —"), *rules.EXTENSION_GROUNDS.items()],
            )
        self.style()

    def clean(self):
        data = super().clean()
        code = (data.get("new_category") or "").strip()
        amount = data.get("new_category_amount")
        if code and not CATEGORY_CODE.match(code):
            self.add_error("new_category", "Γράψτε τον κωδικό ως ΝΝ.ΝΝ (π.χ. 07.13).")
        elif code and f"amount_{code}" in self.fields:
            self.add_error("new_category", "Η κατηγορία υπάρχει ήδη· αλλάξτε το ποσό της παραπάνω.")
        elif code and amount is None:
            self.add_error("new_category_amount", "Συμπληρώστε το ποσό της νέας κατηγορίας.")
        elif amount is not None and not code:
            self.add_error("new_category", "Συμπληρώστε τον κωδικό της νέας κατηγορίας.")
        return data

    def budget(self) -> dict | None:
        if self.cleaned_data.get("type_code") not in rules.BUDGET_TYPES:
            return None
        out = {}
        for name in self.category_fields:
            value = self.cleaned_data.get(name)
            if value is not None:
                out[name.removeprefix("amount_")] = value
        code = (self.cleaned_data.get("new_category") or "").strip()
        if code and self.cleaned_data.get("new_category_amount") is not None:
            out[code] = self.cleaned_data["new_category_amount"]
        return out


class ModificationDecisionForm(GovgrForm):
    decision = forms.ChoiceField(
        label="Απόφαση",
        choices=[("approve", "Έγκριση"), ("reject", "Απόρριψη")],
        widget=forms.RadioSelect,
        error_messages={"required": "Επιλέξτε έγκριση ή απόρριψη."},
    )
    characterisation = forms.ChoiceField(
        label="Χαρακτηρισμός (Οδηγός Ο.3, παράγοντας 16)",
        choices=[("", "— Επιλέξτε —"), *Modification.Characterisation.choices],
        required=False,
        help_text="Υποχρεωτικός στην έγκριση.",
    )
    reason = forms.CharField(
        label="Αιτιολογία απόφασης",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Η αιτιολογία είναι υποχρεωτική."},
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "approve" and not data.get("characterisation"):
            self.add_error("characterisation", "Επιλέξτε χαρακτηρισμό (Α.23 / Α.24) για την έγκριση.")
        return data


class CompleteForm(GovgrForm):
    final_payment_on = forms.DateField(
        input_formats=DATE_INPUT_FORMATS,
        label="Ημερομηνία τελικής πληρωμής",
        help_text="ηη/μμ/εεεε· από αυτή αρχίζουν οι μακροχρόνιες υποχρεώσεις (Πρόσκληση 004 §13, §14.2).",
        error_messages={
            "required": "Συμπληρώστε την ημερομηνία.",
            "invalid": "Γράψτε την ημερομηνία ως ηη/μμ/εεεε.",
        },
    )


class ObligationCheckForm(GovgrForm):
    outcome = forms.ChoiceField(
        label="Αποτέλεσμα ελέγχου",
        choices=[("kept", "Οι υποχρεώσεις τηρούνται"), ("breached", "Διαπιστώθηκε παράβαση")],
        widget=forms.RadioSelect,
        error_messages={"required": "Επιλέξτε αποτέλεσμα."},
    )
    reason = forms.CharField(
        label="Αιτιολόγηση / ευρήματα",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Υποχρεωτική όταν διαπιστώνεται παράβαση.",
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "breached" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Περιγράψτε την παράβαση.")
        return data


class ModificationObjectionForm(GovgrForm):
    text = forms.CharField(
        label="Αντιρρήσεις",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Γράψτε τις αντιρρήσεις σας."},
    )


class ObjectionDecisionForm(GovgrForm):
    outcome = forms.ChoiceField(
        label="Απόφαση επί των αντιρρήσεων",
        choices=[("uphold", "Γίνονται δεκτές (έγκριση του αιτήματος)"), ("dismiss", "Απορρίπτονται")],
        widget=forms.RadioSelect,
        error_messages={"required": "Επιλέξτε απόφαση."},
    )
    objection_reason = forms.CharField(
        label="Αιτιολογία",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Η αιτιολογία είναι υποχρεωτική."},
    )


class ExtendForm(GovgrForm):
    new_end = forms.DateField(
        input_formats=DATE_INPUT_FORMATS,
        label="Νέα λήξη υλοποίησης",
        help_text="ηη/μμ/εεεε· έως την ημερομηνία που ορίζει η πρόσκληση (Πρόσκληση 004 §6.5.2).",
        error_messages={
            "required": "Συμπληρώστε την ημερομηνία.",
            "invalid": "Γράψτε την ημερομηνία ως ηη/μμ/εεεε.",
        },
    )
    reason = forms.CharField(
        label="Τροποποίηση της πρόσκλησης που χορηγεί την παράταση",
        max_length=250,
        error_messages={"required": "Υποχρεωτικό πεδίο."},
    )
