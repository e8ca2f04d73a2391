"""FilterSet for the global audit list (shared by the HTML list and any export)."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from opske.models import AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(
        label=_("Ενέργεια"), lookup_expr="icontains", widget=forms.TextInput(attrs={"class": "govgr-input"})
    )
    actor = django_filters.ModelChoiceFilter(
        label=_("Ενεργών"),
        queryset=get_user_model().objects.filter(kind="staff").order_by("username"),
        widget=forms.Select(attrs={"class": "govgr-select"}),
    )
    date_from = django_filters.DateFilter(
        label=_("Από (ημερομηνία)"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date", "class": "govgr-input"}),
    )
    date_to = django_filters.DateFilter(
        label=_("Έως (ημερομηνία)"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date", "class": "govgr-input"}),
    )

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "date_from", "date_to"]
