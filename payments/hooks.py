"""payments/ reacts to verification's final results (verification/hooks.py) and to evaluation's
notices (evaluation/hooks.py) and to operations' lowered approved totals (operations/hooks.py): the
first opens the DRAFT payment the result gives a right to, the second books the operation's
commitment on the ledger, the third releases what a cut took off it."""

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
    if operation is not None:
        ledger.commit_operation(operation)


def decommit_lowered_total(operation, *, amount, source: str, actor=None) -> None:
    """operations/hooks.py: the operation's approved total went down (ΚΥΑ 7066 Art. 10.4 cut): the
    ledger releases that much of its commitment and lowers its ceiling."""
    ledger.operation_total_lowered(operation, amount=amount, source=source, by=actor)
