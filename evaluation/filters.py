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


class AssignmentQueueFilterSet(django_filters.FilterSet):
    """The administrator's queue: unassigned by default, or those with an open assignment."""

    WAITING = "waiting"
    ASSIGNED = "assigned"

    q = django_filters.CharFilter(method="search", label="Αναζήτηση")
    call = django_filters.CharFilter(field_name="call__code", label="Πρόσκληση")
    status = django_filters.ChoiceFilter(
        choices=(
            ("submitted", "Οριστικοποιημένη"),
            ("reserve", "Επιλαχούσα"),
            ("under_evaluation", "Υπό αξιολόγηση"),
        ),
        label="Κατάσταση αίτησης",
    )
    assignment = django_filters.ChoiceFilter(
        choices=((WAITING, "Χωρίς αξιολογητή"), (ASSIGNED, "Με αξιολογητή (για ανάθεση σε άλλον)")),
        method="by_assignment",
        label="Ανάθεση",
        empty_label=None,
    )

    def search(self, qs, name, value):
        return qs.filter(
            Q(protocol_number__icontains=value) | Q(business__name__icontains=value) | Q(business__afm=value)
        )

    def by_assignment(self, qs, name, value):
        return qs.filter(live_evaluators__gt=0) if value == self.ASSIGNED else qs.filter(live_evaluators=0)

    @property
    def qs(self):
        qs = super().qs
        if not (self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("assignment")):
            qs = qs.filter(live_evaluators=0)
        return qs
