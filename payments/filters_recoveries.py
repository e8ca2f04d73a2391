"""The FilterSet of the staff recoveries list."""

import django_filters
from django import forms

from payments.models import Recovery


class RecoveryFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label="Κατάσταση",
        choices=Recovery.State.choices,
        empty_label="Όλες",
        widget=forms.Select(attrs={"class": "govgr-select", "style": "max-width:100%"}),
    )
    origin = django_filters.ChoiceFilter(
        label="Προέλευση",
        choices=Recovery.Origin.choices,
        empty_label="Όλες",
        widget=forms.Select(attrs={"class": "govgr-select", "style": "max-width:100%"}),
    )
    q = django_filters.CharFilter(
        label="Κωδικός ή ΑΦΜ", method="search", widget=forms.TextInput(attrs={"class": "govgr-input"})
    )

    class Meta:
        model = Recovery
        fields = ["state", "origin"]

    def search(self, qs, name, value):
        value = value.strip()
        return qs.filter(code__icontains=value) | qs.filter(operation__business__afm=value)
