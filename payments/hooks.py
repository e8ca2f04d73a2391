"""payments/ reacts to verification's final results (verification/hooks.py) and to evaluation's
notices (evaluation/hooks.py): the first opens the DRAFT payment the result gives a right to, the
second books the operation's commitment on the ledger."""

from __future__ import annotations

from payments import programmes
from payments.models import Payment
from payments.services import core, ledger


def open_payment_for_request(request) -> None:
    """ΚΥΑ 7066 Art. 8.5, Πρόσκληση 004 §11.1.Γ: a final result gives the right to payment."""
    if (
        Payment.objects.filter(verification_request=request)
        .exclude(state__in=[Payment.State.REJECTED, Payment.State.CANCELLED])
        .exists()
    ):
        return
    plan = programmes.plan_for(request)
    if plan is None:
        return
    operation = request.operation
    business = operation.business
    core.create_payment(
        call=operation.call,
        operation=operation,
        verification_request=request,
        kind=plan.kind,
        lines=plan.lines,
        warnings=plan.warnings,
        payee_kind=Payment.PayeeKind.BUSINESS,
        payee_name=business.name if business else operation.title,
        payee_afm=business.afm if business else "",
    )


def commit_operation_on_notice(decision) -> None:
    """The operation started by this notice (operations' hook ran first) is committed on the ledger."""
    from operations.models import Operation

    operation = Operation.objects.filter(decision=decision).select_related("call", "application").first()
    if operation is None:
        return
    amount = operation.public_expenditure or operation.approved_total
    if amount and not operation.ledger_balances.exists():
        ledger.commit(ledger.booking_for(operation), amount, source=f"operation:{operation.pk}")
