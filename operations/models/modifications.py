"""Modification requests (αιτήματα τροποποίησης) of an operation: ΚΥΑ 7066 Art. 9.2, call 004 §13.

Guidance Ο.3 factor 16 counts approved modifications characterised «necessary for correct
implementation» (ΤΔΠ field Α.24), not those caused by exogenous conditions (Α.23).
"""

from django.conf import settings
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


class Modification(ConcurrentTransitionMixin, models.Model):
    class Severity(models.TextChoices):
        MINOR = "minor", "Μη ουσιώδης"
        MAJOR = "major", "Ουσιώδης"

    class Characterisation(models.TextChoices):
        EXOGENOUS = "exogenous", "Λόγω εξωγενών υποχρεωτικών συνθηκών (Α.23)"
        NECESSARY = "necessary", "Αναγκαία για την ορθή υλοποίηση (Α.24)"

    class State(models.TextChoices):
        SUBMITTED = "submitted", "Υποβλήθηκε"
        APPROVED = "approved", "Εγκρίθηκε"
        REJECTED = "rejected", "Απορρίφθηκε"
        OBJECTED = "objected", "Υποβλήθηκαν αντιρρήσεις"
        REJECTED_FINAL = "rejected_final", "Απορρίφθηκε οριστικά"

    operation = models.ForeignKey(
        "operations.Operation", on_delete=models.PROTECT, related_name="modifications"
    )
    number = models.PositiveIntegerField("α/α αιτήματος", default=1)
    protocol_number = models.CharField("αριθμός πρωτοκόλλου", max_length=60, blank=True)
    severity = models.CharField("είδος", max_length=10, choices=Severity.choices)
    type_code = models.CharField("κωδικός τύπου ΟΠΣΚΕ", max_length=12, blank=True)
    characterisation = models.CharField(
        "χαρακτηρισμός", max_length=10, choices=Characterisation.choices, default=Characterisation.NECESSARY
    )
    state = FSMField(
        "κατάσταση", max_length=16, choices=State.choices, default=State.SUBMITTED, protected=True
    )
    reason = models.TextField("αιτιολόγηση")
    changes = models.JSONField("ζητούμενες αλλαγές", default=dict, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField("αιτιολογία απόφασης", blank=True)
    # ΚΥΑ 7066 Art. 9.1, 9.3; Πρόσκληση 004 §12.5: objections to a rejection, 10 days.
    objection_deadline = models.DateField("προθεσμία αντιρρήσεων", null=True, blank=True)
    objection_text = models.TextField("αντιρρήσεις", blank=True)
    objected_at = models.DateTimeField(null=True, blank=True)
    objection_decided_at = models.DateTimeField(null=True, blank=True)
    objection_reason = models.TextField("αιτιολογία απόφασης επί των αντιρρήσεων", blank=True)

    class Meta:
        verbose_name = "αίτημα τροποποίησης"
        verbose_name_plural = "αιτήματα τροποποίησης"
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "number"], name="uniq_modification_number")
        ]

    def __str__(self):
        return f"Τροποποίηση #{self.pk} · {self.operation}"

    @transition(field=state, source=State.SUBMITTED, target=State.APPROVED)
    def approve(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.REJECTED)
    def reject(self):
        pass

    @transition(field=state, source=State.REJECTED, target=State.OBJECTED)
    def object(self):
        pass

    @transition(field=state, source=State.OBJECTED, target=State.APPROVED)
    def uphold_objection(self):
        pass

    @transition(field=state, source=State.OBJECTED, target=State.REJECTED_FINAL)
    def dismiss_objection(self):
        pass
