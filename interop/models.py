"""The registry call log: every request the portal makes to a state registry."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


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
        indexes = [
            models.Index(fields=["registry", "-started_at"]),
            # The log's own order, so a deep page's keys are read off the index (issue 11).
            models.Index(fields=["-started_at", "-id"], name="registrycall_newest_first"),
        ]

    def __str__(self):
        return f"{self.registry}.{self.operation} {self.subject} {self.outcome}"


class RegistryWait(models.Model):
    """A case held up because a registry it needs did not answer («Σε αναμονή μητρώου»).

    Points at "the case" generically (an application, a business, a payment…), so the registry
    layer knows nothing of the apps above it. The call to repeat is stored as a dotted path and
    JSON parameters; the answer, once there, is stored here as the registry gave it then and handed
    to the owning app's handler registered for `on_result`.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Σε εκκρεμότητα"
        RESOLVED = "resolved", "Απάντησε το μητρώο"
        MANUAL = "manual", "Χειροκίνητος έλεγχος"

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    obj = GenericForeignKey("content_type", "object_id")
    registry = models.CharField("μητρώο", max_length=20, db_index=True)
    operation = models.CharField("λειτουργία", max_length=60)
    call_path = models.CharField("κλήση", max_length=200)
    params = models.JSONField("παράμετροι", default=dict, blank=True)
    on_result = models.CharField("χειριστής αποτελέσματος", max_length=60)
    status = models.CharField("κατάσταση", max_length=10, choices=Status.choices, default=Status.OPEN)
    first_failed_at = models.DateTimeField("πρώτη αποτυχία")
    last_attempt_at = models.DateTimeField("τελευταία προσπάθεια")
    next_attempt_at = models.DateTimeField("επόμενη προσπάθεια", db_index=True)
    attempts = models.PositiveIntegerField("προσπάθειες", default=1)
    last_error = models.TextField("τελευταίο σφάλμα", blank=True)
    last_error_code = models.CharField(max_length=100, blank=True)
    outcome = models.CharField("έκβαση", max_length=10, blank=True)  # ok | refused | manual
    result = models.JSONField("απάντηση", null=True, blank=True, encoder=DjangoJSONEncoder)
    resolved_at = models.DateTimeField("επιλύθηκε", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    manual_reason = models.TextField("αιτιολόγηση χειροκίνητου ελέγχου", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["first_failed_at", "id"]
        verbose_name = "αναμονή μητρώου"
        verbose_name_plural = "αναμονές μητρώων"
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "registry", "operation"],
                condition=models.Q(status="open"),
                name="uniq_open_registry_wait",
            )
        ]

    def __str__(self):
        return f"{self.registry}.{self.operation} για {self.content_type.model} #{self.object_id}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_waiting(self) -> bool:
        """Past the grace period: shown to people as «Σε αναμονή μητρώου» rather than retrying."""
        age = (timezone.now() - self.first_failed_at).total_seconds()
        return self.is_open and age >= settings.INTEROP_WAITING_AFTER_SECONDS

    @property
    def state_label(self) -> str:
        if not self.is_open:
            return self.get_status_display()
        return "Σε αναμονή μητρώου" if self.is_waiting else "Νέα προσπάθεια σε εξέλιξη"


class ConsoleLookup(models.Model):
    """A registry console request, recorded first and answered by a Celery task.

    A lookup in one registry (`kind=lookup`) or the ΓΕΜΗ/de minimis check of a business
    (`kind=business_check`). The page polls the row; a row still PENDING after a few minutes
    (its task lost with the broker) is handed to the task again by the outbox sweep.
    """

    class Kind(models.TextChoices):
        LOOKUP = "lookup", "Αναζήτηση σε μητρώο"
        BUSINESS_CHECK = "business_check", "Έλεγχος μητρώων επιχείρησης"

    class State(models.TextChoices):
        PENDING = "pending", "Σε εξέλιξη"
        DONE = "done", "Ολοκληρώθηκε"
        FAILED = "failed", "Απέτυχε"

    kind = models.CharField("είδος", max_length=20, choices=Kind.choices, default=Kind.LOOKUP)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="χρήστης"
    )
    registry = models.CharField("μητρώο", max_length=40, blank=True)
    identifier = models.CharField("ΑΦΜ, ΑΜΚΑ ή ΑΔΑ", max_length=40, blank=True)
    as_on = models.DateField("ημερομηνία αναφοράς", null=True, blank=True)
    business = models.ForeignKey(
        "accounts.Business", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField("κατάσταση", max_length=10, choices=State.choices, default=State.PENDING)
    result = models.JSONField("απάντηση", null=True, blank=True, encoder=DjangoJSONEncoder)
    # A worker running the lookup holds it until then, so a re-enqueued copy does not call twice.
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField("ολοκληρώθηκε", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "αναζήτηση κονσόλας μητρώων"
        verbose_name_plural = "αναζητήσεις κονσόλας μητρώων"
        indexes = [
            models.Index(fields=["state", "created_at"]),
            models.Index(fields=["business", "-id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="lookup", registry__gt="")
                | models.Q(kind="business_check", business__isnull=False),
                name="console_lookup_has_subject",
            )
        ]

    def __str__(self):
        subject = self.identifier if self.kind == self.Kind.LOOKUP else f"επιχείρηση #{self.business_id}"
        return f"{self.get_kind_display()} {self.registry} {subject} ({self.get_state_display()})"

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING


class ErganiAuthorization(models.Model):
    """A business authorises the portal to read its ΕΡΓΑΝΗ staff data with its own credentials.

    The ΕΡΓΑΝΗ API acts only for the employer owning the credentials (interop.md §3). The password
    is kept encrypted (see `interop.ergani_access`); a revoked row stays for the audit trail.
    """

    business = models.ForeignKey(
        "accounts.Business", on_delete=models.CASCADE, related_name="ergani_authorizations"
    )
    username = models.CharField("όνομα χρήστη ΕΡΓΑΝΗ", max_length=100)
    password_encrypted = models.TextField("κωδικός (κρυπτογραφημένος)")
    authorized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="εξουσιοδότησε"
    )
    authorized_at = models.DateTimeField("εξουσιοδότηση", auto_now_add=True)
    revoked_at = models.DateTimeField("ανάκληση", null=True, blank=True)

    class Meta:
        ordering = ["-authorized_at", "-id"]
        verbose_name = "εξουσιοδότηση ΕΡΓΑΝΗ"
        verbose_name_plural = "εξουσιοδοτήσεις ΕΡΓΑΝΗ"
        constraints = [
            models.UniqueConstraint(
                fields=["business"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_ergani_auth",
            )
        ]

    def __str__(self):
        return f"ΕΡΓΑΝΗ {self.username} ({self.business_id})"


class ErganiExportUpload(models.Model):
    """An uploaded ΕΡΓΑΝΗ «Πίνακας Προσωπικού» export and the report parsed from it."""

    business = models.ForeignKey("accounts.Business", on_delete=models.CASCADE, related_name="ergani_uploads")
    file_name = models.CharField("όνομα αρχείου", max_length=255, blank=True)
    content = models.BinaryField("αρχείο")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="χρήστης"
    )
    uploaded_at = models.DateTimeField("ανέβηκε", auto_now_add=True)
    report = models.JSONField("αναφορά", encoder=DjangoJSONEncoder)
    as_on = models.DateField("ημερομηνία αναφοράς")

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = "αρχείο ΕΡΓΑΝΗ"
        verbose_name_plural = "αρχεία ΕΡΓΑΝΗ"

    def __str__(self):
        return f"ΕΡΓΑΝΗ {self.file_name} ({self.as_on:%d/%m/%Y})"
