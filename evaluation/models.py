"""Evaluation, decisions and objections: the part common to every evaluation method.

The three methods (FCFS_DIRECT for ΚΥΑ 7066, COMPARATIVE for call 004, POINTS_RANKING for ΚΥΑ 16936)
share these tables; method-specific sub-apps (`evaluation.comparative`, `evaluation.points`) add
their own tables and register their criteria and result rule in `evaluation.methods`.

- `EvaluationRound`: one per call; the method is copied from the call when the round opens.
- `Assignment`: who looks at which application in which role (evaluator = level 1, committee
  member, second level = ΚΠΑ2 head / approving supervisor). `evaluated_operation` facts stay
  queryable forever so verification can refuse «an evaluator never monitors an operation they
  evaluated» (`evaluation.selectors.users_who_evaluated`).
- `ConflictDeclaration`: the electronic no-conflict declaration (ΚΥΑ 7066 Art. 7.1; call 004
  §10.1); without a signed «no conflict» the assignment cannot open the application.
- `Evaluation` + `Finding`: the form of one assignment, one finding per criterion; FSM
  draft → submitted → reviewed.
- `SecondLevelReview`: the supervisor agrees or deviates with recorded reasons (Art. 7.1β).
- `ClarificationRequest`: written question to the applicant with a reply deadline (Art. 7.1β).
- `PreInclusionCheck`: the ΠΣΣΕΗΣ cumulation re-check before an approval (Art. 7.2, 7.3).
- `Decision`: approval / rejection / approved-not-funded / inclusion; FSM draft → signed →
  published (ΑΔΑ) → notified (legal service time).
- `Objection`: once per decision, within the call's deadline; committee opinion, then decision.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from opske.dates import to_athens

ZERO = Decimal("0.00")


class EvaluationRound(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Σε εξέλιξη"
        CLOSED = "closed", "Ολοκληρώθηκε"

    call = models.OneToOneField("calls.Call", on_delete=models.PROTECT, related_name="evaluation_round")
    method = models.CharField("μέθοδος", max_length=20)
    state = models.CharField("κατάσταση", max_length=10, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "γύρος αξιολόγησης"
        verbose_name_plural = "γύροι αξιολόγησης"

    def __str__(self):
        return f"Αξιολόγηση {self.call.code}"


class Assignment(models.Model):
    class Role(models.TextChoices):
        EVALUATOR = "evaluator", "Αξιολογητής (α' επίπεδο)"
        COMMITTEE = "committee", "Μέλος επιτροπής αξιολόγησης"
        SECOND_LEVEL = "second_level", "Προϊστάμενος ΚΠΑ2 / εγκρίνων (β' επίπεδο)"

    class State(models.TextChoices):
        AWAITING_DECLARATION = "awaiting_declaration", "Αναμένεται δήλωση μη σύγκρουσης"
        ACTIVE = "active", "Ενεργή"
        DONE = "done", "Ολοκληρώθηκε"
        CONFLICTED = "conflicted", "Δηλώθηκε σύγκρουση συμφερόντων"
        WITHDRAWN = "withdrawn", "Ανακλήθηκε"

    OPEN_STATES = (State.AWAITING_DECLARATION, State.ACTIVE)

    round = models.ForeignKey(EvaluationRound, on_delete=models.PROTECT, related_name="assignments")
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="evaluation_assignments"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluation_assignments"
    )
    role = models.CharField("ρόλος", max_length=20, choices=Role.choices)
    state = models.CharField(
        "κατάσταση", max_length=25, choices=State.choices, default=State.AWAITING_DECLARATION
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    automatic = models.BooleanField("αυτόματη ανάθεση", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ανάθεση"
        verbose_name_plural = "αναθέσεις"
        ordering = ["created_at", "pk"]
        constraints = [
            # One open assignment per person and application, whatever the role: the same person
            # never evaluates one application at two levels.
            models.UniqueConstraint(
                fields=["application", "evaluator"],
                condition=Q(state__in=["awaiting_declaration", "active", "done"]),
                name="uniq_live_assignment_per_person",
            ),
        ]
        indexes = [models.Index(fields=["evaluator", "state"])]

    def __str__(self):
        return f"{self.application} → {self.evaluator} ({self.get_role_display()})"

    @property
    def level(self) -> int:
        return 2 if self.role == self.Role.SECOND_LEVEL else 1


class ConflictDeclaration(models.Model):
    """Δήλωση μη σύγκρουσης συμφερόντων, signed electronically by the assignee (Art. 7.1, D3)."""

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="declaration")
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField()
    has_conflict = models.BooleanField("υπάρχει σύγκρουση συμφερόντων")
    text = models.TextField("κείμενο δήλωσης")
    details = models.TextField("περιγραφή της σύγκρουσης", blank=True)
    confirmed = models.BooleanField("επιβεβαίωση με τους κωδικούς του χρήστη", default=False)

    class Meta:
        verbose_name = "δήλωση σύγκρουσης συμφερόντων"
        verbose_name_plural = "δηλώσεις σύγκρουσης συμφερόντων"
        constraints = [models.CheckConstraint(condition=Q(confirmed=True), name="declaration_confirmed")]

    def __str__(self):
        return f"Δήλωση {'σύγκρουσης' if self.has_conflict else 'μη σύγκρουσης'} ({self.assignment})"


class Evaluation(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Σε σύνταξη"
        SUBMITTED = "submitted", "Υποβλήθηκε"
        REVIEWED = "reviewed", "Οριστικοποιήθηκε (β' επίπεδο)"

    class Result(models.TextChoices):
        PENDING = "", "—"
        PASS = "pass", "Θετική"
        FAIL = "fail", "Αρνητική"

    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="evaluations"
    )
    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="evaluation")
    level = models.PositiveSmallIntegerField("επίπεδο", default=1)
    state = FSMField("κατάσταση", max_length=10, choices=State.choices, default=State.DRAFT, protected=True)
    result = models.CharField("αποτέλεσμα αξιολογητή", max_length=5, choices=Result.choices, blank=True)
    # What stands after the second level (and after an accepted objection).
    final_result = models.CharField("τελικό αποτέλεσμα", max_length=5, choices=Result.choices, blank=True)
    score = models.DecimalField("βαθμολογία", max_digits=8, decimal_places=2, null=True, blank=True)
    justification = models.TextField("παρατηρήσεις / αιτιολόγηση", blank=True)
    reasons = models.JSONField("λόγοι του αποτελέσματος", default=list, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "αξιολόγηση"
        verbose_name_plural = "αξιολογήσεις"
        ordering = ["application", "level", "pk"]

    def __str__(self):
        return f"Αξιολόγηση {self.application} ({self.get_state_display()})"

    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED)
    def submit(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.REVIEWED)
    def mark_reviewed(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.DRAFT)
    def return_to_evaluator(self):
        pass


class Finding(models.Model):
    """One criterion's value on one evaluation form (Annex 4 columns Κατάσταση/Τιμή/Αιτιολόγηση)."""

    class Value(models.TextChoices):
        YES = "yes", "ΝΑΙ"
        NO = "no", "ΟΧΙ"
        SCORE = "score", "Βαθμολογία"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="findings")
    criterion_code = models.CharField("κριτήριο", max_length=20)
    value = models.CharField("τιμή", max_length=5, choices=Value.choices)
    score = models.DecimalField("βαθμός", max_digits=8, decimal_places=2, null=True, blank=True)
    justification = models.TextField("αιτιολόγηση", blank=True)
    remarks = models.TextField("παρατηρήσεις", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "εύρημα"
        verbose_name_plural = "ευρήματα"
        ordering = ["evaluation", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion_code"], name="uniq_finding_per_criterion"
            )
        ]

    def __str__(self):
        shown = self.score if self.value == self.Value.SCORE else self.get_value_display()
        return f"{self.criterion_code}: {shown}"


class SecondLevelReview(models.Model):
    class Outcome(models.TextChoices):
        AGREE = "agree", "Συμφωνία με το α' επίπεδο"
        DEVIATE = "deviate", "Απόκλιση με αιτιολόγηση"

    evaluation = models.OneToOneField(Evaluation, on_delete=models.PROTECT, related_name="review")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField("κρίση", max_length=10, choices=Outcome.choices)
    final_result = models.CharField("τελικό αποτέλεσμα", max_length=5, choices=Evaluation.Result.choices[1:])
    reasons = models.TextField("αιτιολόγηση", blank=True)
    # {criterion_code: {"value": "yes"|"no"|"score", "score": "…", "justification": "…"}}
    overrides = models.JSONField("διαφοροποιημένα κριτήρια", default=dict, blank=True)
    reviewed_at = models.DateTimeField()

    class Meta:
        verbose_name = "έλεγχος β' επιπέδου"
        verbose_name_plural = "έλεγχοι β' επιπέδου"
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="agree") | ~Q(reasons=""), name="deviation_has_reasons"
            )
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} ({self.evaluation})"


class ClarificationRequest(models.Model):
    """Αίτημα διευκρινίσεων (ΚΥΑ 7066 Art. 7.1β): reply within the call's deadline, else rejection."""

    class State(models.TextChoices):
        OPEN = "open", "Αναμένεται απάντηση"
        ANSWERED = "answered", "Απαντήθηκε"
        EXPIRED = "expired", "Έληξε χωρίς απάντηση"

    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="clarification_requests"
    )
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="clarifications")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    question = models.TextField("ερώτημα")
    requested_at = models.DateTimeField()
    due_on = models.DateField("προθεσμία απάντησης")
    state = models.CharField("κατάσταση", max_length=10, choices=State.choices, default=State.OPEN)
    reply = models.TextField("απάντηση", blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "αίτημα διευκρινίσεων"
        verbose_name_plural = "αιτήματα διευκρινίσεων"
        ordering = ["requested_at", "pk"]

    def __str__(self):
        return f"Διευκρινίσεις για {self.application} έως {self.due_on:%d/%m/%Y}"


class PreInclusionCheck(models.Model):
    """Προενταξιακός έλεγχος: the ΠΣΣΕΗΣ cumulation check repeated before approval (Art. 7.2, 7.3)."""

    class State(models.TextChoices):
        PENDING = "pending", "Σε εξέλιξη (αναμονή ΠΣΣΕΗΣ)"
        DONE = "done", "Ολοκληρώθηκε"
        REFUSED = "refused", "Το μητρώο απέρριψε το αίτημα"

    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="pre_inclusion_checks"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    state = models.CharField("κατάσταση", max_length=10, choices=State.choices, default=State.PENDING)
    prior_de_minimis = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "προενταξιακός έλεγχος"
        verbose_name_plural = "προενταξιακοί έλεγχοι"
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"Προενταξιακός έλεγχος {self.application} ({self.get_state_display()})"


class DeminimisState(models.TextChoices):
    """Where the grant stands in ΠΣΣΕΗΣ; empty when nothing is to be registered."""

    PENDING = "pending", "Αναμένεται καταχώριση"
    REGISTERED = "registered", "Καταχωρίστηκε"
    REFUSED = "refused", "Το μητρώο απέρριψε την καταχώριση"


class Decision(ConcurrentTransitionMixin, models.Model):
    DeminimisState = DeminimisState

    class Kind(models.TextChoices):
        APPROVAL = "approval", "Εγκριτική απόφαση"
        REJECTION = "rejection", "Απορριπτική απόφαση"
        APPROVED_NOT_FUNDED = "approved_not_funded", "Εγκεκριμένη μη χρηματοδοτούμενη"
        INCLUSION = "inclusion", "Απόφαση ένταξης"

    class State(models.TextChoices):
        DRAFT = "draft", "Σχέδιο"
        SIGNED = "signed", "Υπεγράφη · αναμένεται ανάρτηση στη Διαύγεια"
        PUBLISHED = "published", "Αναρτήθηκε στη Διαύγεια"
        NOTIFIED = "notified", "Κοινοποιήθηκε"
        SUPERSEDED = "superseded", "Αντικαταστάθηκε (μετά από ένσταση)"

    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="decisions"
    )
    round = models.ForeignKey(EvaluationRound, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField("είδος", max_length=25, choices=Kind.choices)
    state = FSMField("κατάσταση", max_length=12, choices=State.choices, default=State.DRAFT, protected=True)
    protocol_number = models.CharField("αριθμός πρωτοκόλλου", max_length=60, unique=True)
    subject = models.CharField("θέμα", max_length=400)
    amount_total = models.DecimalField("συνολικό ποσό (€)", max_digits=14, decimal_places=2, default=ZERO)
    de_minimis_amount = models.DecimalField(
        "ποσό ενίσχυσης de minimis (€)", max_digits=14, decimal_places=2, default=ZERO
    )
    # Method-specific body: {"positions": [...], "per_category": [...], "reasons": [...], ...}
    details = models.JSONField("περιεχόμενο", default=dict, blank=True)
    document = models.ForeignKey(
        "opske.GeneratedDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    ada = models.CharField("ΑΔΑ", max_length=30, blank=True)
    diavgeia_url = models.URLField("σύνδεσμος Διαύγειας", blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    publish_error = models.TextField("τελευταίο σφάλμα ανάρτησης", blank=True)
    # The e-mail's sending time is the legal service time (ΚΥΑ 7066 Art. 7.3, 6.10): it starts the
    # objection deadline and, for an approval, is the grant date and the start of implementation.
    notified_at = models.DateTimeField("χρόνος κοινοποίησης (νόμιμη επίδοση)", null=True, blank=True)
    objection_deadline = models.DateField("προθεσμία ενστάσεων", null=True, blank=True)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    # ΠΣΣΕΗΣ registration of the granted de minimis aid (Reg. 2023/2831 Art. 6; ΚΥΑ 7066 Art. 7.6):
    # made after the approval's notice is sent, because that sending date *is* the grant date.
    deminimis_state = models.CharField(
        "καταχώριση στο ΠΣΣΕΗΣ", max_length=12, choices=DeminimisState.choices, blank=True, default=""
    )
    deminimis_registry_id = models.CharField("αριθμός καταχώρισης ΠΣΣΕΗΣ", max_length=60, blank=True)
    deminimis_registered_at = models.DateTimeField("χρόνος καταχώρισης ΠΣΣΕΗΣ", null=True, blank=True)
    deminimis_error = models.TextField("τελευταίο σφάλμα καταχώρισης ΠΣΣΕΗΣ", blank=True)
    # The application's standing decision: its newest that is neither superseded nor an inclusion,
    # the one its row of the results table shows. Kept by save() (`restand`); the tables read it
    # through a partial index instead of an anti-join over every decision of the call (a deep page at
    # 40,000 decisions: 92 ms of database time; issue 11).
    standing = models.BooleanField("ισχύουσα", default=False, editable=False)

    class Meta:
        verbose_name = "απόφαση"
        verbose_name_plural = "αποφάσεις"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["application", "state"]),
            models.Index(fields=["round"], condition=Q(standing=True), name="evaluation_decision_standing"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.protocol_number}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.standing = Decision.restand(self.application_id) == self.pk

    @classmethod
    def restand(cls, application_id) -> int | None:
        """Mark the application's standing decision (and only it); returns its key. A decision made,
        or one superseded, changes which one stands, so every save() calls this."""
        newest = (
            cls.objects.filter(application_id=application_id)
            .exclude(state=cls.State.SUPERSEDED)
            .exclude(kind=cls.Kind.INCLUSION)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        cls.objects.filter(application_id=application_id, standing=True).exclude(pk=newest).update(
            standing=False
        )
        if newest is not None:
            cls.objects.filter(pk=newest, standing=False).update(standing=True)
        return newest

    @property
    def grant_date(self):
        """ΚΥΑ 7066 Art. 7.3, 7.6, 2.18: the notification's sending date grants the de minimis aid."""
        # The day in Athens: a notice sent at 00:30 Athens time is 22:30 UTC of the day before.
        if self.notified_at is None or self.kind != self.Kind.APPROVAL:
            return None
        return to_athens(self.notified_at).date()

    @property
    def deminimis_reference(self) -> str:
        """Our reference in ΠΣΣΕΗΣ: one per decision, so a retried registration is the same one."""
        return f"opske-decision-{self.pk}"

    @transition(field=state, source=State.DRAFT, target=State.SIGNED)
    def sign(self):
        pass

    @transition(field=state, source=State.SIGNED, target=State.PUBLISHED)
    def mark_published(self):
        pass

    @transition(field=state, source=State.PUBLISHED, target=State.NOTIFIED)
    def mark_notified(self):
        pass

    @transition(field=state, source=[State.DRAFT, State.SIGNED, State.PUBLISHED, State.NOTIFIED],
                target=State.SUPERSEDED)  # fmt: skip
    def supersede(self):
        pass


class Objection(ConcurrentTransitionMixin, models.Model):
    """Ένσταση κατά αποτελέσματος (ΚΥΑ 7066 Art. 7.5; call 004 §10.4; ΚΥΑ 16936 Art. 5(8))."""

    class State(models.TextChoices):
        FILED = "filed", "Υποβλήθηκε"
        OPINION = "opinion", "Γνωμοδότηση επιτροπής"
        ACCEPTED = "accepted", "Έγινε δεκτή"
        REJECTED = "rejected", "Απορρίφθηκε"

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="objection")
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="objections"
    )
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    text = models.TextField("λόγοι της ένστασης")
    state = FSMField("κατάσταση", max_length=10, choices=State.choices, default=State.FILED, protected=True)
    body = models.CharField("εξετάζον όργανο", max_length=200)
    filing_deadline = models.DateField("προθεσμία υποβολής")
    decision_due = models.DateField("προθεσμία απόφασης")
    opinion = models.TextField("γνωμοδότηση", blank=True)
    opinion_recommends = models.CharField("εισήγηση", max_length=10, blank=True)
    opinion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opinion_at = models.DateTimeField(null=True, blank=True)
    outcome_reasons = models.TextField("αιτιολόγηση απόφασης", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "ένσταση"
        verbose_name_plural = "ενστάσεις"
        ordering = ["-filed_at", "-pk"]

    def __str__(self):
        return f"Ένσταση για {self.decision}"

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.FILED, self.State.OPINION)

    @transition(field=state, source=State.FILED, target=State.OPINION)
    def give_opinion(self):
        pass

    @transition(field=state, source=[State.FILED, State.OPINION], target=State.ACCEPTED)
    def accept(self):
        pass

    @transition(field=state, source=[State.FILED, State.OPINION], target=State.REJECTED)
    def reject(self):
        pass
