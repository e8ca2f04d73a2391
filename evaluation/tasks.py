"""Background work of evaluation/: the ΠΣΣΕΗΣ re-check, the Diavgeia publication and the ΠΣΣΕΗΣ
registration of a granted de minimis aid.

All are safe to run twice: a finished pre-inclusion check, a published decision or a registered
grant is left alone; Diavgeia publishing is idempotent by protocol number (it returns the ΑΔΑ it
already gave) and ΠΣΣΕΗΣ by our external reference (it returns the registry id it already gave).
An unavailable registry opens a `RegistryWait`, retried by the `retry_registry_waits` beat task.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from evaluation.models import Decision, PreInclusionCheck
from evaluation.registry_handlers import GRANT_REGISTERED, PRE_INCLUSION, PUBLISHED
from interop.waiting import open_waits_for, run_registry_check
from opske.tasks import register_outbox


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


@shared_task(name="evaluation.tasks.register_deminimis_grant", acks_late=True)
def register_deminimis_grant(decision_id: int) -> str:
    """ΚΥΑ 7066 Art. 7.6: the approval's notice granted the aid; record it in ΠΣΣΕΗΣ once."""
    from evaluation.services import grant_registration_params

    decision = (
        Decision.objects.select_related("application__call", "application__business")
        .filter(pk=decision_id)
        .first()
    )
    if decision is None or decision.deminimis_state != Decision.DeminimisState.PENDING:
        return "skipped"
    if open_waits_for(decision).filter(operation="register_grant").exists():
        # The registry was down: the wait's own retry (with backoff) owns the call now.
        return "waiting"
    outcome = run_registry_check(
        obj=decision,
        registry="deminimis",
        operation="register_grant",
        call="evaluation.registry_handlers.register_deminimis_grant",
        params=grant_registration_params(decision),
        on_result=GRANT_REGISTERED,
    )
    return outcome.status


# A broker outage at notification time delays the registration, never drops it.
register_outbox(
    Decision,
    register_deminimis_grant,
    pending={"deminimis_state": Decision.DeminimisState.PENDING},
    age_field="notified_at",
)


@shared_task(name="evaluation.tasks.assign_on_submission", acks_late=True)
def assign_on_submission(application_id: int) -> int | None:
    """ΚΥΑ 7066 Art. 7.1α: the submitted application's evaluator, when its call assigns automatically."""
    from evaluation.services import assignment_on_submission

    assignment = assignment_on_submission(application_id=application_id)
    return assignment.pk if assignment else None
