"""The beneficiary's verification request / expenditure declaration (αίτημα επαλήθευσης, Δελτίο
Δήλωσης Δαπανών, ΔΔΔ) and its itemised expenditure (the «λογιστική κατάσταση», Guidance Ο.3 §4.3.1.B).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

ZERO = Decimal("0.00")


class VerificationRequest(ConcurrentTransitionMixin, models.Model):
    class Kind(models.TextChoices):
        FIRST = "first", "Πρώτο αίτημα επαλήθευσης"
        INTERIM = "interim", "Ενδιάμεσο αίτημα επαλήθευσης"
        FINAL = "final", "Τελικό αίτημα επαλήθευσης"
        PERIOD = "period", "Αίτημα περιόδου (δίμηνο)"

    class State(models.TextChoices):
        DRAFT = "draft", "Προσωρινή αποθήκευση"
        SUBMITTED = "submitted", "Υποβλήθηκε"
        # Administrative verification (area «vcheck», verification/models/checks.py).
        UNDER_CHECK = "under_check", "Σε διοικητική επαλήθευση"
        REPORT_DRAFTED = "report_drafted", "Έκθεση επαλήθευσης προς έγκριση"
        REPORT_APPROVED = "report_approved", "Έκθεση εγκρίθηκε · κοινοποιήθηκε στον δικαιούχο"
        ACCEPTED = "accepted", "Αποδεκτό διαχείρισης"
        OBJECTED = "objected", "Υποβλήθηκαν αντιρρήσεις"
        CLOSED = "closed", "Ολοκληρώθηκε (μετά από αντιρρήσεις)"
        ACCEPTED_WITHOUT_CHECK = "accepted_no_check", "Αποδεκτό χωρίς διοικητική επαλήθευση"

    operation = models.ForeignKey(
        "operations.Operation", on_delete=models.PROTECT, related_name="verification_requests"
    )
    seq = models.PositiveIntegerField("α/α ΔΔΔ")
    kind = models.CharField("είδος", max_length=10, choices=Kind.choices)
    state = FSMField("κατάσταση", max_length=20, choices=State.choices, default=State.DRAFT, protected=True)
    period_start = models.DateField("περίοδος από", null=True, blank=True)
    period_end = models.DateField("περίοδος έως", null=True, blank=True)
    declared_total = models.DecimalField("δηλωθέν ποσό (€)", max_digits=14, decimal_places=2, default=ZERO)
    accepted_total = models.DecimalField(
        "ποσό «αποδεκτό διαχείρισης» (€)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    # Guidance Ο.3 §4.3.1.A, §4.3.3: flags the beneficiary declares.
    is_final = models.BooleanField("τελικό ΔΔΔ", default=False)
    advance_only = models.BooleanField("μόνο προκαταβολή σύμβασης", default=False)
    ex_post_contract = models.BooleanField("δαπάνη σύμβασης χωρίς προληπτικό έλεγχο", default=False)
    # Guidance Ο.3 §4.3.1.A (box): the selection for a desk check, with the rule or the reason.
    selected = models.BooleanField("προς επαλήθευση", null=True, blank=True)
    selection_rule = models.CharField("κανόνας επιλογής", max_length=40, blank=True)
    selection_reason = models.TextField("αιτιολόγηση επιλογής", blank=True)
    stratum_at_selection = models.CharField("στρώμα κινδύνου κατά την επιλογή", max_length=10, blank=True)
    score_at_selection = models.PositiveSmallIntegerField(
        "βαθμολογία κινδύνου κατά την επιλογή", null=True, blank=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField("χρόνος υποβολής", null=True, blank=True)
    # The receipt of the submission (Πρόσκληση 004 §11.1.A: «υποβάλλονται ηλεκτρονικά»): a protocol
    # number, who submitted, and what was submitted (items, totals, files with their SHA-256).
    protocol_number = models.CharField("αριθμός πρωτοκόλλου", max_length=80, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    receipt = models.JSONField("αποδεικτικό υποβολής", default=dict, blank=True)
    receipt_document = models.ForeignKey(
        "opske.GeneratedDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the submission rules noted but did not refuse (e.g. a category over its approved amount).
    warnings = models.JSONField("επισημάνσεις υποβολής", default=list, blank=True)
    # The result served to the beneficiary (call 004 §11.1.Γ; ΚΥΑ 7066 Art. 8.5).
    result_notified_at = models.DateTimeField("κοινοποίηση αποτελέσματος", null=True, blank=True)
    objection_deadline = models.DateField("προθεσμία αντιρρήσεων", null=True, blank=True)
    accepted_at = models.DateTimeField("αποδοχή αποτελέσματος", null=True, blank=True)
    accepted_how = models.CharField("τρόπος αποδοχής", max_length=20, blank=True)

    class Meta:
        verbose_name = "αίτημα επαλήθευσης (ΔΔΔ)"
        verbose_name_plural = "αιτήματα επαλήθευσης (ΔΔΔ)"
        ordering = ["operation_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "seq"], name="uniq_request_seq"),
            models.UniqueConstraint(
                fields=["protocol_number"],
                condition=~models.Q(protocol_number=""),
                name="uniq_request_protocol",
            ),
        ]

    def __str__(self):
        return f"ΔΔΔ {self.seq} · {self.operation}"

    @property
    def is_editable(self) -> bool:
        return self.state == self.State.DRAFT

    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED)
    def submit(self):
        pass

    # --- administrative verification (verification.services.checks) ---------------------------

    @transition(field=state, source=State.SUBMITTED, target=State.UNDER_CHECK)
    def take_for_check(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.ACCEPTED_WITHOUT_CHECK)
    def accept_without_check(self):
        pass

    @transition(field=state, source=State.UNDER_CHECK, target=State.REPORT_DRAFTED)
    def draft_report(self):
        pass

    @transition(field=state, source=State.REPORT_DRAFTED, target=State.UNDER_CHECK)
    def return_report(self):
        pass

    @transition(field=state, source=State.REPORT_DRAFTED, target=State.REPORT_APPROVED)
    def approve_report(self):
        pass

    @transition(field=state, source=State.REPORT_APPROVED, target=State.ACCEPTED)
    def accept_result(self):
        pass

    @transition(field=state, source=State.REPORT_APPROVED, target=State.OBJECTED)
    def object_to_result(self):
        pass

    @transition(field=state, source=State.OBJECTED, target=State.CLOSED)
    def close_objection(self):
        pass


class PaymentMethod(models.TextChoices):
    """Πρόσκληση 004 §11.2: the accepted ways of paying a supplier (cash only up to 500 € net)."""

    TRANSFER = "transfer", "Τραπεζική μεταφορά"
    CHEQUE = "cheque", "Επιταγή εταιρικού λογαριασμού"
    BANK_CHEQUE = "bank_cheque", "Τραπεζική επιταγή"
    DEPOSIT = "deposit", "Κατάθεση μετρητών σε λογαριασμό προμηθευτή"
    CARD = "card", "Εταιρική κάρτα"
    POSTAL = "postal", "Ταχυδρομική επιταγή (ΕΛΤΑ)"
    CASH = "cash", "Μετρητά"


class ExpenditureItem(models.Model):
    """One line of the declaration: an invoice or payroll document and its proof of payment."""

    request = models.ForeignKey(VerificationRequest, on_delete=models.CASCADE, related_name="items")
    category = models.CharField("κατηγορία δαπάνης", max_length=40)
    supplier_name = models.CharField("προμηθευτής", max_length=300, blank=True)
    supplier_afm = models.CharField("ΑΦΜ προμηθευτή", max_length=9, blank=True)
    document_number = models.CharField("αριθμός παραστατικού", max_length=60, blank=True)
    document_date = models.DateField("ημερομηνία παραστατικού", null=True, blank=True)
    amount = models.DecimalField("καθαρό ποσό (€)", max_digits=14, decimal_places=2)
    vat = models.DecimalField("ΦΠΑ (€)", max_digits=14, decimal_places=2, default=ZERO)
    # The document's own total, when the beneficiary types it: it must equal net + VAT.
    total_amount = models.DecimalField(
        "σύνολο παραστατικού (€)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    payment_proof = models.CharField("αποδεικτικό εξόφλησης", max_length=200, blank=True)
    payment_method = models.CharField(
        "τρόπος εξόφλησης", max_length=20, choices=PaymentMethod.choices, blank=True
    )
    payment_date = models.DateField("ημερομηνία εξόφλησης", null=True, blank=True)
    description = models.CharField("περιγραφή δαπάνης", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, null=True)
    # Simplified cost options (Guidance Ο.3 §4.3.1.A: the first SCO expenditure is always checked).
    sco_type = models.CharField("επιλογή απλοποιημένου κόστους", max_length=20, blank=True)
    eligible_amount = models.DecimalField(
        "επιλέξιμο ποσό (€)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    ineligible_reason = models.TextField("αιτιολογία μη επιλεξιμότητας", blank=True)

    class Meta:
        verbose_name = "δαπάνη ΔΔΔ"
        verbose_name_plural = "δαπάνες ΔΔΔ"
        ordering = ["request_id", "pk"]

    def __str__(self):
        return f"{self.document_number or self.pk} · {self.amount}"


def request_attachment_upload_to(instance, filename: str) -> str:
    return f"verification/{instance.request_id}/{filename}"


class RequestAttachment(models.Model):
    """A document filed with a verification request (Πρόσκληση 004 Παρ. VI «Παραδοτέα πιστοποίησης»):
    one of the call's documents for payment requests, or the proof of one item (invoice, proof of
    payment). Deleting one while the request is a draft only marks the row (audit trail)."""

    request = models.ForeignKey(VerificationRequest, on_delete=models.CASCADE, related_name="attachments")
    item = models.ForeignKey(
        ExpenditureItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    required_attachment = models.ForeignKey(
        "calls.RequiredAttachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField("αρχείο", upload_to=request_attachment_upload_to, max_length=300)
    original_name = models.CharField("όνομα αρχείου", max_length=255)
    content_type = models.CharField("τύπος", max_length=50)
    size = models.PositiveBigIntegerField("μέγεθος (bytes)")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("χρόνος ανάρτησης", auto_now_add=True)
    is_current = models.BooleanField("τρέχον", default=True)
    deleted_at = models.DateTimeField("χρόνος διαγραφής", null=True, blank=True)

    class Meta:
        verbose_name = "συνημμένο αιτήματος επαλήθευσης"
        verbose_name_plural = "συνημμένα αιτημάτων επαλήθευσης"
        ordering = ["request_id", "uploaded_at", "pk"]
        indexes = [models.Index(fields=["request", "is_current"])]

    def __str__(self):
        return self.original_name
