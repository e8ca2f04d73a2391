"""de minimis at payment (issue 13): ΠΣΣΕΗΣ learns what a payment on a registered grant really paid.

The grant was registered when the approval was notified (evaluation.tasks.register_deminimis_grant,
ΚΥΑ 7066 Art. 7.6; Reg. 2023/2831 Art. 6). When one of its payments becomes PAID, the bank's report
transaction writes a PENDING `DeminimisPaidReport` (`schedule_record_paid`); after commit
`record_paid` sends it (`DeminimisClient.record_payment`, idempotent by the payment's code), so
later cumulation reads of the single undertaking carry the paid figures. An unavailable register
opens a `RegistryWait` retried with backoff by beat; a broker outage leaves the row PENDING for the
outbox sweep (payments.tasks). A payment not under de minimis (no grant registered for its
operation's decision, e.g. call 004 under the GBER) writes nothing.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from opske import audit
from payments.models import DeminimisPaidReport, Payment

logger = logging.getLogger(__name__)
RECORDED = "payments.deminimis_paid_recorded"
RECOVERED = "payments.deminimis_recovered_recorded"


def _grant_decision(payment: Payment):
    return _operation_grant(payment.operation)


def _operation_grant(operation):
    if operation is None:
        return None
    decision = operation.decision
    return decision if decision is not None and decision.deminimis_state else None


def schedule_record_paid(payment: Payment) -> DeminimisPaidReport | None:
    """Inside the transaction that made the payment PAID: owe ΠΣΣΕΗΣ its update, send after commit."""
    if payment.state != Payment.State.PAID or payment.amount <= 0:
        return None
    decision = _grant_decision(payment)
    if decision is None:
        return None
    report, created = DeminimisPaidReport.objects.get_or_create(
        payment=payment,
        defaults={
            "registry_id": decision.deminimis_registry_id,
            "amount": payment.amount,
            "paid_on": payment.paid_on or timezone.localdate(),
        },
    )
    if created:
        enqueue(report.pk)
    return report


def enqueue(report_id: int) -> None:
    def run():
        from payments.tasks import record_deminimis_paid

        try:
            record_deminimis_paid.delay(report_id)
        except Exception:  # broker down: the row stays PENDING for the outbox sweep
            logger.warning("could not enqueue the ΠΣΣΕΗΣ paid update %s", report_id)

    transaction.on_commit(run)


def record_paid(payment: Payment) -> str:
    """Send the payment's PENDING update to ΠΣΣΕΗΣ (after commit; safe to run twice)."""
    from interop.waiting import open_waits_for, run_registry_check

    report = DeminimisPaidReport.objects.filter(payment=payment).first()
    if report is None or report.state != DeminimisPaidReport.State.PENDING:
        return "skipped"
    if not report.registry_id:
        # Paid before the grant's own registration came back: take its id once it has one.
        decision = _grant_decision(payment)
        if decision is None or not decision.deminimis_registry_id:
            return "grant_not_registered"
        DeminimisPaidReport.objects.filter(pk=report.pk, registry_id="").update(
            registry_id=decision.deminimis_registry_id
        )
        report.refresh_from_db()
    if open_waits_for(report).filter(operation="record_payment").exists():
        return "waiting"  # the register was down: the wait's own retries own the call now
    outcome = run_registry_check(
        obj=report,
        registry="deminimis",
        operation="record_payment",
        call="payments.registry_handlers.send_deminimis_paid",
        params={
            "registry_id": report.registry_id,
            "payment_reference": payment.code,
            "paid_amount": f"{report.amount:.2f}",
            "paid_on": report.paid_on.isoformat(),
        },
        on_result=RECORDED,
    )
    return outcome.status


def schedule_record_recovered(recovery) -> DeminimisPaidReport | None:
    """Inside the transaction that recorded a recovery's repayment: owe ΠΣΣΕΗΣ the aid paid back
    (the principal; the interest is not aid) on the operation's registered grant."""
    decision = _operation_grant(recovery.operation)
    if decision is None or recovery.principal <= 0:
        return None
    report, created = DeminimisPaidReport.objects.get_or_create(
        recovery=recovery,
        defaults={
            "kind": DeminimisPaidReport.Kind.RECOVERED,
            "registry_id": decision.deminimis_registry_id,
            "amount": recovery.principal,
            "paid_on": recovery.repaid_on or timezone.localdate(),
        },
    )
    if created:
        enqueue(report.pk)
    return report


def record_recovered(report: DeminimisPaidReport) -> str:
    """Send a PENDING recovery update to ΠΣΣΕΗΣ (after commit; safe to run twice)."""
    from interop.waiting import open_waits_for, run_registry_check

    report.refresh_from_db()
    if report.state != DeminimisPaidReport.State.PENDING or report.recovery_id is None:
        return "skipped"
    if not report.registry_id:
        decision = _operation_grant(report.recovery.operation)
        if decision is None or not decision.deminimis_registry_id:
            return "grant_not_registered"
        DeminimisPaidReport.objects.filter(pk=report.pk, registry_id="").update(
            registry_id=decision.deminimis_registry_id
        )
        report.refresh_from_db()
    if open_waits_for(report).filter(operation="record_recovery").exists():
        return "waiting"
    outcome = run_registry_check(
        obj=report,
        registry="deminimis",
        operation="record_recovery",
        call="payments.registry_handlers.send_deminimis_recovered",
        params={
            "registry_id": report.registry_id,
            "recovery_reference": report.recovery.code,
            "recovered_amount": f"{report.amount:.2f}",
            "recovered_on": report.paid_on.isoformat(),
        },
        on_result=RECOVERED,
    )
    return outcome.status


def record_paid_answer(report: DeminimisPaidReport, *, status: str, data) -> DeminimisPaidReport:
    """The register answered (or refused): keep it once, with its audit event."""
    with transaction.atomic():
        r = DeminimisPaidReport.objects.select_for_update().get(pk=report.pk)
        if r.state != DeminimisPaidReport.State.PENDING:
            return r
        r.state = DeminimisPaidReport.State.REFUSED if status == "refused" else DeminimisPaidReport.State.SENT
        r.answer = data if isinstance(data, dict) else {"answer": data}
        r.sent_at = timezone.now()
        r.save(update_fields=["state", "answer", "sent_at"])
        what = "recovered" if r.kind == r.Kind.RECOVERED else "paid"
        audit.record(
            actor=None,
            action=f"payment.deminimis_{what}_recorded"
            if r.state == r.State.SENT
            else f"payment.deminimis_{what}_refused",
            obj=r.subject,
            after={"registry_id": r.registry_id, f"{what}_amount": str(r.amount), "state": r.state},
            reason=str(r.answer.get("message") or "") if r.state == r.State.REFUSED else "",
        )
    return r
