"""Forms of the on-the-spot pages: they check the shape of what was typed; the services decide."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from calls.models import Programme
from operations.models import Operation
from opske.forms import AmountField
from verification.models import OnSiteFinding, OnSiteVerification
from verification.rules import onsite as rules

DATE_ERRORS = {"required": "Συμπληρώστε την ημερομηνία.", "invalid": "Μη έγκυρη ημερομηνία."}


def _date(label, required=True):
    return forms.DateField(
        label=label,
        required=required,
        error_messages=DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date", "class": "govgr-input"}, format="%Y-%m-%d"),
    )


def _text(label, rows=3, required=True, message="Συμπληρώστε το πεδίο."):
    return forms.CharField(
        label=label,
        required=required,
        error_messages={"required": message},
        widget=forms.Textarea(attrs={"class": "govgr-textarea", "rows": rows}),
    )


class ReliabilityForm(forms.Form):
    programme = forms.ModelChoiceField(
        label="Πρόγραμμα",
        queryset=Programme.objects.all(),
        required=False,
        empty_label="Όλα τα προγράμματα (ΣΔΕ)",
        widget=forms.Select(attrs={"class": "govgr-select"}),
    )
    rating = forms.ChoiceField(
        label="Επίπεδο αξιοπιστίας ΣΔΕ κατά την τελευταία ΕΕΕ της ΕΔΕΛ",
        choices=list(rules.RELIABILITY_LABELS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Επιλέξτε το επίπεδο αξιοπιστίας."},
    )
    year = forms.IntegerField(
        label="Έτος της Ετήσιας Έκθεσης Ελέγχου",
        min_value=2021,
        max_value=2040,
        error_messages={
            "required": "Συμπληρώστε το έτος.",
            "invalid": "Γράψτε το έτος με τέσσερα ψηφία.",
            "min_value": "Από το 2021.",
            "max_value": "Έως το 2040.",
        },
        widget=forms.NumberInput(attrs={"class": "govgr-input", "inputmode": "numeric"}),
    )
    report_reference = forms.CharField(
        label="Στοιχεία ΕΕΕ (αρ. πρωτοκόλλου, ημερομηνία)",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "govgr-input"}),
    )


class DrawScopeForm(forms.Form):
    programme = forms.ModelChoiceField(
        label="Πρόγραμμα",
        queryset=Programme.objects.none(),
        empty_label="— Επιλέξτε —",
        error_messages={
            "required": "Επιλέξτε πρόγραμμα.",
            "invalid_choice": "Επιλέξτε πρόγραμμα από τη λίστα.",
        },
        widget=forms.Select(attrs={"class": "govgr-select"}),
    )
    management_body = forms.ChoiceField(
        label="Φορέας διαχείρισης (ΔΑ/ΕΦ)",
        required=False,
        choices=(),
        widget=forms.Select(attrs={"class": "govgr-select"}),
        help_text="Οι φορείς των πράξεων του προγράμματος (Ο.3 §4.2.2: δείγμα ανά πρόγραμμα και φορέα).",
        error_messages={"invalid_choice": "Επιλέξτε φορέα από τη λίστα."},
    )
    semester = forms.CharField(
        label="Εξάμηνο",
        max_length=7,
        error_messages={"required": "Συμπληρώστε το εξάμηνο."},
        help_text="ΕΕΕΕ-H1 (01/01–30/06) ή ΕΕΕΕ-H2 (01/07–31/12), π.χ. 2026-H2.",
        widget=forms.TextInput(attrs={"class": "govgr-input", "autocomplete": "off"}),
    )

    def __init__(self, *args, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if programmes is not None:
            self.fields["programme"].queryset = programmes
        bodies = (
            Operation.objects.filter(
                call__programme__in=programmes if programmes is not None else Programme.objects.all()
            )
            .order_by("management_body")
            .values_list("management_body", flat=True)
            .distinct()
        )
        self.fields["management_body"].choices = [(b, b or "— χωρίς φορέα —") for b in bodies] or [("", "—")]
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("semester", rules.semester_of(today))

    def clean_semester(self):
        value = self.cleaned_data["semester"].strip().upper()
        try:
            rules.parse_semester(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        return value


class PlanForm(forms.Form):
    planned_from = _date("Προγραμματισμένη έναρξη")
    planned_to = _date("Προγραμματισμένη λήξη")
    planned_object = _text(
        "Αντικείμενο (υποέργα, φορείς, εύρος φυσικού αντικειμένου και δαπανών)",
        message="Συμπληρώστε το αντικείμενο.",
    )
    team = forms.CharField(
        label="Κλιμάκιο (μέλη)",
        max_length=300,
        error_messages={"required": "Συμπληρώστε το κλιμάκιο."},
        widget=forms.TextInput(attrs={"class": "govgr-input"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("planned_from") and data.get("planned_to") and data["planned_to"] < data["planned_from"]:
            self.add_error("planned_to", "Η λήξη δεν μπορεί να είναι πριν από την έναρξη.")
        return data


class ReplaceForm(forms.Form):
    replacement = forms.TypedChoiceField(
        label="Πράξη αντικατάστασης (ίδιο στρώμα)",
        coerce=int,
        error_messages={"required": "Επιλέξτε πράξη.", "invalid_choice": "Επιλέξτε πράξη από τη λίστα."},
        widget=forms.Select(attrs={"class": "govgr-select"}),
    )
    reason = forms.ChoiceField(
        label="Λόγος (§4.4.6)",
        choices=list(rules.REPLACEMENT_REASONS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Επιλέξτε τον λόγο."},
    )
    note = _text("Τεκμηρίωση", message="Τεκμηριώστε την αντικατάσταση.")

    def __init__(self, *args, options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replacement"].choices = [("", "— Επιλέξτε —"), *options]


class VisitForm(forms.Form):
    semester = forms.CharField(
        label="Εξάμηνο",
        max_length=7,
        help_text="π.χ. 2026-H2",
        error_messages={"required": "Συμπληρώστε το εξάμηνο."},
        widget=forms.TextInput(attrs={"class": "govgr-input"}),
    )
    started_on = _date("Ημερομηνία έναρξης")
    ended_on = _date("Ημερομηνία λήξης")
    object_text = _text(
        "Αντικείμενο (υποέργα, φορείς, εύρος φυσικού αντικειμένου και δαπανών)",
        message="Συμπληρώστε το αντικείμενο της επαλήθευσης.",
    )
    amount_checked = AmountField(label="Ποσό δαπανών που ελέγχθηκε (€)", required=False, max_digits=14)
    performer = forms.ChoiceField(
        label="Φορέας",
        choices=OnSiteVerification.Performer.choices,
        widget=forms.Select(attrs={"class": "govgr-select"}),
    )

    def clean_semester(self):
        value = self.cleaned_data["semester"].strip().upper()
        try:
            rules.parse_semester(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        return value

    def clean(self):
        data = super().clean()
        start, end = data.get("started_on"), data.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", "Η λήξη δεν μπορεί να είναι πριν από την έναρξη.")
        if end and end > datetime.date.today() + datetime.timedelta(days=1):
            self.add_error(
                "ended_on", "Η επιτόπια επαλήθευση καταχωρίζεται με το πέρας της: όχι μελλοντική λήξη."
            )
        return data


class FindingForm(forms.Form):
    severity = forms.ChoiceField(
        label="Είδος ευρήματος",
        choices=OnSiteFinding.Severity.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Επιλέξτε το είδος."},
    )
    description = _text("Εύρημα", message="Περιγράψτε το εύρημα.")
    irregular_amount = AmountField(
        label="Μη επιλέξιμο ποσό (€), για παρατυπία", required=False, max_digits=14
    )
    category = forms.ChoiceField(
        label="Κατηγορία ΔΚΔ",
        initial="1",
        widget=forms.Select(attrs={"class": "govgr-select"}),
        choices=[("1", "1 — παρατυπία"), ("6", "6 — παρατυπία (άλλη)"), ("2", "2 — όχι παρατυπία")],
    )


class ConclusionForm(forms.Form):
    conclusion = _text("Συμπέρασμα", rows=4, message="Γράψτε το συμπέρασμα της έκθεσης.")


class CommentsForm(forms.Form):
    text = _text("Σχόλια του δικαιούχου στην προσωρινή έκθεση", rows=5, message="Γράψτε τα σχόλιά σας.")


class ReasonForm(forms.Form):
    reason = _text("Αιτιολογία επιστροφής", message="Γράψτε γιατί επιστρέφεται.")
