"""Forms of the staff call editor. They validate input only; writes go through calls.services."""

from __future__ import annotations

from django import forms

from calls.gaps import GAP_SETTINGS, GAPS_BY_KEY, PENDING_CALL_FIELDS, gaps_for_method
from calls.models import (
    CALL_SETTINGS_FIELDS,
    BudgetPool,
    Call,
    EligibleArea,
    Programme,
)
from calls.schema import pending_config_keys
from calls.seeds import annex2_rows, parse_kad_csv
from calls.services import AREA_FIELDS, CHILD_MODELS, POOL_FIELDS

DATETIME_WIDGET = forms.DateTimeInput(
    attrs={"type": "datetime-local", "class": "govgr-input"}, format="%Y-%m-%dT%H:%M"
)
SIZE_CHOICES = [("micro", "Πολύ μικρή"), ("small", "Μικρή"), ("medium", "Μεσαία"), ("large", "Μεγάλη")]


class GovGrMixin:
    """Adds the GOV.GR classes so templates can render fields generically."""

    def _style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "govgr-checkboxes__input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "govgr-select")
            elif isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("class", "govgr-textarea")
                widget.attrs.setdefault("rows", 3)
            else:
                widget.attrs.setdefault("class", "govgr-input")


class CallMainForm(GovGrMixin, forms.ModelForm):
    programme = forms.ModelChoiceField(queryset=Programme.objects.all(), label="Πρόγραμμα")
    code = forms.SlugField(label="Κωδικός πρόσκλησης", max_length=60)
    eligible_legal_forms = forms.CharField(
        label="Επιλέξιμες νομικές μορφές", required=False, help_text="Χωρισμένες με κόμμα· κενό = όλες."
    )
    eligible_sizes = forms.MultipleChoiceField(
        label="Επιλέξιμα μεγέθη", choices=SIZE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    config = forms.JSONField(
        label="Λοιπές παράμετροι (JSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=(
            "Πίνακας μορίων, σύνθεση εταίρων, μοναδιαίο κόστος κ.λπ. Οι επιλογές κενών ρυθμίζονται παρακάτω."
        ),
    )

    class Meta:
        model = Call
        fields = list(CALL_SETTINGS_FIELDS)
        widgets = {
            "submission_opens_at": DATETIME_WIDGET,
            "submission_closes_at": DATETIME_WIDGET,
            "official_window_start": DATETIME_WIDGET,
            "official_window_end": DATETIME_WIDGET,
            "expenditure_eligibility_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["code"]
            del self.fields["programme"]
        # A setting nothing reads yet is not shown (calls.gaps); its stored value is kept as it is.
        for name in PENDING_CALL_FIELDS:
            self.fields.pop(name, None)
        hidden = {"gaps", *pending_config_keys()}
        if self.instance and self.instance.pk and not self.is_bound:
            self.initial["eligible_legal_forms"] = ", ".join(self.instance.eligible_legal_forms or [])
            self.initial["eligible_sizes"] = self.instance.eligible_sizes or []
            self.initial["config"] = {
                k: v for k, v in (self.instance.config or {}).items() if k not in hidden
            }
        self._style()

    def clean_eligible_legal_forms(self):
        raw = self.cleaned_data.get("eligible_legal_forms") or ""
        return [p.strip() for p in raw.split(",") if p.strip()]

    def clean_config(self):
        value = self.cleaned_data.get("config")
        if value in (None, ""):
            return {}
        if not isinstance(value, dict):
            raise forms.ValidationError("Οι παράμετροι πρέπει να είναι αντικείμενο JSON.")
        pending = pending_config_keys()
        shown = [k for k in value if k in pending]
        if shown:
            raise forms.ValidationError(
                "Οι παράμετροι "
                + ", ".join(f"«{k}» ({pending[k]})" for k in shown)
                + " δεν εφαρμόζονται ακόμη από την πύλη και δεν ρυθμίζονται εδώ."
            )
        kept = {
            k: v for k, v in ((self.instance.config or {}) if self.instance else {}).items() if k in pending
        }
        return {**kept, **value}

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("code", None)
        data.pop("programme", None)
        return data


class GapForm(GovGrMixin, forms.Form):
    """One select per [GAP] that applies to the call's evaluation method, default preselected."""

    def __init__(self, *args, method: str, current: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        # Pending settings are not shown; what the call stored for them is kept on save.
        self.kept = {g.key: current[g.key] for g in GAP_SETTINGS if g.pending and g.key in current}
        for gap in gaps_for_method(method):
            self.fields[f"gap_{gap.key}"] = forms.ChoiceField(
                label=gap.label,
                choices=gap.choices,
                initial=current.get(gap.key, gap.default),
                help_text=gap.citation,
            )
        self._style()

    def gaps(self) -> dict:
        out = dict(self.kept)
        for name, value in self.cleaned_data.items():
            key = name.removeprefix("gap_")
            if key in GAPS_BY_KEY:
                out[key] = value
        return out


class KadListForm(GovGrMixin, forms.Form):
    load_annex2 = forms.BooleanField(label="Φόρτωση Παραρτήματος 2 ΚΥΑ 7066 (619 ΚΑΔ)", required=False)
    kad_file = forms.FileField(
        label="Αρχείο CSV με ΚΑΔ",
        required=False,
        help_text="Στήλη kad_code (και προαιρετικά description_el) ή ένας ΚΑΔ ανά γραμμή.",
    )
    kad_text = forms.CharField(
        label="ή ΚΑΔ ανά γραμμή", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    clear = forms.BooleanField(label="Άδειασμα της λίστας", required=False)

    MAX_BYTES = 2 * 1024 * 1024

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean_kad_file(self):
        upload = self.cleaned_data.get("kad_file")
        if not upload:
            return None
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("Το αρχείο υπερβαίνει τα 2 MB.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("Το αρχείο πρέπει να είναι κείμενο UTF-8 (CSV).") from exc

    def rows(self) -> list | None:
        """The new ΚΑΔ list, or None when the form asks for no change."""
        data = self.cleaned_data
        if data.get("clear"):
            return []
        if data.get("load_annex2"):
            return annex2_rows()
        if data.get("kad_file"):
            return parse_kad_csv(data["kad_file"])
        if (data.get("kad_text") or "").strip():
            return parse_kad_csv(data["kad_text"])
        return None


class RowFormBase(GovGrMixin, forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.JSONField):
                field.required = False
                field.widget.attrs["rows"] = 2
        self._style()


class AreaRowForm(RowFormBase):
    pool = forms.CharField(label="Ταμείο (κωδικός)", required=False, max_length=40)

    class Meta:
        model = EligibleArea
        fields = list(AREA_FIELDS)


def _row_form(model, fields):
    return forms.modelform_factory(model, form=RowFormBase, fields=list(fields))


def _child_form(section: str, *, exclude=()):
    """A row form over the fields `calls.services` accepts for `section` (one list, not two)."""
    model, fields = CHILD_MODELS[section]
    return _row_form(model, [f for f in fields if f not in exclude])


# section -> (title, form class); the order is the order on the editor page.
SECTION_FORMS = {
    "pools": ("Ταμεία προϋπολογισμού", _row_form(BudgetPool, POOL_FIELDS)),
    "areas": ("Επιλέξιμες περιοχές", AreaRowForm),
    "annual_allocations": ("Ετήσια κατανομή", _child_form("annual_allocations")),
    "unit_rates": ("Μοναδιαία ποσά", _child_form("unit_rates")),
    # «conditions» is structured JSON the seeds write; the editor leaves it as it is.
    "expense_categories": ("Κατηγορίες δαπανών", _child_form("expense_categories", exclude=("conditions",))),
    "budget_limits": ("Όρια ομάδων δαπανών (% επιχορηγούμενου π/υ)", _child_form("budget_limits")),
    "attachments": ("Απαιτούμενα δικαιολογητικά", _child_form("attachments")),
    "deadlines": ("Προθεσμίες", _child_form("deadlines")),
    "criteria": ("Κριτήρια αξιολόγησης", _child_form("criteria")),
    "placement_services": ("Υπηρεσίες τοποθέτησης", _child_form("placement_services")),
}

JSON_DEFAULTS = {"intensity_table": dict, "sub_criteria": list}


def section_formset(section: str, *, data=None, initial=None, extra: int = 1):
    _title, form_class = SECTION_FORMS[section]
    formset_class = forms.formset_factory(form_class, extra=extra, can_delete=True)
    return formset_class(data=data, initial=initial, prefix=section)


def formset_rows(formset) -> list[dict]:
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        row = {k: v for k, v in data.items() if k != "DELETE"}
        for name, factory in JSON_DEFAULTS.items():
            if name in row and row[name] in (None, ""):
                row[name] = factory()
        rows.append(row)
    return rows


class PublishForm(GovGrMixin, forms.Form):
    decision_ref = forms.CharField(label="Απόφαση (ΑΔΑ / αρ. πρωτ.)", required=False, max_length=200)
    reason = forms.CharField(label="Σημείωμα", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(
        label="Επιβεβαιώνω ότι η διαμόρφωση είναι σωστή και η πρόσκληση μπορεί να δημοσιευθεί.", required=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class AmendmentMetaForm(GovGrMixin, forms.Form):
    label = forms.CharField(
        label="Ονομασία έκδοσης", required=False, max_length=200, help_text="π.χ. «2η τροποποίηση»"
    )
    decision_ref = forms.CharField(
        label="Απόφαση τροποποίησης (ΑΔΑ / αρ. πρωτ.)", required=False, max_length=200
    )
    reason = forms.CharField(
        label="Αιτιολογία τροποποίησης",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Εμφανίζεται δημόσια.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ArchiveForm(GovGrMixin, forms.Form):
    reason = forms.CharField(label="Αιτιολογία", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
