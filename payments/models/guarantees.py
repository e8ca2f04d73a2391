"""The bank letter of guarantee of a call 004 advance (εγγυητική επιστολή προκαταβολής, Πρόσκληση
004 §11.3.Α): «ισόποση … υπέρ του ΕΦΕΠΑΕ με διάρκεια ισχύος αορίστου χρόνου»; «απομειώνεται
σταδιακά … με βάση ισόποσο συμψηφισμό … και επιστρέφεται στο δικαιούχο μετά τον πλήρη συμψηφισμό».

ACTIVE (recorded with the advance request) → REDUCED (each certification offsets part of it, one
`GuaranteeReduction` per verification request) → RELEASED (staff return it after full offset, or
when the advance was never paid, with a release letter PDF).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

ZERO = Decimal("0.00")


def guarantee_upload_to(instance, filename: str) -> str:
    return f"payments/guarantees/{instance.operation_id}/{filename}"


class BankGuarantee(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", "Σε ισχύ"
        REDUCED = "reduced", "Απομειωμένη"
        RELEASED = "released", "Επιστράφηκε (αποδεσμεύτηκε)"

    operation = models.ForeignKey("operations.Operation", on_delete=models.PROTECT, related_name="guarantees")
    advance = models.OneToOneField(
        "payments.Payment", on_delete=models.PROTECT, related_name="guarantee", null=True, blank=True
    )
    number = models.CharField("αριθμός εγγυητικής επιστολής", max_length=60)
    issuer = models.CharField("εκδότρια τράπεζα", max_length=200)
    amount = models.DecimalField("ποσό εγγύησης (€)", max_digits=14, decimal_places=2)
    remaining = models.DecimalField("υπόλοιπο εγγύησης (€)", max_digits=14, decimal_places=2)
    issued_on = models.DateField("ημερομηνία έκδοσης")
    expires_on = models.DateField("λήξη (κενό = αορίστου χρόνου)", null=True, blank=True)
    beneficiary = models.CharField("υπέρ", max_length=200, default="ΕΦΕΠΑΕ")
    letter = models.FileField("εγγυητική επιστολή", upload_to=guarantee_upload_to, max_length=300)
    letter_name = models.CharField("όνομα αρχείου", max_length=255)
    letter_sha256 = models.CharField("SHA-256", max_length=64)
    state = FSMField("κατάσταση", max_length=12, choices=State.choices, default=State.ACTIVE, protected=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("καταχώριση", auto_now_add=True)
    protocol_number = models.CharField("αριθμός πρωτοκόλλου αιτήματος", max_length=80, unique=True)
    released_at = models.DateTimeField("αποδέσμευση", null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    release_reason = models.TextField("αιτιολόγηση αποδέσμευσης", blank=True)
    release_document = models.ForeignKey(
        "opske.GeneratedDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "εγγυητική επιστολή προκαταβολής"
        verbose_name_plural = "εγγυητικές επιστολές προκαταβολής"
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(remaining__gte=0) & Q(remaining__lte=models.F("amount")),
                name="guarantee_remaining_within_amount",
            ),
        ]

    def __str__(self):
        return f"{self.number} · {self.issuer}"

    @property
    def offset_total(self) -> Decimal:
        return self.amount - self.remaining

    @transition(field=state, source=[State.ACTIVE, State.REDUCED], target=State.REDUCED)
    def reduce(self):
        pass

    @transition(field=state, source=[State.ACTIVE, State.REDUCED], target=State.RELEASED)
    def release(self):
        pass


class GuaranteeReduction(models.Model):
    """One offset of the guarantee against a certification's public funding (§11.3.Α)."""

    guarantee = models.ForeignKey(BankGuarantee, on_delete=models.CASCADE, related_name="reductions")
    verification_request = models.ForeignKey(
        "verification.VerificationRequest", on_delete=models.PROTECT, related_name="guarantee_reductions"
    )
    certified_aid = models.DecimalField("πιστοποιηθείσα δημόσια δαπάνη (€)", max_digits=14, decimal_places=2)
    amount = models.DecimalField("συμψηφισμός (€)", max_digits=14, decimal_places=2)
    remaining_after = models.DecimalField("υπόλοιπο μετά (€)", max_digits=14, decimal_places=2)
    at = models.DateTimeField("χρόνος", auto_now_add=True)

    class Meta:
        verbose_name = "απομείωση εγγυητικής επιστολής"
        verbose_name_plural = "απομειώσεις εγγυητικών επιστολών"
        ordering = ["guarantee_id", "at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["guarantee", "verification_request"], name="uniq_guarantee_reduction"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="guarantee_reduction_positive"),
        ]

    def __str__(self):
        return f"{self.guarantee_id}: −{self.amount}"
