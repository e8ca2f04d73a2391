"""Forms of the ΚΥΑ 16936 wage pages (payments/views_wages.py)."""

import django_filters
from django import forms

from opske.forms import AmountField, AmountInput
from payments.models import WageDossier

INPUT = {"class": "govgr-input"}
SELECT = {"class": "govgr-select", "style": "width:100%;max-width:24rem"}
AMOUNT = {"class": "govgr-input", "style": "max-width:12rem"}
CHECK = {"class": "govgr-checkboxes__input"}


class DossierFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label="Κατάσταση",
        choices=WageDossier.State.choices,
        empty_label="Όλες",
        widget=forms.Select(attrs=SELECT),
    )
    month = django_filters.DateFilter(
        label="Μήνας (ηη/μμ/εεεε, 1η του μήνα)",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.TextInput(attrs=INPUT),
    )
    service = django_filters.CharFilter(
        label="Υπηρεσία (κωδικός)", field_name="service__code", widget=forms.TextInput(attrs=INPUT)
    )

    class Meta:
        model = WageDossier
        fields = ["state", "month", "service"]


class PrepareForm(forms.Form):
    service = forms.TypedChoiceField(
        label="Υπηρεσία τοποθέτησης", coerce=int, widget=forms.Select(attrs=SELECT)
    )
    month = forms.DateField(label="Μήνας απασχόλησης", widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, services=(), months=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = list(services)
        self.fields["month"].widget.choices = [(m.isoformat(), m.strftime("%m/%Y")) for m in months]


class LineForm(forms.Form):
    income_tax = AmountField(
        label="ΦΜΥ του μήνα (xii) (€)", max_digits=12, required=False, widget=AmountInput(attrs=AMOUNT)
    )
    hazardous_allowance = AmountField(
        label="Επίδομα επικίνδυνης και ανθυγιεινής εργασίας (άρθ. 18 ν. 4354/2015), όπου προβλέπεται (€)",
        max_digits=12,
        required=False,
        widget=AmountInput(attrs=AMOUNT),
    )
    claim_label = forms.CharField(
        label="Άλλη γραμμή αξίωσης πέραν των μικτών αποδοχών (περιγραφή)",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=INPUT),
    )
    claim_amount = AmountField(
        label="Ποσό άλλης γραμμής αξίωσης (€)",
        max_digits=12,
        required=False,
        widget=AmountInput(attrs=AMOUNT),
    )


class AccountForm(forms.Form):
    iban = forms.CharField(
        label="IBAN", max_length=42, widget=forms.TextInput(attrs={**INPUT, "autocomplete": "off"})
    )
    first_holder_confirmed = forms.BooleanField(
        label="Ο/Η ωφελούμενος/η είναι πρώτος/η δικαιούχος του λογαριασμού (Άρθ. 8(1)(β)(xiv))",
        required=False,
        widget=forms.CheckboxInput(attrs=CHECK),
    )


class SubmitForm(forms.Form):
    tpte_identity = forms.CharField(
        label="Ταυτότητα πληρωμής Τρεχουσών Εισφορών (ΤΠΤΕ) e-ΕΦΚΑ και ΦΜΥ (Άρθ. 8(1)(ε))",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs=INPUT),
    )
    apd_reference = forms.CharField(
        label="Αριθμός υποβολής ΑΠΔ του μήνα (Άρθ. 8(1)(γ))",
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs=INPUT),
    )
    fmy_note_reference = forms.CharField(
        label="Σημείωμα πληρωμής ΦΜΥ (Άρθ. 8(1)(δ))",
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs=INPUT),
    )
    certificate_confirmed = forms.BooleanField(
        label="Ο νόμιμος εκπρόσωπος βεβαιώνει ότι το πρόγραμμα υλοποιείται σύμφωνα με την ΚΥΑ και την "
        "πρόσκληση (Άρθ. 8(1)(α))",
        required=False,
        widget=forms.CheckboxInput(attrs=CHECK),
    )


class ReturnForm(forms.Form):
    reasons = forms.CharField(
        label="Λόγοι επιστροφής για διόρθωση",
        widget=forms.Textarea(attrs={"class": "govgr-textarea", "rows": 5}),
    )


class VerifyForm(forms.Form):
    note = forms.CharField(
        label="Σημείωση διοικητικής επαλήθευσης (προαιρετική)",
        required=False,
        widget=forms.Textarea(attrs={"class": "govgr-textarea", "rows": 3}),
    )
