"""FilterSet of the desk-check queue (state, call, «mine», search by operation code or business)."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from opske.search import folded_match
from verification.models import VerificationRequest


class CheckQueueFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Αναζήτηση (κωδικός πράξης, επωνυμία, ΑΦΜ)")
    state = django_filters.ChoiceFilter(
        choices=[c for c in VerificationRequest.State.choices if c[0] != "draft"], label="Κατάσταση"
    )
    call = django_filters.CharFilter(field_name="operation__call__code", label="Πρόσκληση")
    mine = django_filters.BooleanFilter(method="only_mine", label="Μόνο όσα ανέλαβα")

    class Meta:
        model = VerificationRequest
        fields = ["state", "call"]

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def search(self, qs, name, value):
        value = (value or "").strip()
        return qs.filter(
            Q(operation__code__icontains=value)
            | folded_match("operation__business__search_text", value)
            | Q(operation__business__afm=value)
        )

    def only_mine(self, qs, name, value):
        return qs.filter(desk_check__verifier=self.user) if value and self.user else qs
