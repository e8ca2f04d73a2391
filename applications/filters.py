"""One FilterSet for the staff list of applications (HTML list and API share it)."""

import django_filters

from applications.models import Application


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label="Κατάσταση", choices=Application.Status.choices)
    afm = django_filters.CharFilter(label="ΑΦΜ", field_name="business__afm")
    protocol = django_filters.CharFilter(
        label="Αρ. πρωτοκόλλου", field_name="protocol_number", lookup_expr="icontains"
    )
    pool = django_filters.CharFilter(label="Ταμείο", field_name="pool__code")

    class Meta:
        model = Application
        fields = ["status", "afm", "protocol", "pool"]
