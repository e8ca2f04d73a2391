"""On-the-spot verifications (επιτόπιες επαληθεύσεις), Guidance Ο.3 §4.4, procedures ΔΙΙ_7/ΔΙΙ_8.

Factor 18 reads the last `ended_on`; factor 19 reads `amount_checked` against the corrections.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models


class OnSiteVerification(models.Model):
    class Performer(models.TextChoices):
        MANAGING_BODY = "managing_body", "ΔΑ / ΕΦ"
        AUDIT_AUTHORITY = "audit_authority", "ΕΔΕΛ (έλεγχος)"

    operation = models.ForeignKey(
        "operations.Operation", on_delete=models.PROTECT, related_name="onsite_verifications"
    )
    # Guidance Ο.3 footnote 5: the α/α ελέγχου is issued once dates, semester and object are recorded.
    serial = models.CharField("α/α ελέγχου", max_length=30, unique=True)
    performer = models.CharField(
        "φορέας", max_length=20, choices=Performer.choices, default=Performer.MANAGING_BODY
    )
    semester = models.CharField("εξάμηνο", max_length=7)  # e.g. "2026-H2"
    started_on = models.DateField("έναρξη")
    ended_on = models.DateField("λήξη")
    object = models.TextField("αντικείμενο")
    amount_checked = models.DecimalField(
        "ποσό που ελέγχθηκε (€)", max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "επιτόπια επαλήθευση"
        verbose_name_plural = "επιτόπιες επαληθεύσεις"
        ordering = ["-ended_on", "-pk"]

    def __str__(self):
        return f"{self.serial} · {self.operation}"
