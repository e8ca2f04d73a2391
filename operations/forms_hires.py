"""Browser forms of the hires area. Messages are Greek; the services re-check everything."""

from django import forms

from accounts.validators import validate_amka

DATE = {"type": "date", "class": "govgr-input govgr-input--width-10"}
TIME = {"type": "time", "class": "govgr-input govgr-input--width-5"}
DATE_ERRORS = {"required": "Συμπληρώστε την ημερομηνία.", "invalid": "Μη έγκυρη ημερομηνία."}
TIME_ERRORS = {"required": "Συμπληρώστε την ώρα (ΩΩ:ΛΛ).", "invalid": "Μη έγκυρη ώρα (ΩΩ:ΛΛ)."}


class HireForm(forms.Form):
    amka = forms.CharField(
        label="ΑΜΚΑ του/της εργαζομένου",
        max_length=15,
        help_text="11 ψηφία, όπως στην αναγγελία πρόσληψης Ε3 του ΕΡΓΑΝΗ.",
        widget=forms.TextInput(attrs={"class": "govgr-input", "inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": "Συμπληρώστε τον ΑΜΚΑ."},
    )
    hire_date = forms.DateField(
        label="Ημερομηνία πρόσληψης (Ε3)", widget=forms.DateInput(attrs=DATE), error_messages=DATE_ERRORS
    )
    referral_number = forms.CharField(
        label="Αριθμός συστατικού σημειώματος ΔΥΠΑ",
        max_length=60,
        widget=forms.TextInput(attrs={"class": "govgr-input"}),
        error_messages={"required": "Συμπληρώστε τον αριθμό του συστατικού σημειώματος (Άρθ. 4.2.2)."},
    )
    referral_date = forms.DateField(
        label="Ημερομηνία υπόδειξης", widget=forms.DateInput(attrs=DATE), error_messages=DATE_ERRORS
    )
    work_from = forms.TimeField(
        label="Ωράριο: έναρξη", widget=forms.TimeInput(attrs=TIME, format="%H:%M"), error_messages=TIME_ERRORS
    )
    work_to = forms.TimeField(
        label="Ωράριο: λήξη", widget=forms.TimeInput(attrs=TIME, format="%H:%M"), error_messages=TIME_ERRORS
    )
    declaration_exclusions = forms.BooleanField(
        label="Ο/Η εργαζόμενος/η υπέβαλε στην Υπηρεσία την υπεύθυνη δήλωση για τις εξαιρέσεις α1–α4 "
        "του Άρθ. 4.2.1",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "govgr-checkboxes__input"}),
    )
    declaration_other_scheme = forms.BooleanField(
        label="Δηλώνω ότι ο/η εργαζόμενος/η δεν είναι μέλος συνεταιρισμού, δεν προσλαμβάνεται για άλλο "
        "καθεστώς ενίσχυσης ούτε για διάθεση σε άλλον εργοδότη (Άρθ. 4.2.1δ, 10.9)",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "govgr-checkboxes__input"}),
    )
    no_same_category_unemployed = forms.BooleanField(
        label="Το συστατικό σημείωμα αναφέρει ότι δεν υπάρχει άνεργος της αρχικής κατηγορίας (Άρθ. 10.3)",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "govgr-checkboxes__input"}),
    )

    def __init__(self, *args, replacement: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not replacement:
            del self.fields["no_same_category_unemployed"]

    def clean_amka(self):
        value = self.cleaned_data["amka"].strip().replace(" ", "")
        validate_amka(value)
        return value


class LeaveForm(forms.Form):
    left_on = forms.DateField(
        label="Τελευταία ημέρα απασχόλησης", widget=forms.DateInput(attrs=DATE), error_messages=DATE_ERRORS
    )
    reason = forms.CharField(
        label="Αιτία αποχώρησης",
        max_length=200,
        widget=forms.TextInput(attrs={"class": "govgr-input"}),
        error_messages={"required": "Συμπληρώστε την αιτία."},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Αιτιολογία",
        widget=forms.Textarea(attrs={"class": "govgr-textarea", "rows": 3}),
        error_messages={"required": "Η αιτιολογία είναι υποχρεωτική."},
    )


class ExtensionDecisionForm(ReasonForm):
    grant = forms.TypedChoiceField(
        label="Απόφαση",
        choices=(("yes", "Εγκρίνεται η παράταση 30 ημερών"), ("no", "Δεν εγκρίνεται")),
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect(attrs={"class": "govgr-radios__input"}),
        error_messages={"required": "Επιλέξτε απόφαση."},
    )
    field_order = ["grant", "reason"]


class HeadcountForm(forms.Form):
    period_start = forms.DateField(
        label="Περίοδος από", widget=forms.DateInput(attrs=DATE), error_messages=DATE_ERRORS
    )
    period_end = forms.DateField(
        label="Περίοδος έως", widget=forms.DateInput(attrs=DATE), error_messages=DATE_ERRORS
    )
