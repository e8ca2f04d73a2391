"""On-the-spot verifications (επιτόπιες επαληθεύσεις), Guidance Ο.3 §4.4, procedures ΔΙΙ_7/ΔΙΙ_8.

- `ReliabilityRating`: the ΣΔΕ reliability of the Audit Authority's latest Annual Control Report
  (ΕΕΕ), entered by staff; it sizes the semester's sample (§4.4.3).
- `OnSiteSample`: one per semester, Programme and management body (§7.3 of the domain note), with
  its seed, the minimums, snapshots of populations A and B and the explanation of each step.
- `OnSiteSelection`: each operation in the sample with why it is there, and its row of the
  programme of visits (Form Ε.ΙΙ_7_1: planned dates, object, team).
- `OnSiteVerification`: the visit; its α/α ελέγχου is issued when dates, semester and object are
  recorded (footnote 5), before any report. Factor 18 reads the last `ended_on`; factor 19 reads
  `amount_checked` against the corrections.
- `OnSiteFinding`: a finding of the visit; an irregular amount becomes a `Correction` (ΔΚΔ,
  origin on_the_spot).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from verification.rules import onsite as rules

ZERO = Decimal("0.00")


class ReliabilityRating(models.Model):
    """Guidance Ο.3 §4.4.3: the overall ΣΔΕ reliability from the ΕΔΕΛ's latest ΕΕΕ (history kept)."""

    LEVELS = list(rules.RELIABILITY_LABELS.items())

    programme = models.ForeignKey(
        "calls.Programme",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reliability_ratings",
        help_text="Κενό: ισχύει για όλα τα προγράμματα του ΣΔΕ.",
    )
    rating = models.CharField("επίπεδο αξιοπιστίας ΣΔΕ (ΕΕΕ)", max_length=20, choices=LEVELS)
    year = models.PositiveSmallIntegerField("έτος ΕΕΕ")
    report_reference = models.CharField("στοιχεία ΕΕΕ", max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "επίπεδο αξιοπιστίας ΣΔΕ (ΕΕΕ)"
        verbose_name_plural = "επίπεδα αξιοπιστίας ΣΔΕ (ΕΕΕ)"
        ordering = ["-year", "-pk"]

    def __str__(self):
        return f"ΕΕΕ {self.year}: {self.get_rating_display()}"


class OnSiteSample(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        DRAWN = "drawn", "Κληρώθηκε"
        PLAN_SUBMITTED = "plan_submitted", "Πρόγραμμα προς έγκριση"
        PLAN_APPROVED = "plan_approved", "Πρόγραμμα εγκρίθηκε"

    programme = models.ForeignKey("calls.Programme", on_delete=models.PROTECT, related_name="onsite_samples")
    management_body = models.CharField("φορέας διαχείρισης", max_length=200, blank=True)
    semester = models.CharField("εξάμηνο", max_length=7)
    state = FSMField("κατάσταση", max_length=20, choices=State.choices, default=State.DRAWN, protected=True)
    seed = models.BigIntegerField("σπόρος κλήρωσης")
    risk_run = models.ForeignKey(
        "verification.RiskRun", null=True, blank=True, on_delete=models.PROTECT, related_name="onsite_samples"
    )
    reliability = models.CharField(
        "επίπεδο αξιοπιστίας που εφαρμόστηκε", max_length=20, choices=ReliabilityRating.LEVELS
    )
    reliability_rating = models.ForeignKey(
        ReliabilityRating, null=True, blank=True, on_delete=models.PROTECT, related_name="samples"
    )
    first_use = models.BooleanField("πρώτη εφαρμογή (χωρίς ΕΕΕ)", default=False)
    share_operations = models.DecimalField("ποσοστό πράξεων", max_digits=4, decimal_places=2)
    share_expenditure = models.DecimalField("ποσοστό δαπανών", max_digits=4, decimal_places=2)
    population_count = models.PositiveIntegerField("πράξεις πληθυσμού Α")
    population_expenditure = models.DecimalField("δαπάνες πληθυσμού Α (€)", max_digits=16, decimal_places=2)
    min_count = models.PositiveIntegerField("ελάχιστος αριθμός πράξεων")
    min_expenditure = models.DecimalField("ελάχιστο ύψος δαπανών (€)", max_digits=16, decimal_places=2)
    mandatory_cap = models.PositiveIntegerField("όριο υποχρεωτικών (50%)")
    remaining_count = models.PositiveIntegerField("εναπομείναν ελάχιστος αριθμός")
    remaining_expenditure = models.DecimalField(
        "εναπομείναν ελάχιστο ύψος δαπανών (€)", max_digits=16, decimal_places=2
    )
    judgmental = models.BooleanField("επιλογή κατά την κρίση (Β ≤ 10)", default=False)
    # [{"operation": id, "code": ..., "expenditure": "…", "stratum": ..., "score": ..., "excluded": code|""}]
    population_a = models.JSONField("πληθυσμός Α", default=list)
    population_b = models.JSONField("πληθυσμός Β ανά στρώμα", default=dict)
    no_execution_population = models.JSONField("πράξεις χωρίς οικονομικό αντικείμενο", default=list)
    allocation = models.JSONField("κατανομή Πίνακα 2", default=dict)
    steps = models.JSONField("τεκμηρίωση βημάτων", default=list)  # [[step, text], ...]
    # The draw as made (before any step-6 replacement): [{"operation", "reason", "detail", "draw"}].
    initial_picks = models.JSONField("αρχική κλήρωση", default=list)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(auto_now_add=True)
    plan_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    plan_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    plan_approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "δείγμα επιτόπιων επαληθεύσεων εξαμήνου"
        verbose_name_plural = "δείγματα επιτόπιων επαληθεύσεων"
        ordering = ["-semester", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "management_body", "semester"], name="uniq_onsite_sample_semester"
            )
        ]

    def __str__(self):
        return f"{self.semester} · {self.programme}"

    @transition(field=state, source=State.DRAWN, target=State.PLAN_SUBMITTED)
    def submit_plan(self):
        pass

    @transition(field=state, source=State.PLAN_SUBMITTED, target=State.PLAN_APPROVED)
    def approve_plan(self):
        pass

    @transition(field=state, source=State.PLAN_SUBMITTED, target=State.DRAWN)
    def return_plan(self):
        pass


class OnSiteSelection(models.Model):
    REASONS = list(rules.SELECTION_REASONS.items())

    sample = models.ForeignKey(OnSiteSample, on_delete=models.CASCADE, related_name="selections")
    operation = models.ForeignKey("operations.Operation", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("λόγος επιλογής", max_length=30, choices=REASONS)
    detail = models.CharField("κατηγορία / αιτιολογία", max_length=40, blank=True)
    note = models.TextField("τεκμηρίωση", blank=True)
    draw = models.PositiveIntegerField("α/α κλήρωσης", null=True, blank=True)
    stratum = models.CharField("στρώμα", max_length=12)
    score = models.PositiveSmallIntegerField("βαθμολογία", null=True, blank=True)
    expenditure = models.DecimalField("δαπάνη εξαμήνου (€)", max_digits=14, decimal_places=2, default=ZERO)
    active = models.BooleanField("στο δείγμα", default=True)
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )
    replacement_reason = models.CharField("λόγος αντικατάστασης", max_length=40, blank=True)
    replacement_note = models.TextField("αιτιολόγηση αντικατάστασης", blank=True)
    # Form Ε.ΙΙ_7_1, one row per operation (ΔΙΙ_7; Ο.3 §4.4.9).
    planned_from = models.DateField("προγραμματισμένη έναρξη", null=True, blank=True)
    planned_to = models.DateField("προγραμματισμένη λήξη", null=True, blank=True)
    planned_object = models.TextField("αντικείμενο (υποέργα, φορείς, εύρος)", blank=True)
    team = models.CharField("κλιμάκιο", max_length=300, blank=True)

    class Meta:
        verbose_name = "πράξη του δείγματος επιτόπιων"
        verbose_name_plural = "πράξεις του δείγματος επιτόπιων"
        ordering = ["sample_id", "pk"]

    def __str__(self):
        return f"{self.sample} · {self.operation} ({self.get_reason_display()})"

    @property
    def is_planned(self) -> bool:
        return bool(self.planned_from and self.planned_to and self.planned_object and self.team)

    @property
    def why(self) -> str:
        if self.reason == rules.MANDATORY:
            return f"{self.get_reason_display()}: {rules.MANDATORY_REASONS.get(self.detail, self.detail)}"
        if self.reason == rules.REPLACEMENT:
            return f"{self.get_reason_display()}: {rules.REPLACEMENT_REASONS.get(self.detail, self.detail)}"
        if self.draw and self.reason in (rules.RANDOM, rules.COVERAGE, rules.NO_FINANCIAL_EXECUTION):
            return f"{self.get_reason_display()} · κλήρωση #{self.draw}"
        return self.get_reason_display()


class OnSiteVerification(ConcurrentTransitionMixin, models.Model):
    class Performer(models.TextChoices):
        MANAGING_BODY = "managing_body", "ΔΑ / ΕΦ"
        AUDIT_AUTHORITY = "audit_authority", "ΕΔΕΛ (έλεγχος)"

    class State(models.TextChoices):
        RECORDED = "recorded", "Καταχωρίστηκε (α/α ελέγχου)"
        PROVISIONAL = "provisional", "Προσωρινή έκθεση: σχόλια δικαιούχου"
        COMMENTS_CLOSED = "comments_closed", "Έκλεισε το διάστημα σχολίων"
        FINAL_SUBMITTED = "final_submitted", "Οριστική έκθεση προς έγκριση"
        FINAL_APPROVED = "final_approved", "Οριστική έκθεση εγκρίθηκε"

    operation = models.ForeignKey(
        "operations.Operation", on_delete=models.PROTECT, related_name="onsite_verifications"
    )
    # Guidance Ο.3 footnote 5: the α/α ελέγχου is issued once dates, semester and object are recorded.
    serial = models.CharField("α/α ελέγχου", max_length=30, unique=True)
    performer = models.CharField(
        "φορέας", max_length=20, choices=Performer.choices, default=Performer.MANAGING_BODY
    )
    semester = models.CharField("εξάμηνο", max_length=7)  # e.g. "2026-H2"
    started_on = models.DateField("έναρξη")
    ended_on = models.DateField("λήξη")
    object = models.TextField("αντικείμενο")
    amount_checked = models.DecimalField(
        "ποσό που ελέγχθηκε (€)", max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    selection = models.ForeignKey(
        OnSiteSelection, null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    state = FSMField(
        "κατάσταση", max_length=20, choices=State.choices, default=State.RECORDED, protected=True
    )
    conclusion = models.TextField("συμπέρασμα", blank=True)
    provisional_issued_at = models.DateTimeField("έκδοση προσωρινής έκθεσης", null=True, blank=True)
    provisional_document = models.ForeignKey(
        "opske.GeneratedDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comments_due = models.DateField("προθεσμία σχολίων δικαιούχου", null=True, blank=True)
    beneficiary_comments = models.TextField("σχόλια δικαιούχου", blank=True)
    comments_at = models.DateTimeField("υποβολή σχολίων", null=True, blank=True)
    comments_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    final_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    final_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    final_approved_at = models.DateTimeField(null=True, blank=True)
    final_document = models.ForeignKey(
        "opske.GeneratedDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "επιτόπια επαλήθευση"
        verbose_name_plural = "επιτόπιες επαληθεύσεις"
        ordering = ["-ended_on", "-pk"]

    def __str__(self):
        return f"{self.serial} · {self.operation}"

    @property
    def comments_open(self) -> bool:
        return self.state == self.State.PROVISIONAL

    @transition(field=state, source=State.RECORDED, target=State.PROVISIONAL)
    def issue_provisional(self):
        pass

    @transition(field=state, source=State.PROVISIONAL, target=State.COMMENTS_CLOSED)
    def close_comments(self):
        pass

    @transition(field=state, source=[State.PROVISIONAL, State.COMMENTS_CLOSED], target=State.FINAL_SUBMITTED)
    def submit_final(self):
        pass

    @transition(field=state, source=State.FINAL_SUBMITTED, target=State.FINAL_APPROVED)
    def approve_final(self):
        pass

    @transition(field=state, source=State.FINAL_SUBMITTED, target=State.COMMENTS_CLOSED)
    def return_final(self):
        pass


class OnSiteFinding(models.Model):
    class Severity(models.TextChoices):
        OBSERVATION = "observation", "Παρατήρηση"
        IRREGULARITY = "irregularity", "Παρατυπία (με δημοσιονομική διόρθωση)"

    verification = models.ForeignKey(OnSiteVerification, on_delete=models.CASCADE, related_name="findings")
    severity = models.CharField("είδος", max_length=20, choices=Severity.choices)
    description = models.TextField("εύρημα")
    irregular_amount = models.DecimalField(
        "μη επιλέξιμο ποσό (€)", max_digits=14, decimal_places=2, default=ZERO
    )
    correction = models.OneToOneField(
        "verification.Correction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="onsite_finding",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "εύρημα επιτόπιας επαλήθευσης"
        verbose_name_plural = "ευρήματα επιτόπιας επαλήθευσης"
        ordering = ["verification_id", "pk"]

    def __str__(self):
        return f"{self.verification.serial} · {self.get_severity_display()}"
