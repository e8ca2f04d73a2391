"""Guidance Ο.3 §4.2: risk assessment runs and the score and stratum of each operation in a run.

A run is per Programme and management body (§4.2.2), monthly for desk checks and every six months
for on-the-spot sampling, kept as history (the methodology is revised over time, §6).
"""

from django.conf import settings
from django.db import models


class RiskRun(models.Model):
    class Kind(models.TextChoices):
        MONTHLY = "monthly", "Μηνιαία (διοικητικές επαληθεύσεις)"
        SEMIANNUAL = "semiannual", "Εξαμηνιαία (επιτόπιες επαληθεύσεις)"
        INITIAL = "initial", "Αρχική (κατά την ένταξη)"

    kind = models.CharField("είδος", max_length=12, choices=Kind.choices)
    programme = models.ForeignKey("calls.Programme", on_delete=models.PROTECT, related_name="risk_runs")
    management_body = models.CharField("φορέας διαχείρισης", max_length=200, blank=True)
    as_of = models.DateField("ημερομηνία αναφοράς")
    parameters_version = models.CharField("έκδοση μεθοδολογίας", max_length=20, default="Ο.3/1η")
    operations_count = models.PositiveIntegerField("πράξεις", default=0)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "εκτίμηση κινδύνου"
        verbose_name_plural = "εκτιμήσεις κινδύνου"
        ordering = ["-as_of", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.as_of:%d/%m/%Y} · {self.programme}"


class RiskScore(models.Model):
    class Stratum(models.TextChoices):
        HIGH = "high", "Υψηλός κίνδυνος"
        MEDIUM = "medium", "Μεσαίος κίνδυνος"
        LOW = "low", "Χαμηλός κίνδυνος"

    run = models.ForeignKey(RiskRun, on_delete=models.CASCADE, related_name="scores")
    operation = models.ForeignKey(
        "operations.Operation", on_delete=models.PROTECT, related_name="risk_scores"
    )
    total = models.PositiveSmallIntegerField("συνολική βαθμολογία")
    rank = models.PositiveIntegerField("σειρά")
    stratum = models.CharField("στρώμα", max_length=6, choices=Stratum.choices)
    # {"1": {"value": ..., "grade": 3, "source": "...", "entered_by_staff": false}, ...}
    factors = models.JSONField("παράγοντες", default=dict)

    class Meta:
        verbose_name = "βαθμολογία κινδύνου πράξης"
        verbose_name_plural = "βαθμολογίες κινδύνου πράξεων"
        ordering = ["run_id", "rank"]
        constraints = [models.UniqueConstraint(fields=["run", "operation"], name="uniq_run_operation")]

    def __str__(self):
        return f"{self.operation} · {self.total} ({self.get_stratum_display()})"
