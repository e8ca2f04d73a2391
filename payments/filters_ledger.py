"""The ledger movements list's filters (the HTML list and the XLSX export share them)."""

from __future__ import annotations

import django_filters
from django import forms

from payments.models import LedgerBalance, LedgerEntry

# The kinds as a select that fits a phone (the full names are on each row).
KIND_CHOICES = [(k, "Αντιλογισμός πληρωμής" if k == LedgerEntry.Kind.PAYMENT_REVERSAL else label)
                for k, label in LedgerEntry.Kind.choices]  # fmt: skip


class LedgerEntryFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=KIND_CHOICES, label="Κίνηση", empty_label="Όλες")
    scope = django_filters.ChoiceFilter(
        method="in_scope", choices=LedgerBalance.Scope.choices, label="Εύρος", empty_label=None,
        help_text="Κάθε κίνηση λογίζεται σε κάθε εύρος που αγγίζει· η πρόσκληση τις δείχνει μία φορά.",
    )  # fmt: skip
    since = django_filters.DateFilter(
        field_name="booked_on", lookup_expr="gte", label="Από (ημερομηνία λογισμού)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    until = django_filters.DateFilter(
        field_name="booked_on", lookup_expr="lte", label="Έως (ημερομηνία λογισμού)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    operation = django_filters.CharFilter(
        method="of_operation", label="Πράξη (κωδικός)",
        help_text="Με κωδικό πράξης εμφανίζονται οι κινήσεις της πράξης (σε όποιο εύρος).",
    )  # fmt: skip

    class Meta:
        model = LedgerEntry
        fields = ["kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, f in self.form.fields.items():
            f.widget.attrs["class"] = "govgr-select" if name in ("kind", "scope") else "govgr-input"
            f.widget.attrs["style"] = "max-width:100%"  # a long choice never widens a phone's page

    def in_scope(self, qs, name, value):
        if (self.form.cleaned_data.get("operation") or "").strip():
            return qs  # the operation's own rows, whatever the scope
        return qs.filter(balance__scope=value or LedgerBalance.Scope.CALL)

    def of_operation(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(
            balance__scope=LedgerBalance.Scope.OPERATION, balance__operation__code__icontains=value
        )
