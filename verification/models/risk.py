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
    # verification.rules.risk.RiskParameters as used by this run (ties, remainder, boundaries).
    parameters = models.JSONField("παράμετροι μεθοδολογίας", default=dict, blank=True)
    # The period a scheduled run covers ("2026-12" monthly, "2026-H2" six-monthly); one run per
    # programme, body, kind and period (idempotent scheduling). Initial and staff runs: blank.
    period = models.CharField("περίοδος", max_length=10, blank=True)
    operations_count = models.PositiveIntegerField("πράξεις", default=0)
    # {"high": {"count": 4, "min": 40, "max": 52}, ...}
    strata = models.JSONField("στρώματα", default=dict, blank=True)
    duration_ms = models.PositiveIntegerField("διάρκεια (ms)", default=0)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "εκτίμηση κινδύνου"
        verbose_name_plural = "εκτιμήσεις κινδύνου"
        ordering = ["-as_of", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "management_body", "kind", "period"],
                condition=~models.Q(period=""),
                name="uniq_risk_run_period",
            )
        ]

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


class RiskFactorInput(models.Model):
    """A factor the portal cannot compute from its own data (e.g. factor 6: operations of other
    funds; factor 3: audits of 2014-2020), entered by staff for an operation or for its
    beneficiary, Guidance Ο.3 §4.2.1. The latest entry wins at the next run; shown as staff-entered."""

    operation = models.ForeignKey(
        "operations.Operation", null=True, blank=True, on_delete=models.CASCADE, related_name="risk_inputs"
    )
    business = models.ForeignKey(
        "accounts.Business", null=True, blank=True, on_delete=models.CASCADE, related_name="risk_inputs"
    )
    factor = models.PositiveSmallIntegerField("παράγοντας")
    value = models.CharField("τιμή", max_length=200)
    grade = models.PositiveSmallIntegerField("βαθμός")
    note = models.TextField("σημείωση / πηγή", blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_on = models.DateField("ημερομηνία")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "καταχώριση παράγοντα κινδύνου"
        verbose_name_plural = "καταχωρίσεις παραγόντων κινδύνου"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(operation__isnull=False) | models.Q(business__isnull=False),
                name="risk_input_has_subject",
            )
        ]

    def __str__(self):
        return f"Παράγοντας {self.factor} · {self.operation or self.business}"
