"""Forms of the evaluation UI: they shape input; the services decide what is allowed."""

from __future__ import annotations

from django import forms


class DeclarationForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label="Δήλωση",
        choices=[("no", "Δεν υπάρχει σύγκρουση συμφερόντων"), ("yes", "Υπάρχει σύγκρουση συμφερόντων")],
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
    )
    details = forms.CharField(label="Περιγραφή (αν υπάρχει σύγκρουση)", required=False, widget=forms.Textarea)
    confirm = forms.BooleanField(
        label="Υπογράφω ηλεκτρονικά τη δήλωση με τα στοιχεία του λογαριασμού μου", required=False
    )


class FindingForm(forms.Form):
    value = forms.CharField(required=False)
    score = forms.CharField(required=False)
    justification = forms.CharField(required=False, widget=forms.Textarea)


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Κρίση β' επιπέδου",
        choices=[("agree", "Συμφωνώ με το α' επίπεδο"), ("deviate", "Αποκλίνω (αντίθετο αποτέλεσμα)")],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label="Αιτιολόγηση (υποχρεωτική σε απόκλιση)", required=False, widget=forms.Textarea
    )


class ClarificationForm(forms.Form):
    question = forms.CharField(label="Ερώτημα προς τον αιτούντα", widget=forms.Textarea)


class ReplyForm(forms.Form):
    reply = forms.CharField(label="Η απάντησή σας", widget=forms.Textarea)


class SignForm(forms.Form):
    confirm = forms.BooleanField(label="Υπογράφω την απόφαση", required=False)


class ObjectionForm(forms.Form):
    text = forms.CharField(label="Λόγοι της ένστασης", widget=forms.Textarea)


class OpinionForm(forms.Form):
    recommends = forms.ChoiceField(
        label="Εισήγηση", choices=[("accept", "Αποδοχή"), ("reject", "Απόρριψη")], widget=forms.RadioSelect
    )
    opinion = forms.CharField(label="Γνωμοδότηση", widget=forms.Textarea)


class ObjectionDecisionForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label="Απόφαση",
        choices=[("yes", "Η ένσταση γίνεται δεκτή"), ("no", "Η ένσταση απορρίπτεται")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(label="Αιτιολόγηση", widget=forms.Textarea)


class AssignForm(forms.Form):
    evaluator = forms.TypedChoiceField(label="Αξιολογητής", coerce=int, choices=())

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].choices = [("", "— Επιλέξτε —")] + [
            (u.pk, f"{u.get_full_name() or u.username} · {u.open_count} ανοιχτές αναθέσεις")
            for u in candidates
        ]
        self.fields["evaluator"].error_messages["required"] = "Επιλέξτε αξιολογητή."


class ReassignForm(AssignForm):
    reason = forms.CharField(
        label="Λόγος ανάθεσης σε άλλον (καταγράφεται)",
        widget=forms.Textarea,
        required=True,
        error_messages={"required": "Απαιτείται αιτιολογία."},
    )
