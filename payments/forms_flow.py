"""Forms of the payment flow pages: what a person types; the rules are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from calls.models import Call
from opske.forms import AmountField, AmountInput


class DocumentsSubmitForm(forms.Form):
    iban = forms.CharField(
        label=_("IBAN του λογαριασμού της επιχείρησης"),
        required=False,
        max_length=42,
        widget=forms.TextInput(
            attrs={"class": "govgr-input", "autocomplete": "off", "spellcheck": "false", "inputmode": "text"}
        ),
    )
    declaration = forms.BooleanField(
        label=_(
            "Δηλώνω υπεύθυνα ότι τηρώ τους όρους της δράσης και την κείμενη εργατική και ασφαλιστική "
            "νομοθεσία για το διάστημα της ενίσχυσης (Υπεύθυνη Δήλωση για την Καταβολή Ενίσχυσης, 09.03)."
        ),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "govgr-checkboxes__input"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Αιτιολογία"),
        widget=forms.Textarea(attrs={"class": "govgr-textarea", "rows": 4}),
        required=False,
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Σημείωση (προαιρετική)"),
        required=False,
        widget=forms.Textarea(attrs={"class": "govgr-textarea", "rows": 2}),
    )


class LimitForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Ρόλος"),
        choices=[
            (str(Role.SUPERVISOR), Role.SUPERVISOR.label),
            (str(Role.PROGRAMME_ADMIN), Role.PROGRAMME_ADMIN.label),
        ],
        widget=forms.Select(attrs={"class": "govgr-select"}),
    )
    call = forms.ModelChoiceField(
        label=_("Πρόσκληση (κενό: όλες)"),
        queryset=Call.objects.order_by("code"),
        required=False,
        widget=forms.Select(attrs={"class": "govgr-select"}),
    )
    max_amount = AmountField(
        label=_("Ανώτατο ποσό έγκρισης (€)"),
        max_digits=14,
        min_value=0,
        widget=AmountInput(attrs={"class": "govgr-input"}),
    )
    level = forms.IntegerField(
        label=_("Επίπεδο (1 προϊστάμενος, 2 ανώτερο)"),
        min_value=1,
        max_value=9,
        initial=1,
        widget=forms.NumberInput(attrs={"class": "govgr-input"}),
    )
