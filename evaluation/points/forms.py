from django import forms

from evaluation.points import rules
from evaluation.points.models import Placement, ProgrammeBar
from opske.forms import AmountField


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label="Λόγοι της ένστασης",
        widget=forms.Textarea(attrs={"class": "govgr-textarea", "rows": 6}),
        max_length=8000,
        error_messages={"required": "Γράψτε τους λόγους της ένστασης."},
    )


YES_NO = [("", "— χωρίς διόρθωση —"), ("true", "Ναι"), ("false", "Όχι")]


class ObjectionDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Απόφαση Δ.Σ. ΔΥΠΑ",
        choices=[("accept", "Αποδοχή"), ("reject", "Απόρριψη")],
        widget=forms.RadioSelect,
        error_messages={"required": "Επιλέξτε αποδοχή ή απόρριψη."},
    )
    reasons = forms.CharField(
        label="Αιτιολόγηση",
        widget=forms.Textarea(attrs={"class": "govgr-textarea", "rows": 4}),
        error_messages={"required": "Η αιτιολόγηση της απόφασης είναι υποχρεωτική."},
    )
    continuous_months = forms.IntegerField(
        label="Διορθωμένοι μήνες ανεργίας", required=False, min_value=0, max_value=200
    )
    individual_income = AmountField(
        label="Διορθωμένο ατομικό εισόδημα (€)", required=False, max_value=10000000
    )
    family_income = AmountField(
        label="Διορθωμένο οικογενειακό εισόδημα (€)", required=False, max_value=10000000
    )
    age = forms.IntegerField(label="Διορθωμένη ηλικία", required=False, min_value=0, max_value=120)
    minor_children = forms.IntegerField(
        label="Διορθωμένος αριθμός ανήλικων τέκνων", required=False, min_value=0, max_value=30
    )

    individual_approach_completed = forms.ChoiceField(
        label="Έντυπο εξατομικευμένης προσέγγισης (Άρθ. 4(1)(β))", required=False, choices=YES_NO
    )
    action_plan_agreed = forms.ChoiceField(
        label="Ψηφιακό Ατομικό Σχέδιο Δράσης (Άρθ. 4(1)(β))", required=False, choices=YES_NO
    )
    registered = forms.ChoiceField(
        label="Εγγραφή στο μητρώο ανέργων κατά τη λήξη (Άρθ. 4(1)(α))", required=False, choices=YES_NO
    )

    CORRECTION_FIELDS = (
        "continuous_months",
        "individual_income",
        "family_income",
        "age",
        "minor_children",
        "individual_approach_completed",
        "action_plan_agreed",
        "registered",
    )

    def corrections(self) -> dict:
        return {
            k: self.cleaned_data[k]
            for k in self.CORRECTION_FIELDS
            if self.cleaned_data.get(k) not in (None, "")
        }


class ReferForm(forms.Form):
    kpa2_label = forms.CharField(label="ΚΠΑ2", max_length=120, required=False)
    note = forms.CharField(
        label="Συστατικό σημείωμα",
        widget=forms.Textarea(attrs={"class": "govgr-textarea", "rows": 4}),
        error_messages={"required": "Συμπληρώστε το συστατικό σημείωμα (Άρθ. 6(4))."},
    )


class HireForm(forms.Form):
    hired_on = forms.DateField(
        label="Ημερομηνία αναγγελίας πρόσληψης (Ε3)",
        widget=forms.DateInput(attrs={"type": "date", "class": "govgr-input"}),
        error_messages={"required": "Συμπληρώστε την ημερομηνία.", "invalid": "Μη έγκυρη ημερομηνία."},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Αιτιολογία",
        widget=forms.Textarea(attrs={"class": "govgr-textarea", "rows": 3}),
        error_messages={"required": "Η αιτιολογία είναι υποχρεωτική."},
    )


class HoldForm(forms.Form):
    loss_reason = forms.ChoiceField(
        label="Λόγος απώλειας της ιδιότητας ανέργου",
        choices=list(rules.TEMPORARY_LOSS_REASONS.items()),
        error_messages={"required": "Επιλέξτε λόγο."},
    )


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label="Επιβεβαιώνω την αντικατάσταση από τον οριστικό πίνακα",
        error_messages={"required": "Επιβεβαιώστε την ενέργεια."},
    )


class RelocateForm(forms.Form):
    """Art. 6(7): the Board places a candidate the host did not accept in another service of their
    application, over its approved positions, with that service's consent."""

    service_code = forms.ChoiceField(
        label="Υπηρεσία τοποθέτησης (από τις προτιμήσεις της αίτησης)",
        widget=forms.Select(attrs={"class": "govgr-select", "style": "max-width:100%"}),
        error_messages={
            "required": "Επιλέξτε υπηρεσία.",
            "invalid_choice": "Επιλέξτε υπηρεσία από τη λίστα.",
        },
    )
    board_decision = forms.CharField(
        label="Απόφαση Δ.Σ. ΔΥΠΑ (αριθμός/ημερομηνία)",
        max_length=200,
        widget=forms.TextInput(attrs={"class": "govgr-input"}),
        error_messages={"required": "Συμπληρώστε την απόφαση του Δ.Σ. (Άρθ. 6(7))."},
    )
    consent = forms.BooleanField(
        label="Η υπηρεσία τοποθέτησης έδωσε σύμφωνη γνώμη (Άρθ. 6(7))",
        error_messages={"required": "Απαιτείται η σύμφωνη γνώμη της υπηρεσίας τοποθέτησης (Άρθ. 6(7))."},
    )

    def __init__(self, *args, services_=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_code"].choices = [("", "—"), *services_]


class BarForm(forms.Form):
    amka = forms.CharField(
        label="ΑΜΚΑ",
        max_length=11,
        widget=forms.TextInput(attrs={"class": "govgr-input govgr-input--width-10", "inputmode": "numeric"}),
        error_messages={"required": "Συμπληρώστε τον ΑΜΚΑ."},
    )
    kind = forms.ChoiceField(
        label="Είδος",
        choices=ProgrammeBar.Kind.choices,
        widget=forms.Select(attrs={"class": "govgr-select", "style": "max-width:100%"}),
        error_messages={"required": "Επιλέξτε είδος."},
    )
    occurred_on = forms.DateField(
        label="Ημερομηνία (απόλυσης ή άρνησης θέσης), ηη/μμ/εεεε",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(
            attrs={"class": "govgr-input", "placeholder": "ηη/μμ/εεεε"}, format="%d/%m/%Y"
        ),
        error_messages={
            "required": "Συμπληρώστε την ημερομηνία.",
            "invalid": "Γράψτε την ημερομηνία ως ηη/μμ/εεεε.",
        },
    )
    source = forms.CharField(
        label="Φορέας ή πρόγραμμα",
        max_length=300,
        widget=forms.TextInput(attrs={"class": "govgr-input"}),
        error_messages={"required": "Συμπληρώστε τον φορέα ή το πρόγραμμα."},
    )
    note = forms.CharField(
        label="Σημείωση (έγγραφο, αιτία)",
        required=False,
        widget=forms.Textarea(attrs={"class": "govgr-textarea", "rows": 3}),
    )


# --- Employment (ΚΥΑ 16936 Art. 6(4), 6(5), 6(8)–(11), 7(6), 8(1)) ---------------------------

GR_DATE = {
    "input_formats": ["%d/%m/%Y", "%Y-%m-%d"],
    "widget": forms.DateInput(attrs={"class": "govgr-input", "placeholder": "ηη/μμ/εεεε"}, format="%d/%m/%Y"),
    "error_messages": {
        "required": "Συμπληρώστε την ημερομηνία.",
        "invalid": "Γράψτε την ημερομηνία ως ηη/μμ/εεεε.",
    },
}


class NoteReceivedForm(forms.Form):
    received_on = forms.DateField(
        label="Ημερομηνία προσκόμισης του συστατικού σημειώματος (ηη/μμ/εεεε)", **GR_DATE
    )


class EmploymentStartForm(forms.Form):
    e3_protocol = forms.CharField(
        label="Αριθμός πρωτοκόλλου Ε3 (ΕΡΓΑΝΗ ΙΙ)",
        max_length=40,
        widget=forms.TextInput(attrs={"class": "govgr-input"}),
        error_messages={"required": "Συμπληρώστε τον αριθμό πρωτοκόλλου του Ε3."},
    )
    e3_filed_on = forms.DateField(label="Ημερομηνία υποβολής Ε3 (ηη/μμ/εεεε)", **GR_DATE)
    started_on = forms.DateField(label="Έναρξη απασχόλησης (ηη/μμ/εεεε)", **GR_DATE)


DAYS = {
    "min_value": 0,
    "max_value": 31,
    "widget": forms.NumberInput(attrs={"class": "govgr-input govgr-input--width-3", "inputmode": "numeric"}),
    "error_messages": {
        "required": "Συμπληρώστε τον αριθμό ημερών.",
        "invalid": "Γράψτε αριθμό ημερών (π.χ. 21).",
        "min_value": "Ο αριθμός ημερών δεν μπορεί να είναι αρνητικός.",
        "max_value": "Ένας μήνας έχει έως 31 ημέρες.",
    },
}


class AttendanceForm(forms.Form):
    month = forms.ChoiceField(
        label="Μήνας",
        widget=forms.Select(attrs={"class": "govgr-select", "style": "max-width:100%"}),
        error_messages={"required": "Επιλέξτε μήνα.", "invalid_choice": "Επιλέξτε μήνα από τη λίστα."},
    )
    days_worked = forms.IntegerField(label="Ημέρες εργασίας", **DAYS)
    unjustified_absence_days = forms.IntegerField(
        label="Ημέρες αδικαιολόγητης απουσίας (περικόπτονται, Άρθ. 7(6))", initial=0, **DAYS
    )
    justified_leave_days = forms.IntegerField(
        label="Ημέρες άδειας, βραχυχρόνιας αναρρωτικής ή ανυπαίτιου κωλύματος (Άρθ. 7(6))", initial=0, **DAYS
    )
    note = forms.CharField(
        label="Παρατηρήσεις",
        required=False,
        widget=forms.Textarea(attrs={"class": "govgr-textarea", "rows": 2}),
    )

    def __init__(self, *args, months=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [("", "—"), *[(m.isoformat(), f"{m:%m/%Y}") for m in months]]


class EmploymentEndForm(forms.Form):
    end_kind = forms.ChoiceField(
        label="Λόγος λήξης",
        choices=[("", "—"), *Placement.EndKind.choices],
        widget=forms.Select(attrs={"class": "govgr-select", "style": "max-width:100%"}),
        error_messages={
            "required": "Επιλέξτε τον λόγο λήξης.",
            "invalid_choice": "Επιλέξτε λόγο από τη λίστα.",
        },
    )
    ended_on = forms.DateField(label="Τελευταία ημέρα απασχόλησης (ηη/μμ/εεεε)", **GR_DATE)
    reason = forms.CharField(
        label="Αιτιολογημένη έκθεση",
        widget=forms.Textarea(attrs={"class": "govgr-textarea", "rows": 4}),
        error_messages={"required": "Η αιτιολογία (αιτιολογημένη έκθεση) είναι υποχρεωτική."},
    )


class HostRequestForm(forms.Form):
    reason = forms.CharField(
        label="Αιτιολογία του αιτήματος αντικατάστασης",
        widget=forms.Textarea(attrs={"class": "govgr-textarea", "rows": 3}),
        error_messages={"required": "Γράψτε την αιτιολογία του αιτήματος."},
    )


class HostRequestDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Απόφαση ΚΠΑ2",
        choices=[("approve", "Έγκριση αντικατάστασης"), ("refuse", "Απόρριψη")],
        widget=forms.RadioSelect,
        error_messages={"required": "Επιλέξτε έγκριση ή απόρριψη."},
    )
    reasons = forms.CharField(
        label="Αιτιολόγηση (υποχρεωτική για την απόρριψη)",
        required=False,
        widget=forms.Textarea(attrs={"class": "govgr-textarea", "rows": 3}),
    )


class RelocateAfterEndForm(RelocateForm):
    """Art. 6(9)–(10): the Board places the beneficiary in another service, over its quota. The same
    three answers as Art. 6(7), cited by their own article."""

    def __init__(self, *args, services_=(), **kwargs):
        super().__init__(*args, services_=services_, **kwargs)
        service, board, consent = (self.fields[k] for k in ("service_code", "board_decision", "consent"))
        service.label = "Νέα υπηρεσία τοποθέτησης"
        service.widget.attrs["style"] = "width:100%;max-width:30rem"
        board.error_messages["required"] = "Συμπληρώστε την απόφαση του Δ.Σ. (Άρθ. 6(9)–(10))."
        consent.label = "Η νέα υπηρεσία τοποθέτησης έδωσε σύμφωνη γνώμη"
        consent.error_messages["required"] = "Απαιτείται η σύμφωνη γνώμη της νέας υπηρεσίας (Άρθ. 6(9)–(10))."
