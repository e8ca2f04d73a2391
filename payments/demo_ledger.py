"""Demo of the budget ledger: every demo operation's commitment is booked (ΚΥΑ 7066 Art. 7.6,
Πρόσκληση 004 §6: the approval / inclusion decision commits its amount), before the payments'
demo runs. Through `ledger.commit_operation`, so a second run books nothing."""

from operations.models import Operation
from payments.services import ledger


def load(stdout) -> None:
    booked = [
        op.code
        for op in Operation.objects.select_related("call", "application").order_by("pk")
        if ledger.commit_operation(op)
    ]
    total = Operation.objects.count()
    stdout.write(
        f"  payments.ledger: δεσμεύσεις πράξεων {total - len(booked)} ήδη καταχωρισμένες, {len(booked)} νέες"
        f"{' (' + ', '.join(booked) + ')' if booked else ''} → /payments/ledger/.\n"
    )
