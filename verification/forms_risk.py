"""Forms of the risk pages."""

from django import forms

from verification.rules.risk import ALLOWED_GRADES, FACTOR_TITLES, INACTIVE_FACTORS, STAFF_GROUNDS


class GovgrForm(forms.Form):
    """Inputs with the GOV.GR classes (radio lists are laid out by the template)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                continue
            css = {"Select": "govgr-select", "Textarea": "govgr-textarea"}.get(
                type(widget).__name__, "govgr-input"
            )
            widget.attrs.setdefault("class", css)


FACTOR_CHOICES = [(n, f"{n}. {FACTOR_TITLES[n]}") for n in ALLOWED_GRADES if n not in INACTIVE_FACTORS]


class RiskRunForm(GovgrForm):
    kind = forms.ChoiceField(
        label="Είδος εκτίμησης",
        choices=(("monthly", "Μηνιαία (διοικητικές επαληθεύσεις)"), ("semiannual", "Εξαμηνιαία (επιτόπιες)")),
        initial="monthly",
    )


class RiskFactorInputForm(GovgrForm):
    subject = forms.ChoiceField(
        label="Αφορά",
        choices=(("business", "Τον δικαιούχο (όλες τις πράξεις του)"), ("operation", "Μόνο αυτή την πράξη")),
        initial="business",
        widget=forms.RadioSelect,
    )
    factor = forms.TypedChoiceField(label="Παράγοντας", choices=FACTOR_CHOICES, coerce=int, initial=6)
    value = forms.CharField(label="Τιμή", max_length=200, help_text="π.χ. «Ναι — έργο ΤΑΑ 5123456»")
    grade = forms.TypedChoiceField(
        label="Βαθμός", choices=[(g, str(g)) for g in (1, 2, 3, 4, 5, 10)], coerce=int
    )
    note = forms.CharField(label="Πηγή / σημείωση", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class StaffSelectionForm(GovgrForm):
    ground = forms.ChoiceField(
        label="Λόγος επιλογής", choices=tuple(STAFF_GROUNDS.items()), widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Αιτιολόγηση (καταγράφεται στο ΔΔΔ)", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
