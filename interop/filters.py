"""Filters of the registry call log, shared by the console page and any export."""

import django_filters
from django import forms

from .console import REGISTRY_LABELS
from .models import RegistryCall


class RegistryCallFilter(django_filters.FilterSet):
    registry = django_filters.ChoiceFilter(
        label="Μητρώο", choices=list(REGISTRY_LABELS.items()), empty_label="Όλα"
    )
    outcome = django_filters.ChoiceFilter(
        label="Έκβαση", choices=RegistryCall.Outcome.choices, empty_label="Όλες"
    )
    subject = django_filters.CharFilter(label="ΑΦΜ / ΑΜΚΑ / ΑΔΑ", lookup_expr="startswith")
    date_from = django_filters.DateFilter(
        label="Από",
        field_name="started_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label="Έως",
        field_name="started_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = RegistryCall
        fields = ["registry", "outcome", "subject", "date_from", "date_to"]
