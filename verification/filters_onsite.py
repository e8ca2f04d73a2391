"""FilterSets of the on-the-spot lists (samples, visits), shared by the HTML lists."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from verification.models import OnSiteSample, OnSiteVerification


class OnSiteSampleFilterSet(django_filters.FilterSet):
    semester = django_filters.CharFilter(field_name="semester", lookup_expr="iexact", label="Εξάμηνο")
    state = django_filters.ChoiceFilter(choices=OnSiteSample.State.choices, label="Κατάσταση")
    programme = django_filters.CharFilter(field_name="programme__code", label="Πρόγραμμα")

    class Meta:
        model = OnSiteSample
        fields = ["semester", "state", "programme"]


class OnSiteVisitFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Αναζήτηση")
    state = django_filters.ChoiceFilter(choices=OnSiteVerification.State.choices, label="Κατάσταση")
    semester = django_filters.CharFilter(field_name="semester", lookup_expr="iexact", label="Εξάμηνο")

    class Meta:
        model = OnSiteVerification
        fields = ["state", "semester"]

    def search(self, qs, name, value):
        value = (value or "").strip()
        return qs.filter(Q(serial__icontains=value) | Q(operation__code__icontains=value))
