"""FilterSets of the payment-order pages: the payments an order can be built from, and the orders."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from calls.models import Call
from opske.filters import OptionsFilter
from opske.forms import AmountField
from payments.models import Payment, PaymentOrder


class AmountFilter(django_filters.Filter):
    field_class = AmountField


class OrderablePaymentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Αναζήτηση (κωδικός πληρωμής, πράξη, δικαιούχος)")
    call = OptionsFilter(queryset=Call.objects.order_by("code"), label="Πρόσκληση", empty_label="Όλες")
    kind = django_filters.ChoiceFilter(
        choices=Payment.Kind.choices, label="Είδος πληρωμής", empty_label="Όλα"
    )
    payee_kind = django_filters.ChoiceFilter(
        choices=Payment.PayeeKind.choices, label="Δικαιούχος πληρωμής", empty_label="Όλοι"
    )
    state = django_filters.ChoiceFilter(
        choices=[
            (Payment.State.APPROVED, "Εγκεκριμένες"),
            (Payment.State.FAILED, "Αποτυχημένες (επανάληψη)"),
        ],
        label="Κατάσταση",
        empty_label="Εγκεκριμένες και αποτυχημένες",
    )
    amount_min = AmountFilter(field_name="amount", lookup_expr="gte", label="Ποσό από (€)")
    amount_max = AmountFilter(field_name="amount", lookup_expr="lte", label="Ποσό έως (€)")

    class Meta:
        model = Payment
        fields = ["call", "kind", "payee_kind", "state"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["call"].label_from_instance = lambda call: call.code
        for name, field in self.form.fields.items():
            is_input = name in ("q", "amount_min", "amount_max")
            field.widget.attrs["class"] = "govgr-input" if is_input else "govgr-select"

    def search(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(
            Q(code__icontains=value) | Q(operation__code__icontains=value) | Q(payee_name__icontains=value)
        )


class PaymentOrderFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="code", lookup_expr="icontains", label="Κωδικός εντολής")
    state = django_filters.ChoiceFilter(
        choices=PaymentOrder.State.choices, label="Κατάσταση", empty_label="Όλες"
    )
    date_from = django_filters.DateFilter(
        field_name="execution_date", lookup_expr="gte", label="Εκτέλεση από"
    )
    date_to = django_filters.DateFilter(field_name="execution_date", lookup_expr="lte", label="Εκτέλεση έως")

    class Meta:
        model = PaymentOrder
        fields = ["state"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            field.widget.attrs["class"] = "govgr-select" if name == "state" else "govgr-input"
            if name.startswith("date_"):
                field.widget.input_type = "date"
