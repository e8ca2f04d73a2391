"""Forms of the recoveries pages (amounts typed the Greek way through AmountField)."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone

from opske.forms import AmountField, AmountInput
from payments import recovery_rules as rules

TEXT = {"class": "govgr-input"}


class DecideForm(forms.Form):
    decision_protocol = forms.CharField(
        label="Αριθμός απόφασης",
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
        help_text="Κενό: ο κωδικός της ανάκτησης με «/ΑΠ».",
    )


class RepaymentForm(forms.Form):
    amount = AmountField(
        label="Ποσό που επιστράφηκε (€)",
        help_text="π.χ. 3.220,60",
        max_digits=14,
        widget=AmountInput(attrs={"class": "govgr-input"}),
    )
    repaid_on = forms.DateField(
        label="Ημερομηνία επιστροφής",
        widget=forms.DateInput(attrs={"type": "date", "class": "govgr-input"}, format="%Y-%m-%d"),
    )
    reference = forms.CharField(
        label="Στοιχεία καταβολής (αριθμός συναλλαγής / διπλοτύπου)",
        max_length=200,
        widget=forms.TextInput(attrs=TEXT),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["repaid_on"].initial = timezone.localdate()


class SendForm(forms.Form):
    reference = forms.CharField(
        label="Αριθμός διαβιβαστικού προς τη ΔΟΥ", max_length=80, widget=forms.TextInput(attrs=TEXT)
    )


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label="Αντιρρήσεις",
        widget=forms.Textarea(attrs={"class": "govgr-textarea", "rows": 6}),
        max_length=5000,
    )


class ObligationBreachForm(forms.Form):
    breach_kind = forms.ChoiceField(
        label="Είδος παράβασης", choices=list(rules.BREACH_KINDS.items()), widget=forms.RadioSelect
    )
    compliant_months = forms.IntegerField(
        label="Μήνες τήρησης των υποχρεώσεων (από τους 36)",
        min_value=0,
        max_value=35,
        initial=0,
        widget=forms.NumberInput(attrs=TEXT),
        help_text="Για αναλογική ανάκτηση: π.χ. 24 όταν η παράβαση αρχίζει τον 25ο μήνα.",
    )
    reason = forms.CharField(
        label="Αιτιολογία", widget=forms.Textarea(attrs={"class": "govgr-textarea", "rows": 4})
    )


class ReferenceRateForm(forms.Form):
    year = forms.IntegerField(
        label="Έτος", min_value=1999, max_value=2100, widget=forms.NumberInput(attrs=TEXT)
    )
    rate = forms.CharField(
        label="Επιτόκιο αναφοράς (% ετησίως)",
        max_length=10,
        widget=forms.TextInput(attrs=TEXT),
        help_text="π.χ. 3,5 (έως τρία δεκαδικά)",
    )
    source = forms.CharField(
        label="Πηγή (δημοσίευση στην ΕΕ)",
        max_length=300,
        widget=forms.TextInput(attrs=TEXT),
        help_text="π.χ. ΕΕ C … της …, Κεφ. V Καν. 794/2004",
    )
    to_verify = forms.BooleanField(label="Προς επαλήθευση με τη δημοσίευση", required=False)

    def clean_rate(self):
        text = self.cleaned_data["rate"].strip().replace(" ", "").replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError("Γράψτε το επιτόκιο ως αριθμό, π.χ. 3,5.") from None
        if not value.is_finite() or value < 0 or value > 100 or -value.as_tuple().exponent > 3:
            raise forms.ValidationError("Από 0 έως 100 % ετησίως, με έως τρία δεκαδικά.")
        return value
