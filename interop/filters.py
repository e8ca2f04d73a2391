"""Filters of the registry call log, shared by the console page and any export."""

import django_filters
from django import forms

from opske.filters import AthensDayFilter

from .console import REGISTRY_LABELS
from .models import RegistryCall

DATE = {"type": "date"}


class RegistryCallFilter(django_filters.FilterSet):
    registry = django_filters.ChoiceFilter(
        label="Μητρώο", choices=list(REGISTRY_LABELS.items()), empty_label="Όλα"
    )
    outcome = django_filters.ChoiceFilter(
        label="Έκβαση", choices=RegistryCall.Outcome.choices, empty_label="Όλες"
    )
    subject = django_filters.CharFilter(label="ΑΦΜ / ΑΜΚΑ / ΑΔΑ", lookup_expr="startswith")
    date_from = AthensDayFilter(label="Από", field_name="started_at", widget=forms.DateInput(attrs=DATE))
    date_to = AthensDayFilter(
        label="Έως", field_name="started_at", until=True, widget=forms.DateInput(attrs=DATE)
    )

    class Meta:
        model = RegistryCall
        fields = ["registry", "outcome", "subject", "date_from", "date_to"]
