"""Obligations that outlast the implementation (Πρόσκληση 004 §14.2) and their yearly checks (§14.3)."""

from django.conf import settings
from django.db import models


class Obligation(models.Model):
    class Kind(models.TextChoices):
        LONG_TERM = "long_term", "Μακροχρόνιες υποχρεώσεις (Πρόσκληση 004 §14.2)"

    class State(models.TextChoices):
        RUNNING = "running", "Σε ισχύ"
        FULFILLED = "fulfilled", "Τηρήθηκαν"
        BREACHED = "breached", "Διαπιστώθηκε παράβαση"

    operation = models.ForeignKey(
        "operations.Operation", on_delete=models.PROTECT, related_name="obligations"
    )
    kind = models.CharField("είδος", max_length=20, choices=Kind.choices)
    starts_on = models.DateField("από")
    ends_on = models.DateField("έως")
    state = models.CharField("κατάσταση", max_length=10, choices=State.choices, default=State.RUNNING)
    items = models.JSONField("υποχρεώσεις", default=list, blank=True)
    citation = models.CharField("άρθρο", max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "υποχρέωση πράξης"
        verbose_name_plural = "υποχρεώσεις πράξης"
        ordering = ["operation_id", "starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "kind"], name="uniq_operation_obligation")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.operation}"


class ObligationCheck(models.Model):
    """One yearly check of the long-term obligations (§14.3.1: the annual verification programme)."""

    class Outcome(models.TextChoices):
        SCHEDULED = "scheduled", "Προγραμματισμένος"
        DUE = "due", "Προς διενέργεια"
        KEPT = "kept", "Τηρούνται"
        BREACHED = "breached", "Παράβαση"

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="checks")
    year = models.PositiveSmallIntegerField("έτος υποχρέωσης")
    due_on = models.DateField("ημερομηνία ελέγχου")
    outcome = models.CharField(
        "αποτέλεσμα", max_length=10, choices=Outcome.choices, default=Outcome.SCHEDULED
    )
    reason = models.TextField("αιτιολόγηση", blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "έλεγχος μακροχρόνιων υποχρεώσεων"
        verbose_name_plural = "έλεγχοι μακροχρόνιων υποχρεώσεων"
        ordering = ["obligation_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["obligation", "year"], name="uniq_obligation_check_year")
        ]

    def __str__(self):
        return f"Έλεγχος έτους {self.year} · {self.obligation.operation}"

    @property
    def is_open(self) -> bool:
        return self.outcome in (self.Outcome.SCHEDULED, self.Outcome.DUE)
