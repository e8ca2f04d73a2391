"""The registry call log: every request the portal makes to a state registry."""

from django.conf import settings
from django.db import models


class RegistryCall(models.Model):
    """Who asked which registry what, when, how long it took and what came back (redacted)."""

    class Outcome(models.TextChoices):
        OK = "ok", "Επιτυχία"
        REFUSED = "refused", "Απόρριψη από το μητρώο"
        UNAVAILABLE = "unavailable", "Μη διαθέσιμο"
        MALFORMED = "malformed", "Μη έγκυρη απάντηση"

    registry = models.CharField("μητρώο", max_length=20, db_index=True)
    operation = models.CharField("λειτουργία", max_length=60)
    subject = models.CharField("αντικείμενο (ΑΦΜ/ΑΜΚΑ)", max_length=64, blank=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_label = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField("έναρξη", db_index=True)
    duration_ms = models.PositiveIntegerField("διάρκεια (ms)", default=0)
    attempts = models.PositiveSmallIntegerField("προσπάθειες", default=1)
    outcome = models.CharField("έκβαση", max_length=12, choices=Outcome.choices)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error_code = models.CharField("κωδικός σφάλματος", max_length=100, blank=True)
    error_message = models.TextField("μήνυμα", blank=True)
    request_payload = models.TextField("αίτημα (χωρίς διαπιστευτήρια)", blank=True)
    response_payload = models.TextField("απάντηση (χωρίς διαπιστευτήρια)", blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = "κλήση μητρώου"
        verbose_name_plural = "ημερολόγιο κλήσεων μητρώων"
        indexes = [models.Index(fields=["registry", "-started_at"])]

    def __str__(self):
        return f"{self.registry}.{self.operation} {self.subject} {self.outcome}"
