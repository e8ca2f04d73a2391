"""ΚΥΑ 7066 two-month claim (αίτηση καταβολής ενίσχυσης, Art. 8.1): what each item of the
verification request was computed from — the participant's subsidy month and the days worked."""

from django.db import models


class ClaimMonth(models.Model):
    class DaysSource(models.TextChoices):
        ERGANI = "ergani", "ΕΡΓΑΝΗ"
        ENTERED = "entered", "Δήλωση επιχείρησης (ελεγμένη με το ΕΡΓΑΝΗ)"

    item = models.OneToOneField(
        "verification.ExpenditureItem", on_delete=models.CASCADE, related_name="claim_month"
    )
    hire = models.ForeignKey("operations.Hire", on_delete=models.PROTECT, related_name="claim_months")
    month_number = models.PositiveSmallIntegerField("μήνας επιχορήγησης")
    month_start = models.DateField("από")
    month_end = models.DateField("έως")
    days_worked = models.PositiveSmallIntegerField("ημέρες απασχόλησης")
    days_source = models.CharField("πηγή ημερών", max_length=10, choices=DaysSource.choices)
    monthly_rate = models.DecimalField("μηνιαίο ποσό (€)", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = "μήνας αίτησης καταβολής"
        verbose_name_plural = "μήνες αίτησης καταβολής"
        ordering = ["item_id"]
        constraints = [
            models.UniqueConstraint(fields=["hire", "month_number"], name="uniq_claim_hire_month"),
        ]

    def __str__(self):
        return f"Μήνας {self.month_number} · {self.days_worked} ημέρες"
