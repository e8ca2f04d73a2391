"""FilterSets of the risk pages (the HTML lists; one per list)."""

import django_filters
from django.db.models import Q

from verification.models import RiskRun, RiskScore, VerificationRequest
from verification.rules.risk import RULE_LABELS


class RiskScoreFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Αναζήτηση (κωδικός, τίτλος)")
    stratum = django_filters.ChoiceFilter(choices=RiskScore.Stratum.choices, label="Στρώμα")
    call = django_filters.CharFilter(field_name="operation__call__code", label="Πρόσκληση")

    class Meta:
        model = RiskScore
        fields = ["stratum", "call"]

    def search(self, qs, name, value):
        value = (value or "").strip()
        return qs.filter(Q(operation__code__icontains=value) | Q(operation__title__icontains=value))


class RiskRunFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=RiskRun.Kind.choices, label="Είδος")

    class Meta:
        model = RiskRun
        fields = ["kind"]


SELECTION_CHOICES = (("yes", "Προς επαλήθευση"), ("no", "Χωρίς επιλογή"))


class DeskCheckFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Αναζήτηση (κωδικός πράξης)")
    selected = django_filters.ChoiceFilter(choices=SELECTION_CHOICES, method="by_selection", label="Επιλογή")
    rule = django_filters.ChoiceFilter(choices=tuple(RULE_LABELS.items()), method="by_rule", label="Κανόνας")
    stratum = django_filters.ChoiceFilter(
        field_name="stratum_at_selection", choices=RiskScore.Stratum.choices, label="Στρώμα κατά την επιλογή"
    )
    call = django_filters.CharFilter(field_name="operation__call__code", label="Πρόσκληση")

    class Meta:
        model = VerificationRequest
        fields = ["stratum", "call"]

    def search(self, qs, name, value):
        return qs.filter(operation__code__icontains=(value or "").strip())

    def by_selection(self, qs, name, value):
        return qs.filter(selected=True) if value == "yes" else qs.exclude(selected=True)

    def by_rule(self, qs, name, value):
        return qs.filter(Q(selection_rule=value) | Q(selection_rule__regex=rf"(^|\+){_re(value)}(\+|$)"))


def _re(value: str) -> str:
    import re

    return re.escape(value)
