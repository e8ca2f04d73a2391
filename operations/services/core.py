"""The start of an operation from the decision that funds it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction

from calls.models import Call
from evaluation.models import Decision
from operations.models import Operation, OperationBudgetLine
from operations.services.hires import positions_create_for_operation
from opske import audit
from opske.dates import ATHENS


def starts_operation(*, method: str, kind: str) -> bool:
    """ΚΥΑ 7066 Art. 7.3, 2.18: the approval's notice is the grant date and starts implementation.
    Call 004 §6 (comparative): the inclusion decision is the legal commitment. ΚΥΑ 16936 funds
    placements, not operations (evaluation/points)."""
    if method == Call.EvaluationMethod.FCFS_DIRECT:
        return kind == Decision.Kind.APPROVAL
    if method == Call.EvaluationMethod.COMPARATIVE:
        return kind == Decision.Kind.INCLUSION
    return False


def _amount(value) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return None


def operation_start_from_decision(*, decision: Decision) -> Operation | None:
    """Create the operation of a notified funding decision; a second notice changes nothing."""
    app = decision.application
    call = app.call
    if not starts_operation(method=call.evaluation_method, kind=decision.kind):
        return None
    with transaction.atomic():
        existing = Operation.objects.filter(application=app).first()
        if existing is not None:
            return existing
        notified = decision.notified_at.astimezone(ATHENS).date()
        op = Operation.objects.create(
            application=app,
            call=call,
            decision=decision,
            code=f"ΠΡΞ-{app.protocol_number or app.pk}",
            title=decision.subject[:400],
            business=app.business,
            approved_total=decision.amount_total,
            public_expenditure=decision.amount_total,
            starts_on=notified,
        )
        for row in (decision.details or {}).get("per_category") or []:
            amount = _amount(row.get("amount"))
            if row.get("category") and amount is not None:
                OperationBudgetLine.objects.update_or_create(
                    operation=op, category=str(row["category"]), defaults={"amount": amount}
                )
        audit.record(
            actor=None,
            action="operations.operation.started",
            obj=op,
            after={"code": op.code, "decision": decision.protocol_number, "starts_on": op.starts_on,
                   "approved_total": op.approved_total},
        )  # fmt: skip
        positions_create_for_operation(operation=op)
    return op
