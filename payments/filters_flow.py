"""The FilterSet of the staff payment queue (πληρωμές προς έλεγχο και έγκριση)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from calls.models import Call
from opske.filters import OptionsFilter
from opske.forms import AmountField, AmountInput
from payments.models import Payment


class AmountFilter(django_filters.Filter):
    field_class = AmountField


class PaymentQueueFilter(django_filters.FilterSet):
    call = OptionsFilter(
        label=_("Πρόσκληση"),
        queryset=Call.objects.filter(Exists(Payment.objects.filter(call=OuterRef("pk")))).order_by("code"),
        widget=forms.Select(attrs={"class": "govgr-select"}),
    )
    state = django_filters.ChoiceFilter(
        label=_("Κατάσταση"),
        choices=Payment.State.choices,
        widget=forms.Select(attrs={"class": "govgr-select"}),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Είδος"), choices=Payment.Kind.choices, widget=forms.Select(attrs={"class": "govgr-select"})
    )
    amount_min = AmountFilter(
        label=_("Ποσό από (€)"),
        field_name="amount",
        lookup_expr="gte",
        widget=AmountInput(attrs={"class": "govgr-input"}),
    )
    amount_max = AmountFilter(
        label=_("Ποσό έως (€)"),
        field_name="amount",
        lookup_expr="lte",
        widget=AmountInput(attrs={"class": "govgr-input"}),
    )
    q = django_filters.CharFilter(
        label=_("Αναζήτηση (κωδικός, πράξη, δικαιούχος, ΑΦΜ)"),
        method="search",
        widget=forms.TextInput(attrs={"class": "govgr-input"}),
    )

    class Meta:
        model = Payment
        fields = ["call", "state", "kind", "amount_min", "amount_max", "q"]

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value)
            | Q(operation__code__icontains=value)
            | Q(payee_name__icontains=value)
            | Q(payee_afm=value)
            | Q(protocol_number__icontains=value)
        )
