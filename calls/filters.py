"""One FilterSet for the call list, shared by the public HTML page and the API."""

from __future__ import annotations

import django_filters
from django.utils import timezone

from calls.models import Call
from opske.search import filter_folded


class CallFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Αναζήτηση")
    phase = django_filters.ChoiceFilter(
        method="filter_phase",
        label="Φάση",
        choices=[
            (Call.Phase.UPCOMING, Call.Phase.UPCOMING.label),
            (Call.Phase.OPEN, Call.Phase.OPEN.label),
            (Call.Phase.CLOSED, Call.Phase.CLOSED.label),
        ],
    )
    evaluation_method = django_filters.ChoiceFilter(
        choices=Call.EvaluationMethod.choices, label="Μέθοδος αξιολόγησης"
    )
    aid_regime = django_filters.ChoiceFilter(choices=Call.AidRegime.choices, label="Καθεστώς ενίσχυσης")
    applicant_kind = django_filters.ChoiceFilter(choices=Call.ApplicantKind.choices, label="Δικαιούχοι")
    programme = django_filters.CharFilter(field_name="programme__code", label="Πρόγραμμα (κωδικός)")

    class Meta:
        model = Call
        fields = ["q", "phase", "evaluation_method", "aid_regime", "applicant_kind", "programme"]

    def filter_q(self, queryset, name, value: str):
        """Every word, accents and case ignored, in title, code, summary, programme or action code."""
        return filter_folded(queryset, "search_text", value)

    def filter_phase(self, queryset, name, value: str):
        now = timezone.now()
        if value == Call.Phase.OPEN:
            return queryset.open_at(now)
        if value == Call.Phase.UPCOMING:
            return queryset.upcoming_at(now)
        if value == Call.Phase.CLOSED:
            return queryset.closed_at(now)
        return queryset
