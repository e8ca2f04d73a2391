"""The ledger's core: a payment is booked on every scope or on none."""

from decimal import Decimal

import pytest

from calls.models import AnnualAllocation
from opske.errors import Conflict
from payments.models import LedgerBalance, LedgerEntry
from payments.programmes import Line
from payments.services import core, ledger

pytestmark = pytest.mark.django_db


def _call():
    from calls.tests.factories import CallFactory

    return CallFactory(total_budget=Decimal("100000.00"))


def _P(call, amount, year):
    return core.create_payment(
        call=call, kind="wage_net", lines=[Line("test", Decimal(amount))], payee_kind="participant",
        payee_name="Ωφελούμενος", year=year,
    )  # fmt: skip


def test_year_ceiling_refuses_whole_payment_and_books_nothing():
    call = _call()
    AnnualAllocation.objects.create(call=call, year=2026, amount=Decimal("1000.00"))
    ledger.book_payment(_P(call, "600.00", 2026))
    with pytest.raises(Conflict) as exc:
        ledger.book_payment(_P(call, "500.00", 2026))
    assert exc.value.code == "ledger_overdrawn_year"
    year = LedgerBalance.objects.get(scope="year", call=call, year=2026)
    whole = LedgerBalance.objects.get(scope="call", call=call)
    assert (year.paid, whole.paid) == (Decimal("600.00"), Decimal("600.00"))  # the call row rolled back
    assert LedgerEntry.objects.filter(kind="payment").count() == 2
    assert year.available == Decimal("400.00")


def test_recovery_never_above_paid():
    call = _call()
    ledger.book_payment(_P(call, "300.00", 2026))
    booking = ledger.booking_for(call=call, year=2026)
    ledger.book_recovery(booking, "100.00", source="test")
    with pytest.raises(Conflict):
        ledger.book_recovery(booking, "250.00", source="test")
    assert LedgerBalance.objects.get(scope="call", call=call).recovered == Decimal("100.00")
