"""FilterSet of the objections to payment decisions (ΚΥΑ 7066 Art. 8.5), shared by the staff list."""

import django_filters
from django import forms
from django.db.models import Q

from payments.models import PaymentObjection

TEXT = {"class": "govgr-input govgr-input--width-20"}


class PaymentObjectionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label="Αναζήτηση (πρωτόκολλο, πληρωμή, πράξη, ΑΦΜ)",
        widget=forms.TextInput(attrs=TEXT),
    )
    state = django_filters.ChoiceFilter(
        choices=PaymentObjection.State.choices,
        label="Κατάσταση",
        empty_label="Όλες",
        widget=forms.Select(attrs={"class": "govgr-select"}),
    )
    overdue = django_filters.BooleanFilter(
        field_name="decision_overdue",
        label="Εκπρόθεσμη απόφαση Κ.ΕΠ.Ε.Ε.",
        widget=forms.Select(
            choices=[("", "Όλες"), ("true", "Ναι"), ("false", "Όχι")], attrs={"class": "govgr-select"}
        ),
    )

    class Meta:
        model = PaymentObjection
        fields = ["q", "state", "overdue"]

    def search(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(protocol_number__icontains=value)
            | Q(payment__code__icontains=value)
            | Q(payment__operation__code__icontains=value)
            | Q(payment__operation__business__afm=value)
        )
