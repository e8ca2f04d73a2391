"""Background work of evaluation/: the ΠΣΣΕΗΣ re-check and the Diavgeia publication.

Both are safe to run twice: a finished pre-inclusion check or a published decision is left alone,
and Diavgeia publishing is idempotent by protocol number (it returns the ΑΔΑ it already gave).
An unavailable registry opens a `RegistryWait`, retried by the `retry_registry_waits` beat task.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from evaluation.models import Decision, PreInclusionCheck
from evaluation.registry_handlers import PRE_INCLUSION, PUBLISHED
from interop.waiting import run_registry_check


@shared_task(name="evaluation.tasks.run_pre_inclusion_check", acks_late=True)
def run_pre_inclusion_check(check_id: int) -> str:
    check = PreInclusionCheck.objects.select_related("application__business").filter(pk=check_id).first()
    if check is None or check.state != PreInclusionCheck.State.PENDING:
        return "skipped"
    app = check.application
    if not app.business_id:
        from evaluation.services import pre_inclusion_check_complete

        pre_inclusion_check_complete(
            check=check, status="ok", data={"total_gge": "0"}, checked_at=timezone.now()
        )
        return "ok"
    outcome = run_registry_check(
        obj=check,
        registry="deminimis",
        operation="single_undertaking_aid",
        call="evaluation.registry_handlers.fetch_deminimis",
        params={"afm": app.business.afm, "as_on": timezone.localdate().isoformat()},
        on_result=PRE_INCLUSION,
    )
    return outcome.status


@shared_task(name="evaluation.tasks.publish_decision", acks_late=True)
def publish_decision(decision_id: int) -> str:
    decision = Decision.objects.filter(pk=decision_id).first()
    if decision is None or decision.state != Decision.State.SIGNED:
        return "skipped"
    outcome = run_registry_check(
        obj=decision,
        registry="diavgeia",
        operation="publish",
        call="evaluation.registry_handlers.publish_to_diavgeia",
        params={"decision_id": decision.pk},
        on_result=PUBLISHED,
    )
    return outcome.status
