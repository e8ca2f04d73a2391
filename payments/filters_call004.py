"""FilterSet of the staff list of advance guarantees (Πρόσκληση 004 §11.3.Α)."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from calls.models import Call
from opske.filters import OptionsFilter
from payments import rules_call004 as rules
from payments.models import BankGuarantee


class GuaranteeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Αναζήτηση (αριθμός, πράξη, δικαιούχος, ΑΦΜ)")
    state = django_filters.ChoiceFilter(
        choices=BankGuarantee.State.choices, label="Κατάσταση", empty_label="Όλες"
    )
    issuer = django_filters.ChoiceFilter(
        choices=[(i, i) for i in rules.RECOGNISED_ISSUERS], label="Εκδότρια τράπεζα", empty_label="Όλες"
    )
    call = OptionsFilter(
        field_name="operation__call",
        queryset=Call.objects.filter(evaluation_method="comparative").order_by("code"),
        label="Πρόσκληση",
        empty_label="Όλες",
    )

    class Meta:
        model = BankGuarantee
        fields = ["state", "issuer"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["call"].label_from_instance = lambda call: call.code
        for name, field in self.form.fields.items():
            field.widget.attrs["class"] = "govgr-input" if name == "q" else "govgr-select"

    def search(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(
            Q(number__icontains=value)
            | Q(protocol_number__icontains=value)
            | Q(operation__code__icontains=value)
            | Q(operation__business__name__icontains=value)
            | Q(operation__business__afm=value)
        )
