"""Objections to a payment decision (αντιρρήσεις επί αιτημάτων καταβολής ενίσχυσης, ΚΥΑ 7066
Art. 8.5): filed by the business in the portal within 30 calendar days of the decision, 15 when it
rests on a financial correction; examined first by the regional committee (Π.ΕΠ.Ε.Ε., an opinion),
then decided by the central committee (Κ.ΕΠ.Ε.Ε.) within 60 days of the opinion.

Services: payments/services/objections.py. The 60 days run on the deadline engine."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


class PaymentObjection(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        FILED = "filed", "Υποβλήθηκαν · αναμένεται γνώμη Π.ΕΠ.Ε.Ε."
        OPINION = "opinion", "Γνώμη Π.ΕΠ.Ε.Ε. · αναμένεται απόφαση Κ.ΕΠ.Ε.Ε."
        ACCEPTED = "accepted", "Έγιναν δεκτές (Κ.ΕΠ.Ε.Ε.)"
        REJECTED = "rejected", "Απορρίφθηκαν (Κ.ΕΠ.Ε.Ε.)"

    class Ground(models.TextChoices):
        REJECTED = "rejected", "Απόρριψη της πληρωμής"
        REDUCED = "reduced", "Πληρωμή μικρότερη του αιτηθέντος"

    payment = models.ForeignKey("payments.Payment", on_delete=models.PROTECT, related_name="objections")
    state = FSMField("κατάσταση", max_length=10, choices=State.choices, default=State.FILED, protected=True)
    ground = models.CharField("αντικείμενο", max_length=10, choices=Ground.choices)
    text = models.TextField("αντιρρήσεις")
    claimed_amount = models.DecimalField("αιτηθέν ποσό (€)", max_digits=14, decimal_places=2)
    decided_amount = models.DecimalField("ποσό της απόφασης (€)", max_digits=14, decimal_places=2)
    has_correction = models.BooleanField("επί δημοσιονομικής διόρθωσης", default=False)
    notified_on = models.DateField("κοινοποίηση της απόφασης")
    deadline = models.DateField("προθεσμία αντιρρήσεων")
    protocol_number = models.CharField("αριθμός πρωτοκόλλου", max_length=80, unique=True)
    receipt = models.JSONField("αποδεικτικό υποβολής", default=dict, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField("υποβολή")
    # Π.ΕΠ.Ε.Ε.: the regional committee's opinion
    opinion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opinion_at = models.DateTimeField("γνώμη Π.ΕΠ.Ε.Ε.", null=True, blank=True)
    opinion_favourable = models.BooleanField("γνώμη υπέρ του δικαιούχου", null=True, blank=True)
    opinion_text = models.TextField("γνώμη Π.ΕΠ.Ε.Ε.", blank=True)
    decision_due = models.DateField("προθεσμία απόφασης Κ.ΕΠ.Ε.Ε. (60 ημέρες)", null=True, blank=True)
    decision_overdue = models.BooleanField("εκπρόθεσμη απόφαση", default=False)
    # Κ.ΕΠ.Ε.Ε.: the central committee's decision
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("απόφαση Κ.ΕΠ.Ε.Ε.", null=True, blank=True)
    reasons = models.TextField("αιτιολόγηση απόφασης", blank=True)

    class Meta:
        verbose_name = "αντιρρήσεις επί πληρωμής"
        verbose_name_plural = "αντιρρήσεις επί πληρωμών"
        ordering = ["-filed_at", "-pk"]
        indexes = [models.Index(fields=["state", "decision_due"])]
        constraints = [
            models.UniqueConstraint(
                fields=["payment"],
                condition=Q(state__in=["filed", "opinion"]),
                name="uniq_open_payment_objection",
            )
        ]

    def __str__(self):
        return f"Αντιρρήσεις {self.protocol_number}"

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.FILED, self.State.OPINION)

    @transition(field=state, source=State.FILED, target=State.OPINION)
    def give_opinion(self):
        pass

    @transition(field=state, source=State.OPINION, target=State.ACCEPTED)
    def accept(self):
        pass

    @transition(field=state, source=State.OPINION, target=State.REJECTED)
    def reject(self):
        pass
