"""An operation (Πράξη) is an application a notified decision funds (ΚΥΑ 7066 Art. 7.3/7.6: the
approval's notice starts implementation; call 004 §6: the inclusion decision). It carries the
approved data the beneficiary implements and the managing body verifies before money moves.
"""

from decimal import Decimal

from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

ZERO = Decimal("0.00")


class Operation(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", "Σε υλοποίηση"
        COMPLETED = "completed", "Ολοκληρώθηκε"
        TERMINATED = "terminated", "Ανακλήθηκε / διακόπηκε"

    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="operation"
    )
    call = models.ForeignKey("calls.Call", on_delete=models.PROTECT, related_name="operations")
    decision = models.ForeignKey("evaluation.Decision", on_delete=models.PROTECT, related_name="+")
    code = models.CharField("κωδικός πράξης", max_length=60, unique=True)
    title = models.CharField("τίτλος", max_length=400, blank=True)
    business = models.ForeignKey(
        "accounts.Business", null=True, blank=True, on_delete=models.PROTECT, related_name="operations"
    )
    state = FSMField("κατάσταση", max_length=12, choices=State.choices, default=State.ACTIVE, protected=True)
    approved_total = models.DecimalField("εγκεκριμένος προϋπολογισμός (€)", max_digits=14, decimal_places=2)
    public_expenditure = models.DecimalField(
        "επιλέξιμη δημόσια δαπάνη (€)", max_digits=14, decimal_places=2, default=ZERO
    )
    starts_on = models.DateField("έναρξη υλοποίησης")
    ends_on = models.DateField("λήξη υλοποίησης", null=True, blank=True)
    # ΚΥΑ 7066 Art. 9.2 Ι.iii: an extension moves the no-dismissal commitment by the same days.
    no_dismissal_until = models.DateField("δέσμευση μη απόλυσης έως", null=True, blank=True)
    # Πρόσκληση 004 §13, §14.2: the final payment starts the 3-year long-term obligations.
    completed_on = models.DateField("ολοκλήρωση (τελική πληρωμή)", null=True, blank=True)
    # Guidance Ο.3 §4.2.2: stratification is per Programme and per management body (ΔΑ or ΕΦ).
    management_body = models.CharField("φορέας διαχείρισης", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "πράξη"
        verbose_name_plural = "πράξεις"
        ordering = ["-starts_on", "-pk"]

    def __str__(self):
        return self.code

    @transition(field=state, source=State.ACTIVE, target=State.COMPLETED)
    def complete(self):
        pass

    @transition(field=state, source=State.ACTIVE, target=State.TERMINATED)
    def terminate(self):
        pass


class OperationBudgetLine(models.Model):
    """The approved budget per expense category (call 004 §7; ΚΥΑ 7066: per position category)."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField("κατηγορία δαπάνης", max_length=40)
    label = models.CharField("περιγραφή", max_length=300, blank=True)
    amount = models.DecimalField("εγκεκριμένο ποσό (€)", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "γραμμή εγκεκριμένου προϋπολογισμού"
        verbose_name_plural = "γραμμές εγκεκριμένου προϋπολογισμού"
        constraints = [
            models.UniqueConstraint(fields=["operation", "category"], name="uniq_operation_category")
        ]

    def __str__(self):
        return f"{self.operation} · {self.category}"


class OperationVersion(models.Model):
    """One approved state of the operation's data: version 1 at the start, one more for each
    approved modification (ΚΥΑ 7066 Art. 9.4: the decision is amended or updated; Πρόσκληση 004
    §12.5: the Technical Annex is updated)."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("έκδοση")
    starts_on = models.DateField("έναρξη υλοποίησης")
    ends_on = models.DateField("λήξη υλοποίησης", null=True, blank=True)
    no_dismissal_until = models.DateField("δέσμευση μη απόλυσης έως", null=True, blank=True)
    approved_total = models.DecimalField("εγκεκριμένος προϋπολογισμός (€)", max_digits=14, decimal_places=2)
    # [{"category", "label", "amount"}] as strings with two decimals.
    budget = models.JSONField("εγκεκριμένος προϋπολογισμός ανά κατηγορία", default=list, blank=True)
    modification = models.OneToOneField(
        "operations.Modification", null=True, blank=True, on_delete=models.PROTECT, related_name="version"
    )
    # Why a version not made by a modification exists (e.g. a call 004 extension by amendment).
    note = models.CharField("αιτία", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "έκδοση εγκεκριμένων στοιχείων πράξης"
        verbose_name_plural = "εκδόσεις εγκεκριμένων στοιχείων πράξης"
        ordering = ["operation_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["operation", "number"], name="uniq_operation_version")]

    def __str__(self):
        return f"{self.operation} · έκδοση {self.number}"
