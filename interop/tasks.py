"""Background work of the registry layer."""

from celery import shared_task

from interop.waiting import registry_waits_retry_due


@shared_task(name="interop.tasks.retry_registry_waits")
def retry_registry_waits() -> int:
    """Repeat the registry calls of cases waiting for a registry (beat, every minute).

    Idempotent: each wait is claimed before its call, and a resolved wait is never run again.
    """
    return registry_waits_retry_due()
