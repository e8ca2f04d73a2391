"""Financial corrections (Δελτίο Καταχώρησης Διορθώσεων, ΔΚΔ), Guidance Ο.3 §4.3.2, §4.4.2.

Categories 1 and 6 follow irregularities (factor 2), 2 is not an irregularity; horizontal and
flat-rate ΔΚΔ are excluded from factor 19.
"""

from django.conf import settings
from django.db import models


class Correction(models.Model):
    class Origin(models.TextChoices):
        ADMINISTRATIVE = "administrative", "Διοικητική επαλήθευση"
        ON_THE_SPOT = "on_the_spot", "Επιτόπια επαλήθευση"
        AUDIT = "audit", "Έλεγχος ΕΔΕΛ"
        OTHER = "other", "Άλλη προέλευση"

    operation = models.ForeignKey(
        "operations.Operation", on_delete=models.PROTECT, related_name="corrections"
    )
    request = models.ForeignKey(
        "verification.VerificationRequest", null=True, blank=True, on_delete=models.PROTECT,
        related_name="corrections",
    )  # fmt: skip
    # The item of the ΔΔΔ whose ineligible amount this is (administrative verification, Ο.3 §4.3.2).
    item = models.ForeignKey(
        "verification.ExpenditureItem", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="corrections",
    )  # fmt: skip
    origin = models.CharField("προέλευση", max_length=20, choices=Origin.choices)
    category = models.CharField("κατηγορία ΔΚΔ", max_length=4, default="1")
    horizontal = models.BooleanField("οριζόντια διόρθωση", default=False)
    flat_rate = models.BooleanField("κατ' αποκοπή διόρθωση", default=False)
    amount = models.DecimalField("ποσό διόρθωσης (€)", max_digits=14, decimal_places=2)
    reason = models.TextField("αιτιολογία")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "δημοσιονομική διόρθωση (ΔΚΔ)"
        verbose_name_plural = "δημοσιονομικές διορθώσεις (ΔΚΔ)"
        ordering = ["-recorded_at", "-pk"]

    def __str__(self):
        return f"ΔΚΔ #{self.pk} · {self.operation}"
