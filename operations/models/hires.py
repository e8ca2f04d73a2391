"""ΚΥΑ 7066 positions over the operation's life: the approved positions, the hires that fill them,
leavers and their replacement (Art. 10.2–10.4), headcount checks (Art. 10.1) and the recovery
cases an interruption opens (Art. 11).

A `Position` is one approved person of the decision (Art. 7.4: «σύμφωνα με τα χαρακτηριστικά … που
έχουν ενσωματωθεί στην εγκριτική απόφαση»); each `Hire` is one person employed on it, the first
one or a replacement (Art. 10.3). Amounts are computed by operations.rules.hires.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

ZERO = Decimal("0.00")


class Position(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Αναμένεται πρόσληψη"
        FILLED = "filled", "Καλυμμένη"
        VACANT = "vacant", "Κενή · αναμένεται αντικατάσταση"
        STOPPED = "stopped", "Διακόπηκε χωρίς επιπτώσεις (Άρθ. 10.4γ)"
        INTERRUPTED = "interrupted", "Διακόπηκε · περικοπή θέσης (Άρθ. 10.4α)"
        COMPLETED = "completed", "Ολοκληρώθηκε"

    class Extension(models.TextChoices):
        NONE = "", "—"
        REQUESTED = "requested", "Ζητήθηκε"
        GRANTED = "granted", "Εγκρίθηκε"
        REFUSED = "refused", "Απορρίφθηκε"

    operation = models.ForeignKey("operations.Operation", on_delete=models.CASCADE, related_name="positions")
    seq = models.PositiveSmallIntegerField("α/α θέσης")
    category = models.CharField("εγκεκριμένη κατηγορία", max_length=5)
    specialty = models.CharField("ειδικότητα", max_length=200, blank=True)
    state = FSMField("κατάσταση", max_length=12, choices=State.choices, default=State.OPEN, protected=True)
    hiring_deadline = models.DateField("προθεσμία πρόσληψης (Άρθ. 7.4)")
    unfilled_flagged_at = models.DateTimeField("επισήμανση μη πλήρωσης", null=True, blank=True)
    vacated_on = models.DateField("ημερομηνία αποχώρησης", null=True, blank=True)
    replacement_due = models.DateField("προθεσμία αντικατάστασης (Άρθ. 10.2)", null=True, blank=True)
    extension = models.CharField(
        "παράταση 30 ημερών", max_length=10, choices=Extension.choices, default=Extension.NONE, blank=True
    )
    extension_reason = models.TextField("αιτιολογία αιτήματος παράτασης", blank=True)
    extension_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    stopped_reason = models.TextField("αιτιολογία διακοπής", blank=True)
    cut_amount = models.DecimalField(
        "περικοπή από την πράξη (€)", max_digits=14, decimal_places=2, default=ZERO
    )

    class Meta:
        verbose_name = "θέση πράξης"
        verbose_name_plural = "θέσεις πράξης"
        ordering = ["operation_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "seq"], name="uniq_operation_position_seq")
        ]

    def __str__(self):
        return f"Θέση {self.seq} ({self.category}) · {self.operation}"

    @transition(field=state, source=[State.OPEN, State.VACANT], target=State.FILLED)
    def fill(self):
        pass

    @transition(field=state, source=State.FILLED, target=State.VACANT)
    def vacate(self):
        pass

    @transition(field=state, source=[State.VACANT, State.OPEN], target=State.STOPPED)
    def stop_without_consequence(self):
        pass

    @transition(field=state, source=[State.VACANT, State.OPEN], target=State.INTERRUPTED)
    def interrupt(self):
        pass

    @transition(field=state, source=State.FILLED, target=State.COMPLETED)
    def complete(self):
        pass


class Hire(models.Model):
    """One person employed on a position, checked against ΕΡΓΑΝΗ Ε3 and Art. 4.2.1 when recorded."""

    class State(models.TextChoices):
        ACTIVE = "active", "Απασχολείται"
        LEFT = "left", "Αποχώρησε"

    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="hires")
    operation = models.ForeignKey("operations.Operation", on_delete=models.PROTECT, related_name="hires")
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    amka = models.CharField("ΑΜΚΑ", max_length=11)
    hire_date = models.DateField("ημερομηνία πρόσληψης")
    category = models.CharField("κατηγορία ανέργου", max_length=5)
    monthly_rate = models.DecimalField("μηνιαίο ποσό (€)", max_digits=10, decimal_places=2)
    months = models.PositiveSmallIntegerField("μήνες επιχορήγησης", default=12)
    referral_number = models.CharField("αριθμός συστατικού σημειώματος ΔΥΠΑ", max_length=60)
    referral_date = models.DateField("ημερομηνία υπόδειξης")
    kpa2 = models.CharField("ΚΠΑ2 εγγραφής", max_length=120, blank=True)
    work_from = models.TimeField("ωράριο από")
    work_to = models.TimeField("ωράριο έως")
    e3_protocol = models.CharField("πρωτόκολλο Ε3", max_length=60, blank=True)
    e3_weekly_hours = models.DecimalField("ώρες εβδομαδιαίως (Ε3)", max_digits=5, decimal_places=2, null=True)
    checks = models.JSONField("έλεγχοι κατά την καταχώριση", default=list, blank=True)
    state = models.CharField("κατάσταση", max_length=10, choices=State.choices, default=State.ACTIVE)
    left_on = models.DateField("τελευταία ημέρα απασχόλησης", null=True, blank=True)
    leaving_reason = models.CharField("αιτία αποχώρησης", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "πρόσληψη"
        verbose_name_plural = "προσλήψεις"
        ordering = ["position_id", "hire_date", "pk"]

    def __str__(self):
        return f"Πρόσληψη {self.hire_date:%d/%m/%Y} · θέση {self.position.seq}"

    @property
    def masked_amka(self) -> str:
        return f"{self.amka[:2]}•••••••{self.amka[-2:]}" if self.amka else ""


class HeadcountCheck(models.Model):
    """Art. 10.1: the committed staff (pre-existing + subsidised) against ΕΡΓΑΝΗ, one period at a time."""

    operation = models.ForeignKey(
        "operations.Operation", on_delete=models.CASCADE, related_name="headcount_checks"
    )
    period_start = models.DateField("από")
    period_end = models.DateField("έως")
    committed = models.PositiveIntegerField("δεσμευόμενο προσωπικό")
    actual = models.PositiveIntegerField("προσωπικό στο ΕΡΓΑΝΗ")
    uncovered = models.PositiveIntegerField("μείωση χωρίς κάλυψη", default=0)
    ok = models.BooleanField("τηρείται")
    reason = models.TextField("αιτιολόγηση")
    departures = models.JSONField("αποχωρήσεις", default=list, blank=True)
    replacement_due = models.DateField("προθεσμία αντικατάστασης", null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "έλεγχος διατήρησης προσωπικού"
        verbose_name_plural = "έλεγχοι διατήρησης προσωπικού"
        ordering = ["operation_id", "-period_end", "-pk"]

    def __str__(self):
        return f"Προσωπικό {self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y} · {self.operation}"


class RecoveryCase(models.Model):
    """Art. 11: an interruption after a payment opens the recovery workflow; issue 13 computes it."""

    class State(models.TextChoices):
        OPEN = "open", "Ανοικτή"

    operation = models.ForeignKey(
        "operations.Operation", on_delete=models.PROTECT, related_name="recovery_cases"
    )
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="recovery_cases")
    leaving_date = models.DateField("ημερομηνία αποχώρησης")
    reason = models.TextField("αιτία")
    state = models.CharField("κατάσταση", max_length=10, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "υπόθεση ανάκτησης"
        verbose_name_plural = "υποθέσεις ανάκτησης"
        ordering = ["-opened_at", "-pk"]

    def __str__(self):
        return f"Ανάκτηση · {self.position}"
