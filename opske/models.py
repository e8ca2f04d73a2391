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
