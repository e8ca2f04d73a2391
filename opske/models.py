"""Cross-cutting tables: the audit trail (more are added by opske modules as they land)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AuditChainHead(models.Model):
    """The single row that holds the end of the hash chain.

    Appending an event locks this row (SELECT ... FOR UPDATE), so concurrent writers extend the
    chain one after another and never fork it (STYLE.md practice 7).
    """

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "κεφαλή αλυσίδας ελέγχου"

    def __str__(self):
        return f"#{self.last_seq} {self.last_hash[:12]}"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Audit events are append-only.")

    def delete(self):
        raise TypeError("Audit events are append-only.")

    def for_object(self, obj):
        ct = ContentType.objects.get_for_model(obj)
        return self.filter(content_type=ct, object_id=str(obj.pk))


class AuditEvent(models.Model):
    """One recorded change or decision: who, what, on which object, before/after, why, when.

    Each row carries the hash of the previous one, so editing or deleting a row breaks the chain
    at that point; `manage.py audit_verify` reports the first broken link.
    """

    seq = models.BigIntegerField(unique=True, editable=False)
    created_at = models.DateTimeField(editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField("ενεργών", max_length=200)
    action = models.CharField("ενέργεια", max_length=100, db_index=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("αντικείμενο", max_length=300, blank=True)
    before = models.JSONField("πριν", null=True, blank=True)
    after = models.JSONField("μετά", null=True, blank=True)
    reason = models.TextField("αιτιολογία", blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = "συμβάν ελέγχου"
        verbose_name_plural = "ίχνος ελέγχου"
        indexes = [models.Index(fields=["content_type", "object_id", "seq"])]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        # Integrity guard, not business logic: an existing event is never rewritten.
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only.")


# --- Durable deadlines (opske.deadlines) -----------------------------------------------------


class Deadline(models.Model):
    """A legal or procedural deadline that must fire exactly once, even across broker outages.

    Stored before anything depends on it; `sweep_due_deadlines` claims each due row with a
    conditional UPDATE, so two sweeps never both fire it.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Σε αναμονή"
        FIRED = "fired", "Εκτελέστηκε"
        CANCELLED = "cancelled", "Ακυρώθηκε"

    class CalendarKind(models.TextChoices):
        CALENDAR = "calendar", "Ημερολογιακές ημέρες"
        WORKING = "working", "Εργάσιμες ημέρες"
        EXACT = "exact", "Συγκεκριμένη στιγμή"

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    kind = models.CharField("είδος", max_length=100, db_index=True)
    due_at = models.DateTimeField("λήξη")
    calendar_kind = models.CharField(
        "μέτρηση", max_length=10, choices=CalendarKind.choices, default=CalendarKind.EXACT
    )
    state = models.CharField("κατάσταση", max_length=10, choices=State.choices, default=State.PENDING)
    fired_at = models.DateTimeField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "προθεσμία"
        verbose_name_plural = "προθεσμίες"
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["content_type", "object_id", "kind"]),
        ]

    def __str__(self):
        return f"{self.kind} @ {self.due_at:%Y-%m-%d %H:%M} ({self.get_state_display()})"


# --- Notifications (opske.notifications) -----------------------------------------------------


class Notification(models.Model):
    """One message to one user: always shown in the in-app inbox, and e-mailed through a Delivery.

    For a legal notice (`is_legal_notice`), `sent_at` is the moment the e-mail left the portal:
    the notice counts as served then (ΚΥΑ 7066 Art. 6.10, 7.3; ΚΔΔ art. 19) and deadlines such as
    «10 ημέρες από την επομένη της κοινοποίησης» count from that date.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications"
    )
    subject = models.CharField("θέμα", max_length=250)
    body = models.TextField("κείμενο")
    kind = models.CharField("είδος", max_length=100, db_index=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64, blank=True)
    is_legal_notice = models.BooleanField("επίσημη κοινοποίηση", default=False)
    created_at = models.DateTimeField("δημιουργία", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("αναγνώστηκε", null=True, blank=True)
    sent_at = models.DateTimeField("εστάλη", null=True, blank=True)

    class Meta:
        verbose_name = "ειδοποίηση"
        verbose_name_plural = "ειδοποιήσεις"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.subject


class Delivery(models.Model):
    """One attempt channel for a notification (e-mail). Claimed by a conditional update, sent once."""

    class State(models.TextChoices):
        PENDING = "pending", "Σε αναμονή"
        SENT = "sent", "Εστάλη"
        FAILED = "failed", "Απέτυχε"

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=20, default="email")
    to_address = models.CharField("παραλήπτης", max_length=254, blank=True)
    state = models.CharField("κατάσταση", max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "αποστολή"
        verbose_name_plural = "αποστολές"
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self):
        return f"{self.channel} → {self.to_address or '—'} ({self.get_state_display()})"


# --- Health (opske.health, opske.tasks) ------------------------------------------------------


class Heartbeat(models.Model):
    """Last sign of life of a background process ("beat", "worker", "tick"): one row per name."""

    name = models.CharField(max_length=50, unique=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = "σήμα ζωής"
        verbose_name_plural = "σήματα ζωής"

    def __str__(self):
        return f"{self.name} @ {self.at:%Y-%m-%d %H:%M:%S}"


# --- Generated documents (opske.pdf) ---------------------------------------------------------


class GeneratedDocument(models.Model):
    """A PDF produced from a template: recorded first, rendered after commit by a task."""

    class State(models.TextChoices):
        PENDING = "pending", "Σε αναμονή"
        READY = "ready", "Έτοιμο"
        FAILED = "failed", "Απέτυχε"

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    kind = models.CharField("είδος", max_length=100)
    template = models.CharField(max_length=200)
    context = models.JSONField(default=dict, blank=True)
    state = models.CharField("κατάσταση", max_length=10, choices=State.choices, default=State.PENDING)
    file = models.FileField(upload_to="documents/%Y/%m/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "παραγόμενο έγγραφο"
        verbose_name_plural = "παραγόμενα έγγραφα"
        indexes = [models.Index(fields=["content_type", "object_id", "kind"])]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.get_state_display()})"
