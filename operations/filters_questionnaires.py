"""Filter of the participant questionnaires list (kind, ΑΜΚΑ)."""

import django_filters
from django import forms

from operations.models import ParticipantQuestionnaire


class QuestionnaireFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label="Δελτίο",
        choices=ParticipantQuestionnaire.Kind.choices,
        empty_label="Όλα",
        widget=forms.Select(attrs={"class": "govgr-select", "style": "max-width:100%"}),
    )
    amka = django_filters.CharFilter(
        label="ΑΜΚΑ", widget=forms.TextInput(attrs={"class": "govgr-input", "inputmode": "numeric"})
    )

    class Meta:
        model = ParticipantQuestionnaire
        fields = ["kind", "amka"]
