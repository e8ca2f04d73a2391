"""Background work of the registry layer."""

from celery import shared_task

from accounts.models import User
from interop.models import ConsoleLookup
from interop.waiting import registry_waits_retry_due
from opske.tasks import register_outbox


@shared_task(name="interop.tasks.retry_registry_waits")
def retry_registry_waits() -> int:
    """Repeat the registry calls of cases waiting for a registry (beat, every minute).

    Idempotent: each wait is claimed before its call, and a resolved wait is never run again.
    """
    return registry_waits_retry_due()


@shared_task(name="interop.tasks.run_console_lookup", acks_late=True)
def run_console_lookup(lookup_id: int) -> str:
    """Answer one registry console lookup or business check (enqueued after its row is committed).

    Idempotent: a finished lookup is never run again; registry failures end as FAILED, not raised.
    """
    from interop.console import console_lookup_run

    return console_lookup_run(lookup_id=lookup_id)


# A lookup whose task was lost with the broker is enqueued again by `opske.tasks.sweep_outbox`.
register_outbox(ConsoleLookup, run_console_lookup, pending={"state": ConsoleLookup.State.PENDING})


@shared_task(name="interop.tasks.taxisnet_refresh", acks_late=True)
def taxisnet_refresh(user_id: int) -> str:
    """The AADE refresh of a user who logged in while AADE did not answer (interop.identity)."""
    from interop.identity import taxisnet_refresh as refresh

    return refresh(user_id=user_id)


# Logins whose AADE refresh was never sent or never finished (broker down, AADE still down).
register_outbox(
    User,
    taxisnet_refresh,
    pending={"aade_refresh_requested_at__isnull": False},
    age_field="aade_refresh_requested_at",
)
