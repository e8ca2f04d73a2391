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


class PositionWatchFilterSet(django_filters.FilterSet):
    """Staff list of positions that need attention: unfilled past the hiring deadline, vacant."""

    state = django_filters.ChoiceFilter(
        label="Κατάσταση θέσης",
        choices=[(Position.State.OPEN, "Χωρίς πρόσληψη"), (Position.State.VACANT, "Κενή (αντικατάσταση)")],
        empty_label="Όλες",
        widget=forms.Select(attrs={"class": "govgr-select"}),
    )
    operation = django_filters.CharFilter(
        field_name="operation__code",
        lookup_expr="icontains",
        label="Κωδικός πράξης",
        widget=forms.TextInput(attrs={"class": "govgr-input"}),
    )

    class Meta:
        model = Position
        fields = ["state", "operation"]
