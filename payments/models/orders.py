"""Payment orders (εντολές πληρωμής): a batch of approved payments for the paying service,
exported as SEPA credit transfer (pain.001) and XLSX; the bank's report (pain.002) or statement
(camt.054) is read back to mark each line paid or failed."""

from django.conf import settings
from django.db import models


class PaymentOrder(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Σε σύνταξη"
        EXPORTED = "exported", "Εξήχθη για την τράπεζα"
        SETTLED = "settled", "Ολοκληρώθηκε (αναφορά τράπεζας)"
        CANCELLED = "cancelled", "Ακυρώθηκε"

    code = models.CharField("κωδικός εντολής", max_length=60, unique=True)
    state = models.CharField("κατάσταση", max_length=20, choices=State.choices, default=State.DRAFT)
    execution_date = models.DateField("ημερομηνία εκτέλεσης")
    message_id = models.CharField("MsgId (pain.001)", max_length=35, blank=True)
    debtor_name = models.CharField("εντολέας", max_length=140)
    debtor_iban = models.CharField("IBAN εντολέα", max_length=34)
    debtor_bic = models.CharField("BIC εντολέα", max_length=11, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    xml_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "εντολή πληρωμής"
        verbose_name_plural = "εντολές πληρωμής"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.code


class PaymentOrderLine(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Σε αναμονή"
        PAID = "paid", "Πιστώθηκε"
        FAILED = "failed", "Απέτυχε"

    order = models.ForeignKey(PaymentOrder, on_delete=models.CASCADE, related_name="lines")
    payment = models.ForeignKey("payments.Payment", on_delete=models.PROTECT, related_name="order_lines")
    end_to_end_id = models.CharField("EndToEndId", max_length=35, unique=True)
    amount = models.DecimalField("ποσό (€)", max_digits=14, decimal_places=2)
    creditor_name = models.CharField("δικαιούχος", max_length=140)
    creditor_iban = models.CharField("IBAN δικαιούχου", max_length=34)
    creditor_bic = models.CharField("BIC δικαιούχου", max_length=11, blank=True)
    remittance = models.CharField("αιτιολογία", max_length=140)
    status = models.CharField("κατάσταση", max_length=10, choices=Status.choices, default=Status.PENDING)
    status_reason = models.CharField("αιτία", max_length=200, blank=True)
    settled_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "γραμμή εντολής πληρωμής"
        verbose_name_plural = "γραμμές εντολών πληρωμής"
        ordering = ["order_id", "pk"]

    def __str__(self):
        return self.end_to_end_id
