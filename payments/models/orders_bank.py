"""The files a payment order exchanges with the bank, and the de minimis update owed after a payment.

`BankFile` keeps each file byte for byte: the pain.001 and XLSX sent (so a download is the file
whose SHA-256 the order records, not a re-rendering) and every pain.002 / camt.054 read back (so a
re-upload of the same report is recognised and changes nothing). `DeminimisPaidReport` is the
outbox row of ΠΣΣΕΗΣ's «what was actually paid» update (payments.services.deminimis.record_paid).
"""

from django.conf import settings
from django.db import models


class BankFile(models.Model):
    class Kind(models.TextChoices):
        PAIN001 = "pain001", "Εντολή μεταφοράς SEPA (pain.001.001.03)"
        XLSX = "xlsx", "Κατάσταση εντολής (XLSX)"
        PAIN002 = "pain002", "Αναφορά κατάστασης τράπεζας (pain.002.001.03)"
        CAMT054 = "camt054", "Ειδοποίηση χρέωσης τράπεζας (camt.054.001.02)"

    order = models.ForeignKey("payments.PaymentOrder", on_delete=models.CASCADE, related_name="files")
    kind = models.CharField("είδος", max_length=10, choices=Kind.choices)
    filename = models.CharField("όνομα αρχείου", max_length=200)
    content = models.BinaryField("περιεχόμενο")
    sha256 = models.CharField(max_length=64)
    message_id = models.CharField("MsgId", max_length=35, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "αρχείο τράπεζας"
        verbose_name_plural = "αρχεία τράπεζας"
        ordering = ["order_id", "created_at", "pk"]
        constraints = [
            # One export per order and format; one reading per report (a re-upload is the same row).
            models.UniqueConstraint(fields=["order", "kind", "sha256"], name="uniq_bank_file_per_order"),
        ]

    def __str__(self):
        return self.filename


class DeminimisPaidReport(models.Model):
    """ΠΣΣΕΗΣ must learn what a PAID payment actually paid on its registered grant (issue 13
    «de minimis at payment»). PENDING until the register has it; the outbox sweep and the registry
    wait's retries carry it through an outage."""

    class State(models.TextChoices):
        PENDING = "pending", "Σε αναμονή αποστολής"
        SENT = "sent", "Καταχωρίστηκε στο ΠΣΣΕΗΣ"
        REFUSED = "refused", "Απορρίφθηκε από το ΠΣΣΕΗΣ"

    class Kind(models.TextChoices):
        PAID = "paid", "Καταβολή"
        RECOVERED = "recovered", "Ανάκτηση (επιστροφή ενίσχυσης)"

    kind = models.CharField("είδος", max_length=10, choices=Kind.choices, default=Kind.PAID)
    payment = models.OneToOneField(
        "payments.Payment", null=True, blank=True, on_delete=models.CASCADE, related_name="deminimis_report"
    )
    # A repaid recovery: ΠΣΣΕΗΣ learns that the aid was given back (issue 13 «de minimis at payment»).
    recovery = models.OneToOneField(
        "payments.Recovery", null=True, blank=True, on_delete=models.CASCADE, related_name="deminimis_report"
    )
    registry_id = models.CharField("αριθμός καταχώρισης ΠΣΣΕΗΣ", max_length=60, blank=True)
    amount = models.DecimalField("ποσό που καταβλήθηκε ή επιστράφηκε (€)", max_digits=14, decimal_places=2)
    paid_on = models.DateField("ημερομηνία πίστωσης ή επιστροφής")
    state = models.CharField("κατάσταση", max_length=10, choices=State.choices, default=State.PENDING)
    answer = models.JSONField("απάντηση μητρώου", default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "ενημέρωση ΠΣΣΕΗΣ για πληρωμή"
        verbose_name_plural = "ενημερώσεις ΠΣΣΕΗΣ για πληρωμές"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.registry_id} · {self.payment_id or self.recovery_id}"

    @property
    def subject(self):
        """What the update is about: the payment, or the recovery paid back."""
        return self.recovery if self.kind == self.Kind.RECOVERED else self.payment
