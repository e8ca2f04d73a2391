"""Cross-cutting Celery tasks. Each loads by id, calls one function, and is safe to run twice.

Beat (settings.CELERY_BEAT_SCHEDULE) runs `beat_tick`, `sweep_deadlines` and `sweep_outbox`;
without a broker, `manage.py tick` runs the same functions inline.

The outbox: every table whose rows stand for work still to do (e-mail deliveries, documents to
render, and whatever later apps add with `register_outbox`) is swept for PENDING rows older than a
few minutes, which are handed to their task again. So a broker outage delays work, never drops it.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from celery import shared_task
from django.utils import timezone

from opske.models import Delivery, GeneratedDocument, Heartbeat

logger = logging.getLogger(__name__)

OUTBOX_AGE_MINUTES = 5


@dataclass(frozen=True)
class OutboxEntry:
    model: type
    task: object
    pending: dict = field(default_factory=lambda: {"state": "pending"})
    age_field: str = "created_at"


_OUTBOX: dict[str, OutboxEntry] = {}


def register_outbox(model, task, *, pending: dict | None = None, age_field: str = "created_at") -> None:
    """Sweep `model` rows matching `pending` (default state="pending") older than a few minutes
    and call `task.delay(pk)` for each. The task must be idempotent."""
    _OUTBOX[f"{model._meta.label_lower}:{getattr(task, 'name', task)}"] = OutboxEntry(
        model=model, task=task, pending=pending or {"state": "pending"}, age_field=age_field
    )


def heartbeat(name: str, at: datetime.datetime | None = None) -> None:
    """Upsert the last-seen time of a background process."""
    Heartbeat.objects.bulk_create(
        [Heartbeat(name=name, at=at or timezone.now())],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["at"],
    )


@shared_task(name="opske.tasks.beat_tick")
def beat_tick() -> str:
    heartbeat("beat")
    return "ok"


@shared_task(name="opske.tasks.ping")
def ping(x: int) -> int:
    heartbeat("worker")
    return x + 1


@shared_task(name="opske.tasks.sweep_deadlines")
def sweep_deadlines() -> int:
    from opske.deadlines import sweep_due_deadlines

    return sweep_due_deadlines()


@shared_task(name="opske.tasks.sweep_outbox")
def sweep_outbox(older_than_minutes: float = OUTBOX_AGE_MINUTES, limit: int = 500) -> int:
    """Re-enqueue outbox rows still PENDING after `older_than_minutes`. Returns how many."""
    cutoff = timezone.now() - datetime.timedelta(minutes=older_than_minutes)
    enqueued = 0
    for entry in list(_OUTBOX.values()):
        ids = list(
            entry.model._default_manager.filter(**entry.pending, **{f"{entry.age_field}__lte": cutoff})
            .order_by(entry.age_field)
            .values_list("pk", flat=True)[:limit]
        )
        for pk in ids:
            try:
                entry.task.delay(pk)
                enqueued += 1
            except Exception:
                # Broker still down: the row stays PENDING and the next sweep tries again.
                logger.warning("outbox: could not enqueue %s #%s", entry.model._meta.label, pk)
    return enqueued


@shared_task(name="opske.tasks.send_delivery", acks_late=True)
def send_delivery(delivery_id: int) -> str:
    from opske.notifications import delivery_send

    return delivery_send(delivery_id)


@shared_task(name="opske.tasks.render_document", acks_late=True)
def render_document(document_id: int) -> str:
    from opske.pdf import document_render

    return document_render(document_id)


register_outbox(Delivery, send_delivery)
register_outbox(GeneratedDocument, render_document)
