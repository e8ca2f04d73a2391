"""Demo of the payment flow (area «flow»), after operations/demo.py. Idempotent.

- The approval limits (`ApprovalLimit`), portal-wide: the supervisor («supervisor») approves alone
  up to 50.000,00 € (level 1); above that the head of the managing authority («admin»,
  programme_admin, level 2) approves as well, up to 5.000.000,00 €.
- A DRAFT payment of the ΚΥΑ 7066 demo operation (ΓΡΕΒΕΝΑ ΞΥΛΟΤΕΧΝΙΚΗ, TAXISnet «grevena») for its
  first two-month period: its one 01.23 position at 829,50 € × min(25, 25)/25 for each of the two
  months (Art. 5.1.3, 8.1) = 1.659,00 €, created through `payments.services.core.create_payment`
  as `payments.hooks.open_payment_for_request` would for an accepted claim. The claim itself
  (hire, ΕΡΓΑΝΗ days, verification) is not replayed here: the demo has no hire recorded, so the
  lines are computed from the position's call rate with the rule the claims use
  (`operations.rules.hires.month_amount`) for two full months.
"""

from __future__ import annotations

from decimal import Decimal

from accounts.models import User
from operations.demo import KYA7066_AFM
from operations.models import Operation
from operations.rules.hires import month_amount
from operations.services.hires import call_rate, full_month_days
from opske.money import format_eur
from payments.models import ApprovalLimit, Payment
from payments.programmes import Line
from payments.services import core, flow

DEMO_LIMITS = [
    ("supervisor", Decimal("50000.00"), 1),
    ("programme_admin", Decimal("5000000.00"), 2),
]
DEMO_DAYS = 25  # two full months of employment


def _limits(admin: User) -> None:
    for role, amount, level in DEMO_LIMITS:
        if not ApprovalLimit.objects.filter(role=role, call__isnull=True).exists():
            flow.limit_save(actor=admin, role=role, call_id=None, max_amount=amount, level=level)


def period_lines(operation: Operation) -> list[Line]:
    """The first two-month period of each position of the operation, at full days."""
    full = full_month_days(operation.call)
    lines = []
    for position in operation.positions.order_by("seq"):
        rate = call_rate(operation.call, position.category)
        for month in (1, 2):
            amount = month_amount(rate, DEMO_DAYS, full_month_days=full)
            lines.append(
                Line(
                    f"Θέση {position.seq} ({position.category}) · μήνας {month}: "
                    f"{format_eur(rate)} × {min(DEMO_DAYS, full)}/{full} ημέρες",
                    amount,
                    "ΚΥΑ 7066 Άρθ. 5.1.3, 8.1",
                    {
                        "position": position.seq,
                        "category": position.category,
                        "month": month,
                        "days": DEMO_DAYS,
                    },
                )
            )
    return lines


def load(stdout) -> None:
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        stdout.write("  payments/flow: δεν υπάρχει ο χρήστης admin· παράλειψη.\n")
        return
    _limits(admin)
    operation = (
        Operation.objects.filter(business__afm=KYA7066_AFM, call__evaluation_method="fcfs_direct")
        .select_related("call", "business")
        .order_by("pk")
        .first()
    )
    if operation is None:
        stdout.write("  payments/flow: δεν υπάρχει η πράξη ΚΥΑ 7066 επίδειξης· παράλειψη.\n")
        return
    payment = Payment.objects.filter(operation=operation).order_by("pk").first()
    if payment is None:
        lines = period_lines(operation)
        if not lines:
            stdout.write("  payments/flow: η πράξη δεν έχει θέσεις· παράλειψη.\n")
            return
        payment = core.create_payment(
            call=operation.call,
            operation=operation,
            kind=Payment.Kind.PERIOD,
            lines=lines,
            payee_kind=Payment.PayeeKind.BUSINESS,
            payee_name=operation.business.name,
            payee_afm=operation.business.afm,
            actor="load_demo",
        )
    stdout.write(
        f"  payments/flow: όρια έγκρισης (προϊστάμενος ≤ 50.000,00 €), πληρωμή {payment.code} "
        f"({payment.amount} €, {payment.get_state_display()}) → /payments/mine/ (grevena), "
        "/payments/queue/.\n"
    )
