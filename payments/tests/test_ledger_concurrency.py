"""Two approvals at once never overdraw a pool, a year or an operation (issue 13: «commitments
race-free under concurrency»). Real PostgreSQL transactions: each approval runs in its own thread
with its own connection, both start together, and the first holds its transaction open after
booking, so the second's conditional UPDATE waits on the row lock and then sees the first's sums.
One wins; the other gets Conflict `ledger_overdrawn_<scope>` and writes nothing; every balance is
the sum of its movements afterwards."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from calls.models import AnnualAllocation, BudgetPool
from opske.errors import Conflict
from payments.models import LedgerBalance, LedgerEntry
from payments.programmes import Line
from payments.services import core, ledger
from payments.services import ledger_reports as reports

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
D = Decimal


def _payment(call, amount, *, year=2026, operation=None):
    return core.create_payment(
        call=call, operation=operation, kind="period", lines=[Line("δίμηνο", D(amount))],
        payee_kind="business", payee_name="Δικαιούχος", year=year,
    )  # fmt: skip


def _race(payments) -> list:
    """Book each payment in its own thread and transaction, all at once; the outcome of each."""
    start = threading.Barrier(len(payments))
    outcomes = [None] * len(payments)

    def approve(i, payment):
        try:
            start.wait()
            with transaction.atomic():
                ledger.book_payment(payment)
                time.sleep(0.4)  # the winner keeps its locks while the other tries
            outcomes[i] = "booked"
        except Conflict as exc:
            outcomes[i] = exc.code
        except Exception as exc:  # reported by the assertion below, not swallowed
            outcomes[i] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(i, p)) for i, p in enumerate(payments)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


def _assert_consistent(call):
    checked, mismatches = reports.reconciliation(call)
    assert checked and mismatches == []
    for row in LedgerBalance.objects.filter(call=call):
        assert row.paid - row.recovered <= row.ceiling


def _operations_in_small_pool(pool_amount):
    from operations.tests.factories import kya7066_operation

    first = kya7066_operation()
    call = first.call
    pool = BudgetPool.objects.create(call=call, code="small", label="Μικρό ταμείο", amount=D(pool_amount))
    second = kya7066_operation(call=call)
    for op in (first, second):
        type(op.application).objects.filter(pk=op.application_id).update(pool=pool)
        op.refresh_from_db()
    return call, pool, first, second


def test_two_approvals_that_together_exceed_a_pool_one_wins_one_is_refused():
    call, pool, first, second = _operations_in_small_pool("3000.00")
    payments = [_payment(call, "2000.00", operation=first), _payment(call, "2000.00", operation=second)]
    outcomes = _race(payments)
    assert sorted(outcomes) == ["booked", "ledger_overdrawn_pool"]
    row = LedgerBalance.objects.get(scope="pool", pool=pool)
    assert row.paid == D("2000.00") and row.available == D("1000.00")
    # the loser wrote nothing on any scope: one payment entry per scope, the winner's
    assert LedgerEntry.objects.filter(kind="payment").count() == 4
    assert LedgerBalance.objects.get(scope="call", call=call).paid == D("2000.00")
    _assert_consistent(call)


def test_two_approvals_that_together_exceed_a_year_one_wins_one_is_refused():
    from calls.tests.factories import CallFactory

    call = CallFactory(total_budget=D("100000.00"))
    AnnualAllocation.objects.create(call=call, year=2026, amount=D("1000.00"))
    outcomes = _race([_payment(call, "600.00"), _payment(call, "600.00")])
    assert sorted(outcomes) == ["booked", "ledger_overdrawn_year"]
    year = LedgerBalance.objects.get(scope="year", call=call, year=2026)
    assert (year.paid, year.available) == (D("600.00"), D("400.00"))
    _assert_consistent(call)


def test_two_approvals_that_together_exceed_an_operation_one_wins_one_is_refused():
    from operations.tests.factories import kya7066_operation

    op = kya7066_operation()  # approved 24.174,00 (1 × 01.22 + 1 × 01.23)
    ledger.commit_operation(op)
    outcomes = _race(
        [_payment(op.call, "15000.00", operation=op), _payment(op.call, "15000.00", operation=op)]
    )
    assert sorted(outcomes) == ["booked", "ledger_overdrawn_operation"]
    row = LedgerBalance.objects.get(scope="operation", operation=op)
    assert (row.paid, row.available) == (D("15000.00"), D("9174.00"))
    _assert_consistent(op.call)


def test_approvals_that_fit_together_are_both_booked():
    from calls.tests.factories import CallFactory

    call = CallFactory(total_budget=D("100000.00"))
    AnnualAllocation.objects.create(call=call, year=2026, amount=D("1000.00"))
    outcomes = _race([_payment(call, "500.00"), _payment(call, "500.00")])
    assert outcomes == ["booked", "booked"]
    assert LedgerBalance.objects.get(scope="year", call=call, year=2026).available == D("0.00")
    _assert_consistent(call)


def test_two_commitments_at_once_are_booked_once():
    from operations.tests.factories import kya7066_operation

    op = kya7066_operation()
    start = threading.Barrier(2)
    results = []

    def book():
        try:
            start.wait()
            results.append(ledger.commit_operation(op))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == [False, True]
    assert LedgerBalance.objects.get(scope="operation", operation=op).committed == D("24174.00")
    _assert_consistent(op.call)
