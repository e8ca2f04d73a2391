"""The Annex 6 forms (ΚΥΑ 7066): entry and exit questionnaire of a participant."""

from django import forms

from operations.rules.questionnaires import EDUCATION_LEVELS, ENTRY_CATEGORIES

GR_DATE = {
    "input_formats": ["%d/%m/%Y", "%Y-%m-%d"],
    "widget": forms.DateInput(attrs={"class": "govgr-input", "placeholder": "ηη/μμ/εεεε"}, format="%d/%m/%Y"),
    "error_messages": {
        "required": "Συμπληρώστε την ημερομηνία.",
        "invalid": "Γράψτε την ημερομηνία ως ηη/μμ/εεεε.",
    },
}
CATEGORY_LABELS = {
    "B.1": "Β.1 Μαθητής/τρια πρωτοβάθμιας ή δευτεροβάθμιας εκπαίδευσης",
    "B.2": "Β.2 Σπουδαστής/τρια ΣΕΚ, ΕΣΚ, ΕΠΑΣ, ΙΕΚ, κολλεγίου ή σχολής άλλου υπουργείου",
    "B.3": "Β.3 Φοιτητής/τρια τριτοβάθμιας εκπαίδευσης πλήρους φοίτησης",
    "B.4": "Β.4 Μεταπτυχιακός/ή φοιτητής/τρια ή υποψήφιος/α διδάκτωρ",
    "B.5": "Β.5 Πρόγραμμα μη τυπικής μάθησης (συνεχιζόμενη κατάρτιση, εκπαίδευση ενηλίκων)",
}
LEVEL_LABELS = {
    "Γ.1": "Γ.1 Δεν έχω αποφοιτήσει από το δημοτικό",
    "Γ.2": "Γ.2 Απόφοιτος/η δημοτικού",
    "Γ.3": "Γ.3 Απόφοιτος/η γυμνασίου ή ΣΔΕ",
    "Γ.4": "Γ.4 Απόφοιτος/η ΣΕΚ, ΕΣΚ, ΕΠΑΣ, ΙΕΚ έως δύο εξαμήνων, τεχνικών επαγγελματικών σχολών",
    "Γ.5": "Γ.5 Απόφοιτος/η γενικού λυκείου ή ΕΠΑΛ, ή βεβαίωση ΙΕΚ / έτους μαθητείας",
    "Γ.6": "Γ.6 Πτυχίο/δίπλωμα επαγγελματικής ειδικότητας μετά από πιστοποίηση, ανώτερης σχολής ή κολλεγίου",
    "Γ.7": "Γ.7 Απόφοιτος/η ΑΕΙ/ΤΕΙ",
    "Γ.8": "Γ.8 Απόφοιτος/η μεταπτυχιακού",
    "Γ.9": "Γ.9 Κάτοχος διδακτορικού",
}
YES_NO = [("yes", "ΝΑΙ"), ("no", "ΟΧΙ")]


class QuestionnaireForm(forms.Form):
    amka = forms.CharField(
        label="ΑΜΚΑ συμμετέχοντα",
        max_length=11,
        widget=forms.TextInput(attrs={"class": "govgr-input govgr-input--width-10", "inputmode": "numeric"}),
        error_messages={"required": "Συμπληρώστε τον ΑΜΚΑ."},
    )
    participation_date = forms.DateField(label="Ημερομηνία εισόδου στη δράση (ηη/μμ/εεεε)", **GR_DATE)
    completed_on = forms.DateField(
        label="Ημερομηνία συμπλήρωσης από τον/τη συμμετέχοντα/ουσα (ηη/μμ/εεεε)", **GR_DATE
    )
    in_education = forms.ChoiceField(
        label=(
            "Β. Αμέσως πριν την είσοδο, συμμετείχατε σε εκπαίδευση, κατάρτιση, διά βίου μάθηση, "
            "μαθητεία ή πρακτική άσκηση;"
        ),
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"class": "govgr-radios__input"}),
        error_messages={"required": "Απαντήστε στην ερώτηση Β (ΝΑΙ ή ΟΧΙ)."},
    )
    education_categories = forms.MultipleChoiceField(
        label="Αν ΝΑΙ, σε ποιες κατηγορίες",
        choices=[(c, CATEGORY_LABELS[c]) for c in ENTRY_CATEGORIES],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govgr-checkboxes__input"}),
        required=False,
    )
    education_level = forms.ChoiceField(
        label="Γ. Μορφωτικό επίπεδο κατά την είσοδο (το ανώτερο)",
        choices=[(c, LEVEL_LABELS[c]) for c in EDUCATION_LEVELS],
        widget=forms.RadioSelect(attrs={"class": "govgr-radios__input"}),
        required=False,
    )
    qualification_gained = forms.ChoiceField(
        label=(
            "Γ. Αποκτήθηκε εξειδίκευση μετά από εξετάσεις πιστοποίησης "
            "(κατά τη δράση ή έως 4 εβδομάδες μετά);"
        ),
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"class": "govgr-radios__input"}),
        required=False,
    )
    document = forms.FileField(
        label="Υπογεγραμμένο δελτίο (PDF, προαιρετικά)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "govgr-file", "accept": "application/pdf"}),
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == "exit":
            del self.fields["education_level"]
            self.fields["participation_date"].label = "Ημερομηνία λήξης συμμετοχής στη δράση (ηη/μμ/εεεε)"
            self.fields["in_education"].label = (
                "Β. Μετά τη λήξη συμμετοχής και έως 4 εβδομάδες μετά, συμμετείχατε σε εκπαίδευση, κατάρτιση, "
                "διά βίου μάθηση, μαθητεία ή πρακτική άσκηση;"
            )
        else:
            del self.fields["qualification_gained"]

    def clean_amka(self):
        from stdnum.gr import amka as stdnum_amka

        value = (self.cleaned_data.get("amka") or "").strip()
        if not stdnum_amka.is_valid(value):
            raise forms.ValidationError("Ο ΑΜΚΑ δεν είναι έγκυρος (11 ψηφία με σωστό ψηφίο ελέγχου).")
        return value

    def clean_document(self):
        doc = self.cleaned_data.get("document")
        if doc and not doc.read(5).startswith(b"%PDF"):
            raise forms.ValidationError("Το αρχείο πρέπει να είναι PDF.")
        if doc:
            doc.seek(0)
        return doc

    def answers(self) -> dict:
        data = self.cleaned_data
        out = {
            "in_education": {"yes": True, "no": False}.get(data.get("in_education")),
            "education_categories": list(data.get("education_categories") or []),
        }
        if self.kind == "entry":
            out["education_level"] = data.get("education_level") or ""
        else:
            out["qualification_gained"] = {"yes": True, "no": False}.get(data.get("qualification_gained"))
        return out
