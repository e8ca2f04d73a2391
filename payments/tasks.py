"""Background work of payments/. Each task loads by id, calls one service, and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from opske.tasks import register_outbox
from payments.models import DeminimisPaidReport


@shared_task(name="payments.tasks.record_deminimis_paid", acks_late=True)
def record_deminimis_paid(report_id: int) -> str:
    """ΠΣΣΕΗΣ learns what a PAID payment paid on its grant, or what a repaid recovery gave back
    (payments.services.deminimis)."""
    from payments.services.deminimis import record_paid, record_recovered

    report = DeminimisPaidReport.objects.select_related("payment", "recovery").filter(pk=report_id).first()
    if report is None:
        return "skipped"
    if report.kind == DeminimisPaidReport.Kind.RECOVERED:
        return record_recovered(report)
    return record_paid(report.payment)


# A broker outage when the bank's report was read delays the update, never drops it.
register_outbox(DeminimisPaidReport, record_deminimis_paid)
