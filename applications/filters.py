"""One FilterSet for the staff list of applications (HTML list and API share it)."""

import django_filters
from django import forms

from applications.models import Application

_INPUT = {"class": "govgr-input govgr-input--width-20"}


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Κατάσταση",
        choices=Application.Status.choices,
        empty_label="Όλες",
        widget=forms.Select(attrs={"class": "govgr-select"}),
    )
    afm = django_filters.CharFilter(
        label="ΑΦΜ",
        field_name="business__afm",
        widget=forms.TextInput(attrs={**_INPUT, "inputmode": "numeric"}),
    )
    protocol = django_filters.CharFilter(
        label="Αρ. πρωτοκόλλου",
        field_name="protocol_number",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs=_INPUT),
    )
    pool = django_filters.CharFilter(
        label="Ταμείο (κωδικός)", field_name="pool__code", widget=forms.TextInput(attrs=_INPUT)
    )

    class Meta:
        model = Application
        fields = ["status", "afm", "protocol", "pool"]
