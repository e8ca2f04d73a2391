"""Administrative (desk) verification of a submitted ΔΔΔ (Guidance Ο.3 §4.3; call 004 §11.1.Β-Γ;
ΚΥΑ 7066 Art. 8.3, 8.5): who took it, the checklist answers, the item sample and why each item is
in it, the item results and findings, the report and its approval by a second, superior person,
and the beneficiary's objection. The item amounts live on `ExpenditureItem` (eligible amount,
reason); each ineligible amount is a `Correction` (ΔΚΔ, origin administrative).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


class DeskCheck(models.Model):
    """One per ΔΔΔ taken for administrative verification."""

    request = models.OneToOneField(
        "verification.VerificationRequest", on_delete=models.PROTECT, related_name="desk_check"
    )
    verifier = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField()
    # The call's checklist as it stood when the check began (a later call change does not move it).
    checklist = models.JSONField("λίστα ελέγχου", default=list)
    subproject_type = models.CharField("είδος υποέργου", max_length=4)
    # Ο.3 §4.3.1.B: the method applied, recorded in the ΔΔΔ («τεκμηριώνει τον τρόπο»).
    sample_method = models.CharField("μέθοδος", max_length=15, blank=True)  # full | sample | second_level
    sample_seed = models.BigIntegerField("σπόρος τυχαίας επιλογής", null=True, blank=True)
    sample_percent = models.DecimalField(
        "ποσοστό δείγματος (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    # Ο.3 §4.3.1.B(2): a riskier category may get its own percentage, the overall minimum held.
    sample_category_percents = models.JSONField("ποσοστά ανά κατηγορία", default=dict, blank=True)
    sample_justification = models.TextField("αιτιολόγηση ποσοστού / μεθόδου", blank=True)
    sampled_at = models.DateTimeField(null=True, blank=True)
    conclusions = models.TextField("συμπεράσματα επαλήθευσης", blank=True)
    systemic_assessment = models.TextField("εκτίμηση συστημικού αντίκτυπου (Ο.3 §4.3.2)", blank=True)

    class Meta:
        verbose_name = "διοικητική επαλήθευση ΔΔΔ"
        verbose_name_plural = "διοικητικές επαληθεύσεις ΔΔΔ"

    def __str__(self):
        return f"Επαλήθευση {self.request}"


class ChecklistAnswer(models.Model):
    class Answer(models.TextChoices):
        YES = "yes", "Ναι"
        NO = "no", "Όχι"
        NA = "na", "Δ.Α."

    check_record = models.ForeignKey(DeskCheck, on_delete=models.CASCADE, related_name="answers")
    code = models.CharField("κωδικός", max_length=20)
    answer = models.CharField("απάντηση", max_length=3, choices=Answer.choices)
    note = models.TextField("σημείωση", blank=True)

    class Meta:
        verbose_name = "απάντηση λίστας ελέγχου"
        verbose_name_plural = "απαντήσεις λίστας ελέγχου"
        constraints = [models.UniqueConstraint(fields=["check_record", "code"], name="uniq_check_answer")]

    def __str__(self):
        return f"{self.code}: {self.get_answer_display()}"


class SampleEntry(models.Model):
    """One item in the sample and why (Ο.3 §4.3.1.B; extensions §4.3.2)."""

    check_record = models.ForeignKey(DeskCheck, on_delete=models.CASCADE, related_name="sample_entries")
    item = models.ForeignKey("verification.ExpenditureItem", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField("λόγος", max_length=20)  # full | mandatory_large | marked | random | extension
    draw = models.PositiveIntegerField("α/α τυχαίας επιλογής", null=True, blank=True)
    extension = models.ForeignKey(
        "verification.SampleExtension",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="entries",
    )

    class Meta:
        verbose_name = "δαπάνη του δείγματος"
        verbose_name_plural = "δαπάνες του δείγματος"
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["check_record", "item"], name="uniq_sample_item")]

    def __str__(self):
        return f"{self.item_id}: {self.reason}"


class SampleExtension(models.Model):
    class Scope(models.TextChoices):
        CATEGORY = "category", "Η κατηγορία των ευρημάτων"
        CATEGORIES = "categories", "Περισσότερες κατηγορίες"
        WHOLE = "whole", "Το σύνολο του ΔΔΔ"

    check_record = models.ForeignKey(DeskCheck, on_delete=models.CASCADE, related_name="extensions")
    scope = models.CharField("έκταση", max_length=12, choices=Scope.choices)
    categories = models.JSONField("κατηγορίες", default=list, blank=True)
    reason = models.TextField("αιτιολόγηση")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        verbose_name = "επέκταση δείγματος"
        verbose_name_plural = "επεκτάσεις δείγματος"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_scope_display()} ({self.check_record_id})"


class ItemResult(models.Model):
    """The verifier's result on one sampled item: eligible and ineligible amount with the reason,
    and the ΔΚΔ category its correction takes (1/2/6). Mirrored on the item's own fields."""

    check_record = models.ForeignKey(DeskCheck, on_delete=models.CASCADE, related_name="results")
    item = models.OneToOneField(
        "verification.ExpenditureItem", on_delete=models.CASCADE, related_name="check_result"
    )
    declared_amount = models.DecimalField("δηλωθέν (€)", max_digits=14, decimal_places=2)
    eligible_amount = models.DecimalField("επιλέξιμο (€)", max_digits=14, decimal_places=2)
    ineligible_amount = models.DecimalField("μη επιλέξιμο (€)", max_digits=14, decimal_places=2)
    reason = models.TextField("αιτιολογία μη επιλεξιμότητας", blank=True)
    correction_category = models.CharField("κατηγορία ΔΚΔ", max_length=2, default="1")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = "αποτέλεσμα ελέγχου δαπάνης"
        verbose_name_plural = "αποτελέσματα ελέγχου δαπανών"
        ordering = ["item_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(eligible_amount__gte=0) & Q(eligible_amount__lte=models.F("declared_amount")),
                name="item_result_eligible_within_declared",
            )
        ]

    def __str__(self):
        return f"{self.item_id}: {self.eligible_amount}"


class CheckFinding(models.Model):
    """A finding of the verification (call 004 §11.1.Β; ΚΥΑ 7066 Art. 8.3: with the provisions
    breached). `item` empty = a finding on the ΔΔΔ as a whole."""

    check_record = models.ForeignKey(DeskCheck, on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(
        "verification.ExpenditureItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField("εύρημα")
    provisions = models.CharField("διατάξεις που παραβιάστηκαν", max_length=300, blank=True)
    irregularity = models.BooleanField("παρατυπία", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "εύρημα επαλήθευσης"
        verbose_name_plural = "ευρήματα επαλήθευσης"
        ordering = ["pk"]

    def __str__(self):
        return self.text[:60]


class VerificationReport(models.Model):
    """Έκθεση Επαλήθευσης: drafted by the verifier, approved by a hierarchically superior, different
    person who may correct it with reasons (call 004 §11.1.Γ; ΚΥΑ 7066 Art. 8.5)."""

    check_record = models.OneToOneField(DeskCheck, on_delete=models.PROTECT, related_name="report")
    version = models.PositiveSmallIntegerField("έκδοση", default=1)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    declared_total = models.DecimalField("δηλωθέν (€)", max_digits=14, decimal_places=2)
    corrections_total = models.DecimalField(
        "διορθώσεις (€)", max_digits=14, decimal_places=2, default=Decimal("0")
    )
    accepted_total = models.DecimalField("αποδεκτό διαχείρισης (€)", max_digits=14, decimal_places=2)
    document = models.ForeignKey(
        "opske.GeneratedDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "έκθεση επαλήθευσης"
        verbose_name_plural = "εκθέσεις επαλήθευσης"
        constraints = [
            # Maker ≠ checker (call 004 §11.1.Γ «ιεραρχικά ανώτερο και διαφορετικό όργανο»).
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("drafted_by")),
                name="report_approver_not_drafter",
            )
        ]

    def __str__(self):
        return f"Έκθεση επαλήθευσης {self.check_record.request} (έκδ. {self.version})"


class ReportCorrection(models.Model):
    """A field of the report the approver (or the objection's decision) changed, with the reason."""

    class Stage(models.TextChoices):
        APPROVAL = "approval", "Κατά την έγκριση"
        OBJECTION = "objection", "Μετά από αντιρρήσεις"

    report = models.ForeignKey(VerificationReport, on_delete=models.CASCADE, related_name="corrections")
    stage = models.CharField("στάδιο", max_length=10, choices=Stage.choices)
    item = models.ForeignKey(
        "verification.ExpenditureItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    field = models.CharField("πεδίο", max_length=60)
    before = models.TextField("πριν", blank=True)
    after = models.TextField("μετά", blank=True)
    reason = models.TextField("αιτιολόγηση")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        verbose_name = "διόρθωση έκθεσης"
        verbose_name_plural = "διορθώσεις έκθεσης"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.field}: {self.before} → {self.after}"


class ResultObjection(ConcurrentTransitionMixin, models.Model):
    """Αντιρρήσεις του δικαιούχου on the verification result (call 004 §11.1.Γ: 15 calendar days;
    ΚΥΑ 7066 Art. 8.5), examined and decided by staff (the supervisor)."""

    class State(models.TextChoices):
        FILED = "filed", "Υποβλήθηκαν · σε εξέταση"
        ACCEPTED = "accepted", "Έγιναν δεκτές"
        REJECTED = "rejected", "Απορρίφθηκαν"

    request = models.OneToOneField(
        "verification.VerificationRequest", on_delete=models.PROTECT, related_name="result_objection"
    )
    state = FSMField("κατάσταση", max_length=10, choices=State.choices, default=State.FILED, protected=True)
    text = models.TextField("αντιρρήσεις")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField()
    deadline = models.DateField("προθεσμία")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reasons = models.TextField("αιτιολόγηση απόφασης", blank=True)

    class Meta:
        verbose_name = "αντιρρήσεις επί αποτελέσματος επαλήθευσης"
        verbose_name_plural = "αντιρρήσεις επί αποτελεσμάτων επαλήθευσης"

    def __str__(self):
        return f"Αντιρρήσεις {self.request}"

    @transition(field=state, source=State.FILED, target=State.ACCEPTED)
    def accept(self):
        pass

    @transition(field=state, source=State.FILED, target=State.REJECTED)
    def reject(self):
        pass
