"""The budget ledger's only writer (issue 13).

Each movement is one conditional UPDATE per scope it touches — the call, the operation's pool, the
budget year, the operation — taken in that fixed order (so two movements never wait for each other
in opposite orders), each followed by an immutable `LedgerEntry`. A payment is booked only where
`ceiling − (paid − recovered) ≥ amount` holds in the UPDATE itself: under concurrency the second of
two approvals that together would overdraw a pool updates no row and is refused with `Conflict`,
and its savepoint rolls back whatever it had booked on the other scopes. Row locks on the balances
come before the audit chain's head (STYLE.md practice 7; calls.services.pool_lock).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from calls.models import AnnualAllocation, Call
from opske.errors import Conflict, ValidationFailed
from opske.money import format_eur
from payments.models import LedgerBalance, LedgerEntry, Payment

ZERO = Decimal("0.00")
Scope = LedgerBalance.Scope
Kind = LedgerEntry.Kind

SCOPE_REFUSAL = {
    Scope.CALL: "Η πληρωμή υπερβαίνει τον διαθέσιμο προϋπολογισμό της πρόσκλησης",
    Scope.POOL: "Η πληρωμή υπερβαίνει το διαθέσιμο υπόλοιπο του ταμείου (περιοχής) της πράξης",
    Scope.YEAR: "Η πληρωμή υπερβαίνει το ετήσιο όριο πληρωμών του οικονομικού έτους",
    Scope.OPERATION: "Η πληρωμή υπερβαίνει το εγκεκριμένο ποσό της πράξης",
}


@dataclass(frozen=True)
class Booking:
    """Where a movement lands: the call, and when they apply the pool, year and operation."""

    call: Call
    pool_id: int | None = None
    year: int | None = None
    operation_id: int | None = None


def _positive(amount) -> Decimal:
    value = Decimal(amount).quantize(Decimal("0.01"))
    if value <= 0:
        raise ValidationFailed("Το ποσό της κίνησης πρέπει να είναι θετικό.", code="ledger_amount")
    return value


def _get_or_create(scope: str, *, call: Call, ceiling: Decimal, **keys) -> LedgerBalance:
    """The scope's balance row, created on first use (its ceiling fixed then)."""
    row = LedgerBalance.objects.filter(scope=scope, call=call, **keys).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return LedgerBalance.objects.create(scope=scope, call=call, ceiling=ceiling, **keys)
    except IntegrityError:  # another transaction created it first
        return LedgerBalance.objects.get(scope=scope, call=call, **keys)


def call_balance(call: Call) -> LedgerBalance:
    return _get_or_create(Scope.CALL, call=call, ceiling=call.total_budget)


def pool_balance(pool) -> LedgerBalance:
    return _get_or_create(Scope.POOL, call=pool.call, ceiling=pool.amount, pool=pool)


def year_balance(call: Call, year: int) -> LedgerBalance:
    """The year's cash ceiling is the call's annual allocation; without one, the call budget."""
    allocation = AnnualAllocation.objects.filter(call=call, year=year).first()
    ceiling = allocation.amount if allocation else call.total_budget
    return _get_or_create(Scope.YEAR, call=call, ceiling=ceiling, year=year)


def operation_balance(operation) -> LedgerBalance:
    ceiling = operation.public_expenditure or operation.approved_total
    return _get_or_create(Scope.OPERATION, call=operation.call, ceiling=ceiling, operation=operation)


def _rows(booking: Booking) -> list[LedgerBalance]:
    """The balances a movement touches, in the fixed lock order call → pool → year → operation."""
    from calls.models import BudgetPool
    from operations.models import Operation

    rows = [call_balance(booking.call)]
    if booking.pool_id:
        rows.append(pool_balance(BudgetPool.objects.get(pk=booking.pool_id)))
    if booking.year:
        rows.append(year_balance(booking.call, booking.year))
    if booking.operation_id:
        rows.append(operation_balance(Operation.objects.select_related("call").get(pk=booking.operation_id)))
    return rows


def booking_for(operation=None, *, call: Call | None = None, year: int | None = None) -> Booking:
    """The booking of a movement of `operation` (its call and pool), or of a call without one."""
    if operation is not None:
        return Booking(
            call=operation.call,
            pool_id=getattr(operation.application, "pool_id", None),
            year=year,
            operation_id=operation.pk,
        )
    if call is None:
        raise ValueError("booking_for needs an operation or a call")
    return Booking(call=call, year=year)


def _entry(row, kind, amount, *, payment=None, source="", by=None, on=None) -> LedgerEntry:
    return LedgerEntry.objects.create(
        balance=row, kind=kind, amount=amount, payment=payment, source=source,
        booked_on=on or timezone.localdate(), created_by=by,
    )  # fmt: skip


@transaction.atomic
def commit(booking: Booking, amount, *, source: str, by=None) -> None:
    """Record a legal commitment (the approval / inclusion decision): committed += amount."""
    value = _positive(amount)
    for row in _rows(booking):
        LedgerBalance.objects.filter(pk=row.pk).update(committed=F("committed") + value)
        _entry(row, Kind.COMMIT, value, source=source, by=by)


@transaction.atomic
def decommit(booking: Booking, amount, *, source: str, by=None, lower_ceiling: bool = False) -> None:
    """Release part of a commitment (positions cut, operation revoked, final amount lower).

    With `lower_ceiling` the operation's own ceiling falls by the same amount (its approved total
    went down: ΚΥΑ 7066 Art. 10.4, «never above the approved total»), never below what it was paid;
    the call's, pool's and year's ceilings stay: the released money is theirs to commit again."""
    value = _positive(amount)
    for row in _rows(booking):
        changes = {"committed": F("committed") - value}
        condition = {"committed__gte": value}
        if lower_ceiling and row.scope == Scope.OPERATION:
            changes["ceiling"] = F("ceiling") - value
            condition["ceiling__gte"] = F("paid") - F("recovered") + value
        updated = LedgerBalance.objects.filter(pk=row.pk, **condition).update(**changes)
        if not updated:
            raise Conflict("Η αποδέσμευση υπερβαίνει το δεσμευμένο ποσό.", code="ledger_decommit")
        _entry(row, Kind.DECOMMIT, value, source=source, by=by)


def operation_commitment(operation):
    """What an operation commits on the ledger: its public expenditure, else its approved total."""
    return operation.public_expenditure or operation.approved_total


def commit_operation(operation, *, by=None) -> bool:
    """Book the operation's commitment once (the notice's hook, the demo); False when it is booked.

    The operation row is locked first, so two callers never both find it unbooked."""
    from operations.models import Operation

    with transaction.atomic():
        Operation.objects.select_for_update().filter(pk=operation.pk).first()
        if LedgerEntry.objects.filter(balance__operation=operation, kind=Kind.COMMIT).exists():
            return False
        amount = operation_commitment(operation)
        if not amount:
            return False
        commit(booking_for(operation), amount, source=f"operation:{operation.pk}", by=by)
    return True


def operation_total_lowered(operation, *, amount, source: str, by=None) -> None:
    """The operation's approved total went down by `amount` (a position cut, a lower budget): its
    commitment and ceiling follow, as far as it was committed."""
    value = Decimal(amount).quantize(Decimal("0.01"))
    row = LedgerBalance.objects.filter(scope=Scope.OPERATION, operation=operation).first()
    release = min(value, row.committed) if row is not None else ZERO
    if release > 0:
        decommit(booking_for(operation), release, source=source, by=by, lower_ceiling=True)


def book_payment(payment: Payment, *, by=None, on: datetime.date | None = None) -> None:
    """Book an approved payment on every scope, or refuse it whole (`Conflict`, nothing written)."""
    value = _positive(payment.amount)
    booking = booking_for(payment.operation, call=payment.call, year=payment.year)
    with transaction.atomic():  # a savepoint: a refusal on the last scope undoes the earlier ones
        for row in _rows(booking):
            updated = LedgerBalance.objects.filter(
                pk=row.pk, ceiling__gte=F("paid") - F("recovered") + value
            ).update(paid=F("paid") + value)
            if not updated:
                row.refresh_from_db()
                raise Conflict(
                    f"{SCOPE_REFUSAL[row.scope]}: διαθέσιμο {format_eur(row.available)}, "
                    f"πληρωμή {format_eur(value)}. Δεν καταχωρίστηκε τίποτα.",
                    code=f"ledger_overdrawn_{row.scope}",
                )
            _entry(row, Kind.PAYMENT, value, payment=payment, source=f"payment:{payment.pk}", by=by, on=on)


def reverse_payment(payment: Payment, *, by=None, reason: str = "") -> None:
    """Undo a booked payment whose credit failed (pain.002 / camt.054): paid −= amount."""
    value = _positive(payment.amount)
    booking = booking_for(payment.operation, call=payment.call, year=payment.year)
    with transaction.atomic():
        for row in _rows(booking):
            updated = LedgerBalance.objects.filter(pk=row.pk, paid__gte=F("recovered") + value).update(
                paid=F("paid") - value
            )
            if not updated:
                raise Conflict("Ο αντιλογισμός υπερβαίνει τα πληρωμένα.", code="ledger_reversal")
            source = reason or f"payment:{payment.pk}"
            _entry(row, Kind.PAYMENT_REVERSAL, value, payment=payment, source=source, by=by)


def book_recovery(booking: Booking, amount, *, source: str, by=None, on: datetime.date | None = None) -> None:
    """Book an amount paid back (or offset): recovered += amount, never above what was paid."""
    value = _positive(amount)
    with transaction.atomic():
        for row in _rows(booking):
            updated = LedgerBalance.objects.filter(pk=row.pk, paid__gte=F("recovered") + value).update(
                recovered=F("recovered") + value
            )
            if not updated:
                raise Conflict("Η ανάκτηση υπερβαίνει τα πληρωμένα ποσά.", code="ledger_recovery")
            _entry(row, Kind.RECOVERY, value, source=source, by=by, on=on)
