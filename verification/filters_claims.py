"""FilterSet of the filed two-month claims of an operation."""

import django_filters
from django import forms

from verification.models import VerificationRequest


class ClaimFilterSet(django_filters.FilterSet):
    period_start = django_filters.DateFilter(
        field_name="period_start",
        lookup_expr="gte",
        label="Δίμηνα από",
        widget=forms.DateInput(attrs={"type": "date", "class": "govgr-input govgr-input--width-10"}),
    )

    class Meta:
        model = VerificationRequest
        fields = ["period_start"]
