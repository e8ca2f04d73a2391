"""FilterSets of the hires area (one per list; shared by the HTML list and later the API)."""

import django_filters
from django import forms

from operations.models import Hire, Position


class PositionFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label="Κατάσταση θέσης",
        choices=Position.State.choices,
        empty_label="Όλες",
        widget=forms.Select(attrs={"class": "govgr-select"}),
    )
    category = django_filters.ChoiceFilter(
        label="Κατηγορία",
        choices=(("01.22", "01.22"), ("01.23", "01.23")),
        empty_label="Όλες",
        widget=forms.Select(attrs={"class": "govgr-select"}),
    )

    class Meta:
        model = Position
        fields = ["state", "category"]


class HireFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label="Κατάσταση πρόσληψης",
        choices=Hire.State.choices,
        empty_label="Όλες",
        widget=forms.Select(attrs={"class": "govgr-select"}),
    )

    class Meta:
        model = Hire
        fields = ["state"]
