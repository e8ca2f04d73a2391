"""Registry calls of payments/ and the handlers of their answers (found by interop.waiting's
autodiscovery): a ΠΣΣΕΗΣ outage leaves the update «σε αναμονή μητρώου», replayed later."""

from __future__ import annotations

import datetime
from decimal import Decimal

from interop.deminimis import DeminimisClient
from interop.waiting import registry_result_handler
from payments.services.deminimis import RECORDED, RECOVERED, record_paid_answer


def send_deminimis_paid(*, registry_id: str, payment_reference: str, paid_amount: str, paid_on: str):
    return DeminimisClient().record_payment(
        registry_id=registry_id,
        payment_reference=payment_reference,
        paid_amount=Decimal(paid_amount),
        paid_on=datetime.date.fromisoformat(paid_on),
    )


@registry_result_handler(RECORDED)
def deminimis_paid_recorded(report, result) -> None:
    record_paid_answer(report, status=result.status, data=result.data)


def send_deminimis_recovered(
    *, registry_id: str, recovery_reference: str, recovered_amount: str, recovered_on: str
):
    return DeminimisClient().record_recovery(
        registry_id=registry_id,
        recovery_reference=recovery_reference,
        recovered_amount=Decimal(recovered_amount),
        recovered_on=datetime.date.fromisoformat(recovered_on),
    )


@registry_result_handler(RECOVERED)
def deminimis_recovered_recorded(report, result) -> None:
    record_paid_answer(report, status=result.status, data=result.data)
