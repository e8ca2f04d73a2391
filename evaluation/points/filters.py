"""Filters of the employment lists (ΚΥΑ 16936 placements and the services' requests)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from evaluation.points.models import HostRequest, Placement
from opske.calendar import ATHENS

SELECT = {"class": "govgr-select", "style": "width:100%;max-width:24rem"}
# Short labels for the filter (the full ones, with their article, are on the rows).
STATES = [
    ("referred", "Υποδείχθηκε"),
    ("hired", "Σε απασχόληση"),
    ("completed", "Ολοκλήρωσε"),
    ("left", "Αποχώρησε"),
    ("replaced", "Αντικαταστάθηκε"),
    ("declined", "Δεν αποδέχθηκε"),
    ("excluded", "Αποκλείστηκε"),
    ("on_hold", "Προσωρινή απώλεια ιδιότητας"),
    ("host_rejected", "Μη αποδοχή από τον φορέα"),
]


class EmploymentFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label="Κατάσταση", choices=STATES, empty_label="Όλες", widget=forms.Select(attrs=SELECT)
    )
    service = django_filters.CharFilter(
        label="Υπηρεσία (κωδικός)",
        field_name="service__code",
        widget=forms.TextInput(attrs={"class": "govgr-input"}),
    )
    code = django_filters.CharFilter(
        label="Αριθμός αίτησης",
        field_name="application__protocol_number",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"class": "govgr-input"}),
    )
    e3 = django_filters.ChoiceFilter(
        label="Αναγγελία Ε3",
        choices=[("overdue", "Έληξε η προθεσμία χωρίς Ε3"), ("waiting", "Εκκρεμεί, εντός προθεσμίας")],
        empty_label="Όλες",
        method="filter_e3",
        widget=forms.Select(attrs=SELECT),
    )

    class Meta:
        model = Placement
        fields = ["state", "service", "code", "e3"]

    def filter_e3(self, queryset, name, value):
        today = timezone.localtime(timezone.now(), ATHENS).date()
        pending = Q(state=Placement.State.REFERRED, e3_filed_on__isnull=True, e3_due_on__isnull=False)
        if value == "overdue":
            return queryset.filter(pending, e3_due_on__lt=today)
        if value == "waiting":
            return queryset.filter(pending, e3_due_on__gte=today)
        return queryset


class HostRequestFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label="Κατάσταση",
        choices=HostRequest.State.choices,
        empty_label="Όλες",
        widget=forms.Select(attrs=SELECT),
    )

    class Meta:
        model = HostRequest
        fields = ["state"]
