"""A payment (πληρωμή) of aid and its approval trail.

One `Payment` per amount to one payee: a ΚΥΑ 7066 two-month claim (from its accepted verification
request), a call 004 advance / interim / final payment, a ΚΥΑ 16936 month's net pay to one
participant or its contributions through ΤΠΤΕ. `breakdown` holds the lines the amount was computed
from (label, amount, article), so every figure is reproducible from the rules.

Flow (`payments.services`): DRAFT (the beneficiary's payment documents are awaited) → SUBMITTED
(documents filed, receipt) → PROPOSED (maker: the payment officer) → APPROVED (checker: the
supervisor; above their limit a higher level approves too, `PaymentApproval`) → ORDERED (in a
payment order batch) → PAID | FAILED (the bank's report); REJECTED / CANCELLED end it.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

ZERO = Decimal("0.00")


class Payment(ConcurrentTransitionMixin, models.Model):
    class Kind(models.TextChoices):
        PERIOD = "period", "Καταβολή δίμηνου απασχόλησης (ΚΥΑ 7066)"
        ADVANCE = "advance", "Προκαταβολή"
        INTERIM = "interim", "Ενδιάμεση πληρωμή"
        FINAL = "final", "Αποπληρωμή"
        WAGE_NET = "wage_net", "Καθαρές αποδοχές ωφελούμενου (ΚΥΑ 16936)"
        WAGE_CONTRIBUTIONS = "wage_contrib", "Εισφορές και ΦΜΥ μέσω ΤΠΤΕ (ΚΥΑ 16936)"

    class State(models.TextChoices):
        DRAFT = "draft", "Αναμένονται δικαιολογητικά πληρωμής"
        SUBMITTED = "submitted", "Υποβλήθηκαν δικαιολογητικά πληρωμής"
        PROPOSED = "proposed", "Προτάθηκε για έγκριση"
        APPROVED = "approved", "Εγκρίθηκε η πληρωμή"
        ORDERED = "ordered", "Σε εντολή πληρωμής"
        PAID = "paid", "Πληρώθηκε"
        FAILED = "failed", "Απέτυχε η πίστωση"
        REJECTED = "rejected", "Απορρίφθηκε"
        CANCELLED = "cancelled", "Ακυρώθηκε"

    class PayeeKind(models.TextChoices):
        BUSINESS = "business", "Δικαιούχος επιχείρηση"
        PARTICIPANT = "participant", "Ωφελούμενος"
        TPTE = "tpte", "ΤΠΤΕ (εισφορές και ΦΜΥ)"

    call = models.ForeignKey("calls.Call", on_delete=models.PROTECT, related_name="payments")
    operation = models.ForeignKey(
        "operations.Operation", null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    verification_request = models.ForeignKey(
        "verification.VerificationRequest", null=True, blank=True, on_delete=models.PROTECT,
        related_name="payments",
    )  # fmt: skip
    code = models.CharField("κωδικός πληρωμής", max_length=60, unique=True)
    kind = models.CharField("είδος", max_length=20, choices=Kind.choices)
    state = FSMField("κατάσταση", max_length=20, choices=State.choices, default=State.DRAFT, protected=True)
    year = models.PositiveSmallIntegerField("οικονομικό έτος")
    amount = models.DecimalField("ποσό πληρωμής (€)", max_digits=14, decimal_places=2)
    # [{"label", "amount" (string, 2 decimals), "citation", ...}]: what the amount was computed from.
    breakdown = models.JSONField("ανάλυση ποσού", default=list, blank=True)
    warnings = models.JSONField("επισημάνσεις", default=list, blank=True)
    payee_kind = models.CharField("δικαιούχος πληρωμής", max_length=20, choices=PayeeKind.choices)
    payee_name = models.CharField("επωνυμία / ονοματεπώνυμο δικαιούχου", max_length=300)
    payee_afm = models.CharField("ΑΦΜ δικαιούχου", max_length=9, blank=True)
    payee_iban = models.CharField("IBAN", max_length=34, blank=True)
    payee_bic = models.CharField("BIC", max_length=11, blank=True)
    # ΚΥΑ 7066 Art. 8.6, Πρόσκληση 004 §11.3 (άρθ. 61 ν.4914/2022): stated in the approval.
    no_withholding_statement = models.TextField("δήλωση ακατασχέτου", blank=True)
    decision_document = models.ForeignKey(
        "opske.GeneratedDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    protocol_number = models.CharField("αριθμός πρωτοκόλλου", max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField("υποβολή δικαιολογητικών", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField("πρόταση", null=True, blank=True)
    approved_at = models.DateTimeField("έγκριση", null=True, blank=True)
    paid_on = models.DateField("ημερομηνία πίστωσης", null=True, blank=True)
    failure_reason = models.TextField("αιτία αποτυχίας / απόρριψης", blank=True)

    class Meta:
        verbose_name = "πληρωμή"
        verbose_name_plural = "πληρωμές"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["call", "state"]), models.Index(fields=["operation", "state"])]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount_non_negative")]

    def __str__(self):
        return f"{self.code} · {self.get_kind_display()}"

    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED)
    def submit(self):
        pass

    @transition(field=state, source=[State.DRAFT, State.SUBMITTED], target=State.PROPOSED)
    def propose(self):
        pass

    @transition(field=state, source=State.PROPOSED, target=State.SUBMITTED)
    def send_back(self):
        pass

    @transition(field=state, source=State.PROPOSED, target=State.APPROVED)
    def approve(self):
        pass

    @transition(field=state, source=[State.DRAFT, State.SUBMITTED, State.PROPOSED], target=State.REJECTED)
    def reject(self):
        pass

    @transition(field=state, source=[State.DRAFT, State.SUBMITTED], target=State.CANCELLED)
    def cancel(self):
        pass

    @transition(field=state, source=[State.APPROVED, State.FAILED], target=State.ORDERED)
    def order(self):
        pass

    @transition(field=state, source=State.ORDERED, target=State.APPROVED)
    def withdraw_from_order(self):
        pass

    @transition(field=state, source=State.ORDERED, target=State.PAID)
    def mark_paid(self):
        pass

    @transition(field=state, source=State.ORDERED, target=State.FAILED)
    def mark_failed(self):
        pass


class PaymentApproval(models.Model):
    """One signature on a payment: the maker's proposal, the checker's approval, and a higher
    level's when the amount is above the checker's limit (`ApprovalLimit`)."""

    class Step(models.TextChoices):
        PROPOSAL = "proposal", "Πρόταση (συντάκτης)"
        APPROVAL = "approval", "Έγκριση"
        HIGHER_APPROVAL = "higher_approval", "Έγκριση ανώτερου επιπέδου"
        REJECTION = "rejection", "Απόρριψη"
        SEND_BACK = "send_back", "Επιστροφή για διόρθωση"

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="approvals")
    step = models.CharField("βήμα", max_length=20, choices=Step.choices)
    role = models.CharField("ρόλος", max_length=30)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("χρόνος")
    note = models.TextField("σημείωση", blank=True)

    class Meta:
        verbose_name = "υπογραφή πληρωμής"
        verbose_name_plural = "υπογραφές πληρωμών"
        ordering = ["payment_id", "at", "pk"]

    def __str__(self):
        return f"{self.get_step_display()} · {self.payment_id}"


class ApprovalLimit(models.Model):
    """The highest amount a role may approve alone (per call, or portal-wide when call is empty);
    above it a role with a higher limit must approve as well. Maintained by staff."""

    role = models.CharField("ρόλος", max_length=30)
    call = models.ForeignKey(
        "calls.Call", null=True, blank=True, on_delete=models.CASCADE, related_name="approval_limits"
    )
    max_amount = models.DecimalField("ανώτατο ποσό έγκρισης (€)", max_digits=14, decimal_places=2)
    level = models.PositiveSmallIntegerField("επίπεδο", default=1)

    class Meta:
        verbose_name = "όριο έγκρισης πληρωμών"
        verbose_name_plural = "όρια έγκρισης πληρωμών"
        ordering = ["level", "role"]
        constraints = [models.UniqueConstraint(fields=["role", "call"], name="uniq_approval_limit")]

    def __str__(self):
        return f"{self.role} ≤ {self.max_amount}"
