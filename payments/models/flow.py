"""The beneficiary's payment documents (δικαιολογητικά πληρωμής) that take a payment from DRAFT to
SUBMITTED: the files of the call's documents, and the one submission with the IBAN, the solemn
declaration and the receipt (ΚΥΑ 7066 Art. 8.2 §1(iii)–(iv); Πρόσκληση 004 §11.3)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


def payment_document_upload_to(instance, filename: str) -> str:
    return f"payments/{instance.payment_id}/{filename}"


class PaymentDocument(models.Model):
    """One file of one of the call's payment documents («01.16», «09.03», …). A replaced or
    deleted file stays on record, no longer current."""

    payment = models.ForeignKey("payments.Payment", on_delete=models.CASCADE, related_name="documents")
    opske_code = models.CharField("κωδικός ΟΠΣΚΕ", max_length=10)
    required_attachment = models.ForeignKey(
        "calls.RequiredAttachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField("αρχείο", upload_to=payment_document_upload_to, max_length=300)
    original_name = models.CharField("όνομα αρχείου", max_length=255)
    content_type = models.CharField("τύπος", max_length=50)
    size = models.PositiveBigIntegerField("μέγεθος (bytes)")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("χρόνος ανάρτησης", auto_now_add=True)
    is_current = models.BooleanField("τρέχον", default=True)

    class Meta:
        verbose_name = "δικαιολογητικό πληρωμής"
        verbose_name_plural = "δικαιολογητικά πληρωμών"
        ordering = ["payment_id", "opske_code", "uploaded_at", "pk"]
        indexes = [models.Index(fields=["payment", "is_current"])]

    def __str__(self):
        return f"{self.opske_code} {self.original_name}"


class PaymentSubmission(models.Model):
    """The filing of the payment documents: the account the aid is credited to, the solemn
    declaration ticked, the protocol number and the receipt (PDF)."""

    payment = models.OneToOneField("payments.Payment", on_delete=models.CASCADE, related_name="submission")
    iban = models.CharField("IBAN", max_length=34)
    iban_reused = models.BooleanField("IBAN από προηγούμενη πληρωμή", default=False)
    declaration_accepted = models.BooleanField("υπεύθυνη δήλωση 09.03", default=False)
    protocol_number = models.CharField("αριθμός πρωτοκόλλου", max_length=80, unique=True)
    receipt = models.JSONField("αποδεικτικό", default=dict)
    receipt_document = models.ForeignKey(
        "opske.GeneratedDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("χρόνος υποβολής")

    class Meta:
        verbose_name = "υποβολή δικαιολογητικών πληρωμής"
        verbose_name_plural = "υποβολές δικαιολογητικών πληρωμής"
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(condition=Q(declaration_accepted=True), name="payment_submission_declared")
        ]

    def __str__(self):
        return self.protocol_number
