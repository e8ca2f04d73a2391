"""Opening a payment: the one place a `Payment` row is created (issue 13)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from opske import audit
from opske.errors import ValidationFailed
from payments.models import Payment
from payments.programmes import Line

ZERO = Decimal("0.00")


def _code(call, operation) -> str:
    prefix = operation.code if operation is not None else f"ΠΡΣ-{call.pk}"
    n = Payment.objects.filter(call=call, operation=operation).count() + 1
    while Payment.objects.filter(code=f"{prefix}/ΠΛΗ-{n}").exists():
        n += 1
    return f"{prefix}/ΠΛΗ-{n}"


@transaction.atomic
def create_payment(
    *,
    call,
    kind: str,
    lines: Iterable[Line],
    payee_kind: str,
    payee_name: str,
    operation=None,
    verification_request=None,
    payee_afm: str = "",
    payee_iban: str = "",
    year: int | None = None,
    warnings: Iterable[str] = (),
    actor=None,
) -> Payment:
    """A DRAFT payment whose amount is the sum of `lines` (each one a rule's result, kept as the
    breakdown). Nothing is booked on the ledger until the payment is approved."""
    lines = list(lines)
    amount = sum((line.amount for line in lines), ZERO).quantize(Decimal("0.01"))
    if amount < 0:
        raise ValidationFailed("Το ποσό πληρωμής δεν μπορεί να είναι αρνητικό.", code="payment_negative")
    if operation is not None:  # one payment at a time per operation and code sequence
        type(operation).objects.select_for_update().filter(pk=operation.pk).first()
    payment = Payment.objects.create(
        call=call,
        operation=operation,
        verification_request=verification_request,
        code=_code(call, operation),
        kind=kind,
        year=year or timezone.localdate().year,
        amount=amount,
        breakdown=[line.as_json() for line in lines],
        warnings=list(warnings),
        payee_kind=payee_kind,
        payee_name=payee_name,
        payee_afm=payee_afm,
        payee_iban=payee_iban,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action="payment.opened",
        obj=payment,
        after={"code": payment.code, "kind": kind, "amount": str(amount)},
    )
    return payment


def submit_with_dossier(payment: Payment, *, actor, protocol_number: str, reason: str) -> Payment:
    """DRAFT → SUBMITTED for a payment whose documents are a dossier already checked by staff (the
    ΚΥΑ 16936 monthly wage dossier verified by ΚΠΑ2, Art. 10(2)): no business files anything for a
    participant's net pay or the ΤΠΤΕ payment, so it goes straight to the payment officer's queue."""
    before = {"state": payment.state, "protocol_number": payment.protocol_number}
    payment.protocol_number = protocol_number
    payment.submitted_at = timezone.now()
    payment.submitted_by = actor if getattr(actor, "pk", None) else None
    payment.submit()
    payment.save(update_fields=["state", "protocol_number", "submitted_at", "submitted_by"])
    audit.record(
        actor=actor,
        action="payment.documents_submitted",
        obj=payment,
        before=before,
        after={"state": payment.state, "protocol_number": protocol_number},
        reason=reason,
    )
    return payment
