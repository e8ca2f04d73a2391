"""Recoveries (ανακτήσεις) of amounts paid, the reference rates behind their interest, and the
interest lines (issue 13).

A `Recovery` is one amount an operation's business must pay back:
- a ΚΥΑ 7066 Art. 11 clawback from a `RecoveryCase` (a position interrupted after a payment);
- a financial correction (ΔΚΔ, `verification.Correction`) on an amount already paid;
- a breach of call 004's 3-year obligations (§14.2, an `ObligationCheck` found breached);
- another undue payment.

Flow (`payments.services.recoveries`): COMPUTED (the principal with its lines and the interest
lines) → DECIDED (by the competent organ: supervisor or programme_admin for the ΔΥΠΑ Board's
designated organ, the Governor's role for call 004; never the one who computed it) → INVITED
(the invitation letter; repayment due in 15 days, a deadline on the engine) → REPAID, or when the
15 days pass unpaid → CERTIFIED (πράξη βεβαίωσης οφειλής, art. 29 §8 ν.1262/1982) → SENT to the
competent Public Treasury (the ΔΟΥ of the business) for certification and collection.
A decision that nothing is to be returned (the "stop future payments" reading) ends at DECIDED
with `nothing_due`. CANCELLED ends a computed recovery that is dropped.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

ZERO = Decimal("0.00")


class Recovery(ConcurrentTransitionMixin, models.Model):
    class Origin(models.TextChoices):
        CLAWBACK = "clawback", "Ανάκτηση ΚΥΑ 7066 Άρθ. 11 (διακοπή θέσης)"
        CORRECTION = "correction", "Δημοσιονομική διόρθωση (ΔΚΔ)"
        OBLIGATION = "obligation", "Παράβαση μακροχρόνιων υποχρεώσεων (Πρόσκληση 004 §14)"
        OTHER = "other", "Άλλο αχρεωστήτως καταβληθέν ποσό"

    class State(models.TextChoices):
        COMPUTED = "computed", "Υπολογίστηκε"
        DECIDED = "decided", "Αποφασίστηκε"
        INVITED = "invited", "Κλήθηκε σε επιστροφή"
        REPAID = "repaid", "Επιστράφηκε"
        CERTIFIED = "certified", "Βεβαιώθηκε οφειλή"
        SENT = "sent", "Διαβιβάστηκε στη ΔΟΥ"
        CANCELLED = "cancelled", "Ακυρώθηκε"

    OPEN_STATES = (State.COMPUTED, State.DECIDED, State.INVITED, State.CERTIFIED)

    operation = models.ForeignKey("operations.Operation", on_delete=models.PROTECT, related_name="recoveries")
    code = models.CharField("κωδικός ανάκτησης", max_length=60, unique=True)
    origin = models.CharField("προέλευση", max_length=20, choices=Origin.choices)
    recovery_case = models.ForeignKey(
        "operations.RecoveryCase", null=True, blank=True, on_delete=models.PROTECT, related_name="recoveries"
    )
    correction = models.ForeignKey(
        "verification.Correction", null=True, blank=True, on_delete=models.PROTECT, related_name="recoveries"
    )
    obligation_check = models.ForeignKey(
        "operations.ObligationCheck",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recoveries",
    )
    state = FSMField(
        "κατάσταση", max_length=12, choices=State.choices, default=State.COMPUTED, protected=True
    )
    reading = models.CharField("ανάγνωση / είδος παράβασης", max_length=30, blank=True)
    nothing_due = models.BooleanField("δεν επιστρέφεται ποσό", default=False)
    principal = models.DecimalField("κεφάλαιο προς επιστροφή (€)", max_digits=14, decimal_places=2)
    # [{"label", "amount", "citation"}]: how the principal was computed.
    lines = models.JSONField("ανάλυση κεφαλαίου", default=list, blank=True)
    interest = models.DecimalField("τόκοι (€)", max_digits=14, decimal_places=2, default=ZERO)
    interest_end = models.CharField("τόκοι έως", max_length=12)  # recovery_rules.END_AT_*
    interest_to = models.DateField("τόκοι υπολογισμένοι έως", null=True, blank=True)
    reason = models.TextField("αιτιολογία")
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    computed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_role = models.CharField("αρμόδιο όργανο (ρόλος)", max_length=30, blank=True)
    decided_on = models.DateField("ημερομηνία απόφασης", null=True, blank=True)
    decision_protocol = models.CharField("αριθμός απόφασης", max_length=80, blank=True)
    invited_on = models.DateField("ημερομηνία πρόσκλησης", null=True, blank=True)
    due_on = models.DateField("προθεσμία επιστροφής", null=True, blank=True)
    objection_due = models.DateField("προθεσμία αντιρρήσεων", null=True, blank=True)
    objection_text = models.TextField("αντιρρήσεις του δικαιούχου", blank=True)
    objected_at = models.DateTimeField("υποβολή αντιρρήσεων", null=True, blank=True)
    objected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overdue_since = models.DateTimeField("ληξιπρόθεσμη από", null=True, blank=True)
    repaid_amount = models.DecimalField(
        "ποσό που επιστράφηκε (€)", max_digits=14, decimal_places=2, null=True
    )
    repaid_on = models.DateField("ημερομηνία επιστροφής", null=True, blank=True)
    repaid_reference = models.CharField("στοιχεία καταβολής", max_length=200, blank=True)
    repaid_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    certified_on = models.DateField("ημερομηνία πράξης βεβαίωσης", null=True, blank=True)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    treasury_code = models.CharField("κωδικός ΔΟΥ", max_length=10, blank=True)
    treasury_name = models.CharField("αρμόδια ΔΟΥ (δημόσιο Ταμείο)", max_length=120, blank=True)
    sent_on = models.DateField("ημερομηνία διαβίβασης", null=True, blank=True)
    sent_reference = models.CharField("αριθμός διαβιβαστικού", max_length=80, blank=True)
    invitation_document = models.ForeignKey(
        "opske.GeneratedDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    certificate_document = models.ForeignKey(
        "opske.GeneratedDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "ανάκτηση"
        verbose_name_plural = "ανακτήσεις"
        ordering = ["-computed_at", "-pk"]
        indexes = [models.Index(fields=["operation", "state"]), models.Index(fields=["state", "origin"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(principal__gte=0) & Q(interest__gte=0), name="recovery_non_negative"
            ),
            models.UniqueConstraint(
                fields=["recovery_case"],
                condition=Q(recovery_case__isnull=False) & ~Q(state="cancelled"),
                name="uniq_recovery_per_case",
            ),
            models.UniqueConstraint(
                fields=["correction"],
                condition=Q(correction__isnull=False) & ~Q(state="cancelled"),
                name="uniq_recovery_per_correction",
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.get_origin_display()}"

    @property
    def reading_label(self) -> str:
        """The reading (ΚΥΑ 7066 `clawback_reading`) or the kind of breach (call 004), in Greek."""
        from calls.gaps import GAPS_BY_KEY
        from payments.recovery_rules import BREACH_KINDS

        labels = {**dict(GAPS_BY_KEY["clawback_reading"].choices), **BREACH_KINDS}
        return labels.get(self.reading, self.reading)

    @property
    def total_due(self) -> Decimal:
        return self.principal + self.interest

    @transition(field=state, source=State.COMPUTED, target=State.DECIDED)
    def decide(self):
        pass

    @transition(field=state, source=State.COMPUTED, target=State.CANCELLED)
    def cancel(self):
        pass

    @transition(field=state, source=State.DECIDED, target=State.INVITED)
    def invite(self):
        pass

    @transition(field=state, source=[State.INVITED, State.CERTIFIED, State.SENT], target=State.REPAID)
    def record_repayment(self):
        pass

    @transition(field=state, source=State.INVITED, target=State.CERTIFIED)
    def certify(self):
        pass

    @transition(field=state, source=State.CERTIFIED, target=State.SENT)
    def send_to_treasury(self):
        pass


class InterestLine(models.Model):
    """Interest on one part of the principal for one calendar year: amount × rate × days/365."""

    recovery = models.ForeignKey(Recovery, on_delete=models.CASCADE, related_name="interest_lines")
    seq = models.PositiveSmallIntegerField("α/α")
    payment = models.ForeignKey(
        "payments.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    label = models.CharField("πληρωμή", max_length=200, blank=True)
    basis = models.DecimalField("κεφάλαιο (€)", max_digits=14, decimal_places=2)
    year = models.PositiveSmallIntegerField("έτος")
    date_from = models.DateField("από")
    date_to = models.DateField("έως (μη συμπεριλαμβανομένης)")
    days = models.PositiveIntegerField("ημέρες")
    rate = models.DecimalField("επιτόκιο (% ετησίως)", max_digits=6, decimal_places=3)
    amount = models.DecimalField("τόκος (€)", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "γραμμή τόκων"
        verbose_name_plural = "γραμμές τόκων"
        ordering = ["recovery_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["recovery", "seq"], name="uniq_interest_line_seq")]

    def __str__(self):
        return f"{self.year}: {self.amount}"

    @property
    def rate_display(self) -> str:
        from payments.recovery_rules import format_rate

        return format_rate(self.rate)

    @property
    def last_day(self):
        """The last day counted (the day of the payment counts, the end point does not)."""
        return self.date_to - datetime.timedelta(days=1)


class ReferenceRate(models.Model):
    """The European Commission's reference rate for Greece of a calendar year (Reg. 794/2004
    Ch. V, published in the OJ EU), maintained by staff."""

    year = models.PositiveSmallIntegerField("έτος", unique=True)
    rate = models.DecimalField("επιτόκιο αναφοράς (% ετησίως)", max_digits=6, decimal_places=3)
    source = models.CharField("πηγή (δημοσίευση ΕΕ)", max_length=300)
    to_verify = models.BooleanField("προς επαλήθευση με τη δημοσίευση", default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "επιτόκιο αναφοράς"
        verbose_name_plural = "επιτόκια αναφοράς"
        ordering = ["-year"]
        constraints = [models.CheckConstraint(condition=Q(rate__gte=0), name="reference_rate_non_negative")]

    def __str__(self):
        return f"{self.year}: {self.rate}%"

    @property
    def rate_display(self) -> str:
        from payments.recovery_rules import format_rate

        return format_rate(self.rate)
