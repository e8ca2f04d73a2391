"""The budget ledger (issue 13): balances per scope and the immutable movements behind them.

A `LedgerBalance` is one row per scope — the call, a pool (area), a budget year, an operation —
with its ceiling and the running committed / paid / recovered sums. Every change goes through
`payments.services.ledger`, as one conditional UPDATE per scope (never read-modify-write), together
with a `LedgerEntry` per scope touched. The check constraints are the last line of defence: two
concurrent approvals can never leave a pool, a year or an operation paid beyond its ceiling.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

ZERO = Decimal("0.00")


class LedgerBalance(models.Model):
    class Scope(models.TextChoices):
        CALL = "call", "Πρόσκληση"
        POOL = "pool", "Ταμείο (περιοχή)"
        YEAR = "year", "Οικονομικό έτος"
        OPERATION = "operation", "Πράξη"

    scope = models.CharField("εύρος", max_length=10, choices=Scope.choices)
    call = models.ForeignKey("calls.Call", on_delete=models.PROTECT, related_name="ledger_balances")
    pool = models.ForeignKey(
        "calls.BudgetPool", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_balances"
    )
    year = models.PositiveSmallIntegerField("έτος", null=True, blank=True)
    operation = models.ForeignKey(
        "operations.Operation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="ledger_balances",
    )  # fmt: skip
    # What may be paid in this scope at most: the call budget, the pool's amount, the year's cash
    # ceiling (ΚΥΑ 7066 Rec. 53, ΚΥΑ 16936 Rec. 35), the operation's approved public expenditure.
    ceiling = models.DecimalField("ανώτατο ποσό (€)", max_digits=14, decimal_places=2)
    committed = models.DecimalField("δεσμευμένο (€)", max_digits=14, decimal_places=2, default=ZERO)
    paid = models.DecimalField("πληρωμένο (€)", max_digits=14, decimal_places=2, default=ZERO)
    recovered = models.DecimalField("ανακτηθέν (€)", max_digits=14, decimal_places=2, default=ZERO)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "υπόλοιπο προϋπολογισμού"
        verbose_name_plural = "υπόλοιπα προϋπολογισμού"
        ordering = ["call_id", "scope", "year", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call"], condition=Q(scope="call"), name="uniq_ledger_call"),
            models.UniqueConstraint(fields=["pool"], condition=Q(scope="pool"), name="uniq_ledger_pool"),
            models.UniqueConstraint(
                fields=["call", "year"], condition=Q(scope="year"), name="uniq_ledger_year"
            ),
            models.UniqueConstraint(
                fields=["operation"], condition=Q(scope="operation"), name="uniq_ledger_operation"
            ),
            models.CheckConstraint(
                condition=Q(committed__gte=0) & Q(paid__gte=0) & Q(recovered__gte=0),
                name="ledger_non_negative",
            ),
            # Net payments (paid − recovered) never above the ceiling.
            models.CheckConstraint(
                condition=Q(ceiling__gte=F("paid") - F("recovered")), name="ledger_never_overpaid"
            ),
            models.CheckConstraint(condition=Q(recovered__lte=F("paid")), name="ledger_recovered_le_paid"),
        ]

    def __str__(self):
        return f"{self.get_scope_display()} · {self.call_id}"

    @property
    def net_paid(self) -> Decimal:
        return self.paid - self.recovered

    @property
    def available(self) -> Decimal:
        """What may still be paid in this scope."""
        return self.ceiling - self.net_paid


class LedgerEntry(models.Model):
    """One movement on one balance. Written once by `payments.services.ledger`, never changed."""

    class Kind(models.TextChoices):
        COMMIT = "commit", "Δέσμευση"
        DECOMMIT = "decommit", "Αποδέσμευση"
        PAYMENT = "payment", "Πληρωμή"
        PAYMENT_REVERSAL = "payment_reversal", "Αντιλογισμός πληρωμής (αποτυχία πίστωσης)"
        RECOVERY = "recovery", "Ανάκτηση"

    balance = models.ForeignKey(LedgerBalance, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField("κίνηση", max_length=20, choices=Kind.choices)
    amount = models.DecimalField("ποσό (€)", max_digits=14, decimal_places=2)
    # What caused it (at most one of these), for the audit trail and the reports.
    payment = models.ForeignKey(
        "payments.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    source = models.CharField("αιτία", max_length=200, blank=True)  # e.g. "recovery:12", "operation:3"
    booked_on = models.DateField("ημερομηνία λογισμού")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "κίνηση προϋπολογισμού"
        verbose_name_plural = "κινήσεις προϋπολογισμού"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["balance", "kind"])]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_entry_positive")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Οι κινήσεις προϋπολογισμού είναι αμετάβλητες.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Οι κινήσεις προϋπολογισμού είναι αμετάβλητες.")
