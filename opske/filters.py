"""FilterSet for the global audit list (shared by the HTML list and any export), and the day filter
every timestamped list shares."""

import datetime

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from opske.dates import start_of_day_athens
from opske.models import AuditEvent


class _PlainQueryChoices(django_filters.fields.ModelChoiceIterator):
    """A filter's options read by one plain query. Django's iterator reads them through
    `QuerySet.iterator()`, which on PostgreSQL opens a server-side cursor (DECLARE … WITH HOLD, FETCH,
    CLOSE): three round trips for a list of some dozens of options, on every page of the list."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class _OptionsField(django_filters.fields.ModelChoiceField):
    iterator = _PlainQueryChoices


class OptionsFilter(django_filters.ModelChoiceFilter):
    """ModelChoiceFilter whose options are read in one plain query (a list's «Πρόσκληση», «Ενεργών»)."""

    field_class = _OptionsField


class AthensDayFilter(django_filters.DateFilter):
    """«Από» / «Έως» a day in Athens time on a timestamp column, as a range the column's index
    serves: from = at or after that day's midnight, to = before the next day's (issue 11)."""

    def __init__(self, *args, until: bool = False, **kwargs):
        self.until = until
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date", "class": "govgr-input"}))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        if self.until:
            return qs.filter(
                **{f"{self.field_name}__lt": start_of_day_athens(value + datetime.timedelta(days=1))}
            )
        return qs.filter(**{f"{self.field_name}__gte": start_of_day_athens(value)})


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(
        label=_("Ενέργεια"), lookup_expr="startswith", widget=forms.TextInput(attrs={"class": "govgr-input"})
    )
    actor = OptionsFilter(
        label=_("Ενεργών"),
        queryset=get_user_model().objects.filter(kind="staff").order_by("username"),
        widget=forms.Select(attrs={"class": "govgr-select"}),
    )
    date_from = AthensDayFilter(label=_("Από (ημερομηνία)"), field_name="created_at")
    date_to = AthensDayFilter(label=_("Έως (ημερομηνία)"), field_name="created_at", until=True)

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "date_from", "date_to"]
