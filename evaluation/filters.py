"""FilterSets shared by the evaluator queue, the supervisor list and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from evaluation.models import Assignment, Evaluation
from opske.search import folded_match


class AssignmentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Αναζήτηση")
    state = django_filters.ChoiceFilter(choices=Assignment.State.choices, label="Κατάσταση")
    call = django_filters.CharFilter(field_name="application__call__code", label="Πρόσκληση")

    class Meta:
        model = Assignment
        fields = ["state", "call"]

    def search(self, qs, name, value):
        value = (value or "").strip()
        return qs.filter(
            Q(application__protocol_number__icontains=value)
            | folded_match("application__business__search_text", value)
            | Q(application__business__afm=value)
        )


class ReviewFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Αναζήτηση")
    state = django_filters.ChoiceFilter(choices=Evaluation.State.choices, label="Κατάσταση")

    class Meta:
        model = Evaluation
        fields = ["state"]

    def search(self, qs, name, value):
        value = (value or "").strip()
        return qs.filter(
            Q(application__protocol_number__icontains=value)
            | folded_match("application__business__search_text", value)
        )
