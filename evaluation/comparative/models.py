"""Comparative evaluation (call 004 §10.1–10.4): committee, score sheets, cuts, opinion, ranking runs.

The common framework (rounds, assignments with conflict declarations, decisions, objections)
lives in `evaluation.models`; these tables hold what only the comparative method has:

- `Committee`: the Επιτροπή Αξιολόγησης appointed for a round (members with the committee role,
  one chair) — §10.1.
- `ComparativeScore`: one per application, the three stages Α/Β/Γ and the totals cached at
  finalisation; FSM draft → finalised (→ draft again only when an accepted objection re-opens it).
- `CriterionScore`: one sub-criterion's value with its justification (Annex V §3).
- `BudgetCut`: a cut on one budget line with its reason (§10.1, table 1 "τεκμηρίωση περικοπής").
- `RankingRun`: the frozen result of one ranking (inputs, the three tables of §10.2, who, when);
  FSM computed → opinion recorded → approved, or superseded by a later run.
- `Opinion`: the committee's γνωμοδότηση on a run (§10.1).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from opske.money import format_eur

ZERO = Decimal("0.00")


class Committee(models.Model):
    round = models.OneToOneField(
        "evaluation.EvaluationRound", on_delete=models.PROTECT, related_name="comparative_committee"
    )
    name = models.CharField("ονομασία", max_length=200, default="Επιτροπή Αξιολόγησης")
    appointment_ref = models.CharField("απόφαση συγκρότησης", max_length=200, blank=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="comparative_committees")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "επιτροπή αξιολόγησης"
        verbose_name_plural = "επιτροπές αξιολόγησης"

    def __str__(self):
        return f"{self.name} · {self.round.call.code}"


class ComparativeScore(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Σε βαθμολόγηση"
        FINALISED = "finalised", "Οριστικοποιήθηκε"

    round = models.ForeignKey("evaluation.EvaluationRound", on_delete=models.PROTECT, related_name="+")
    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="comparative_score"
    )
    state = FSMField("κατάσταση", max_length=10, choices=State.choices, default=State.DRAFT, protected=True)
    # Stage Α: {document code: "yes"|"no"|"na"}; Stage Β: {"E01": ..., "E31": ...}
    stage_a = models.JSONField("στάδιο Α (πληρότητα)", default=dict, blank=True)
    stage_a_notes = models.TextField("παρατηρήσεις σταδίου Α", blank=True)
    stage_b = models.JSONField("στάδιο Β (τυπικές προϋποθέσεις)", default=dict, blank=True)
    stage_b_notes = models.TextField("παρατηρήσεις σταδίου Β", blank=True)
    # Cached at finalisation (what the ranking reads; the per-criterion rows are the source).
    stage_a_passed = models.BooleanField(null=True)
    stage_b_passed = models.BooleanField(null=True)
    criteria_scores = models.JSONField("βαθμός ανά κριτήριο", default=dict, blank=True)
    total_exact = models.DecimalField(
        "συνολική βαθμολογία (ακριβής)", max_digits=9, decimal_places=4, null=True
    )
    total = models.DecimalField("συνολική βαθμολογία", max_digits=9, decimal_places=4, null=True)
    total_budget = models.DecimalField("συνολικός π/υ (€)", max_digits=14, decimal_places=2, default=ZERO)
    eligible_budget = models.DecimalField("επιλέξιμος π/υ (€)", max_digits=14, decimal_places=2, default=ZERO)
    public_expenditure = models.DecimalField(
        "δημόσια δαπάνη (€)", max_digits=14, decimal_places=2, default=ZERO
    )
    fundable = models.BooleanField("πληροί τις προϋποθέσεις χρηματοδότησης", null=True)
    reasons = models.JSONField("λόγοι απόρριψης", default=list, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    rescore_count = models.PositiveSmallIntegerField("αναβαθμολογήσεις", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "φύλλο συγκριτικής αξιολόγησης"
        verbose_name_plural = "φύλλα συγκριτικής αξιολόγησης"
        indexes = [models.Index(fields=["round", "state"])]

    def __str__(self):
        return f"Βαθμολόγηση {self.application}"

    @transition(field=state, source=State.DRAFT, target=State.FINALISED)
    def finalise(self):
        pass

    @transition(field=state, source=State.FINALISED, target=State.DRAFT)
    def reopen_for_rescoring(self):
        """An accepted objection sends the sheet back to the committee (§10.4 "αναβαθμολογείται")."""
        self.rescore_count += 1


class CriterionScore(models.Model):
    score = models.ForeignKey(ComparativeScore, on_delete=models.CASCADE, related_name="criterion_scores")
    criterion_code = models.CharField("κριτήριο", max_length=10)
    sub_code = models.CharField("υποκριτήριο", max_length=10)
    value = models.DecimalField("βαθμός", max_digits=5, decimal_places=2)
    justification = models.TextField("αιτιολόγηση")
    automatic = models.BooleanField("αυτόματος υπολογισμός", default=False)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scored_at = models.DateTimeField()

    class Meta:
        verbose_name = "βαθμός υποκριτηρίου"
        verbose_name_plural = "βαθμοί υποκριτηρίων"
        ordering = ["score", "criterion_code", "sub_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["score", "criterion_code", "sub_code"], name="uniq_comparative_sub"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0) & Q(value__lte=10), name="comparative_sub_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.criterion_code}.{self.sub_code} = {self.value}"


class BudgetCut(models.Model):
    score = models.ForeignKey(ComparativeScore, on_delete=models.CASCADE, related_name="cuts")
    line = models.ForeignKey("applications.BudgetLine", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField("ποσό περικοπής (€)", max_digits=14, decimal_places=2)
    reason = models.TextField("αιτιολόγηση περικοπής")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "περικοπή προϋπολογισμού"
        verbose_name_plural = "περικοπές προϋπολογισμού"
        ordering = ["score", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="budget_cut_positive")]

    def __str__(self):
        return f"Περικοπή {format_eur(self.amount)} ({self.line.category})"


class RankingRun(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        COMPUTED = "computed", "Υπολογίστηκε"
        OPINION = "opinion", "Γνωμοδότηση επιτροπής"
        APPROVED = "approved", "Εγκρίθηκαν τα αποτελέσματα"
        SUPERSEDED = "superseded", "Αντικαταστάθηκε"

    round = models.ForeignKey(
        "evaluation.EvaluationRound", on_delete=models.PROTECT, related_name="ranking_runs"
    )
    number = models.PositiveIntegerField("α/α κατάταξης")
    state = FSMField(
        "κατάσταση", max_length=12, choices=State.choices, default=State.COMPUTED, protected=True
    )
    budget = models.DecimalField("διαθέσιμος προϋπολογισμός (€)", max_digits=14, decimal_places=2)
    tie_policy = models.CharField("ισοβαθμία", max_length=20)
    # What went in: the candidates as the rules saw them, the gap readings, a committee tie order.
    inputs = models.JSONField("δεδομένα εισόδου", default=dict)
    # The three tables of §10.2 (+ tie flag), exactly as computed.
    outputs = models.JSONField("πίνακες αποτελεσμάτων", default=dict)
    needs_committee = models.BooleanField("ισοβαθμία στο όριο", default=False)
    reason = models.TextField("αιτία", blank=True)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "κατάταξη"
        verbose_name_plural = "κατατάξεις"
        ordering = ["round", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="uniq_ranking_run_number"),
            # Only one approved result per round at a time: two approvers cannot both win.
            models.UniqueConstraint(
                fields=["round"], condition=Q(state="approved"), name="uniq_approved_ranking"
            ),
        ]

    def __str__(self):
        return f"Κατάταξη #{self.number} · {self.round.call.code}"

    @transition(field=state, source=State.COMPUTED, target=State.OPINION)
    def record_opinion(self):
        pass

    @transition(field=state, source=State.OPINION, target=State.APPROVED)
    def approve(self):
        pass

    @transition(field=state, source=[State.COMPUTED, State.OPINION, State.APPROVED], target=State.SUPERSEDED)
    def supersede(self):
        pass


class Opinion(models.Model):
    """Γνωμοδότηση της Επιτροπής Αξιολόγησης (§10.1): eligibility, score, eligible budget, funding."""

    class Recommendation(models.TextChoices):
        AS_TABLES = "as_tables", "Έγκριση σύμφωνα με τους πίνακες"
        BUDGET_INCREASE = "budget_increase", "Αύξηση προϋπολογισμού"

    run = models.OneToOneField(RankingRun, on_delete=models.PROTECT, related_name="opinion")
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="opinions")
    text = models.TextField("κείμενο γνωμοδότησης")
    recommendation = models.CharField("εισήγηση", max_length=20, choices=Recommendation.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = "γνωμοδότηση επιτροπής"
        verbose_name_plural = "γνωμοδοτήσεις επιτροπής"

    def __str__(self):
        return f"Γνωμοδότηση για {self.run}"
