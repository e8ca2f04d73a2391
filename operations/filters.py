"""FilterSets of the operations lists (shared by the HTML lists and, later, the API)."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from calls.models import Call
from operations.models import Modification, Operation
from opske.filters import OptionsFilter
from opske.search import folded_match


class OperationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Αναζήτηση (κωδικός, δικαιούχος, ΑΦΜ)")
    call = OptionsFilter(queryset=Call.objects.order_by("code"), label="Πρόσκληση", empty_label="Όλες")
    state = django_filters.ChoiceFilter(
        choices=Operation.State.choices, label="Κατάσταση", empty_label="Όλες"
    )
    pending_modification = django_filters.ChoiceFilter(
        choices=(("yes", "Με αίτημα τροποποίησης προς απόφαση"),),
        method="with_pending_modification",
        label="Τροποποιήσεις",
        empty_label="Όλες",
    )

    class Meta:
        model = Operation
        fields = ["call", "state"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A call's code names it in a select that fits a phone; the title is on the operation page.
        self.form.fields["call"].label_from_instance = lambda call: call.code
        for name, field in self.form.fields.items():
            field.widget.attrs["class"] = "govgr-input" if name == "q" else "govgr-select"

    def with_pending_modification(self, qs, name, value):
        if value != "yes":
            return qs
        return qs.filter(modifications__state=Modification.State.SUBMITTED).distinct()

    def search(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(
            Q(code__icontains=value)
            | Q(application__protocol_number__icontains=value)
            | folded_match("business__search_text", value)
            | Q(business__afm=value)
        )
