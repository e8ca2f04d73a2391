"""Demo of the recoveries area (issue 13), through the services, idempotent.

- The EC reference rates for Greece of 2024–2027, marked «to be verified» against their OJ EU
  publication (demo values, not the published ones).
- On the ΓΡΕΒΕΝΑ ΞΥΛΟΤΕΧΝΙΚΗ ΚΥΑ 7066 operation: a paid history for its 01.23 position — the
  hire 14 months ago, the two-month tranches of months 1–8 PAID with their dates (2 × 829,50 €
  each, 6.636,00 € in all), the person leaving at the end of month 8, not replaced, the position
  interrupted (Art. 10.4α: a RecoveryCase) — and the clawback computed by «payer», so that
  «supervisor» can decide it in the browser (maker ≠ checker).

Shortcuts a loader needs, stated: the hire is recorded without the ΕΡΓΑΝΗ check (the sandbox's Ε3
is 70 days old, too recent for 8 paid months), and the payments run the Payment FSM and
`ledger.book_payment` directly (the claim, approval and order services land in parallel). The
history takes the operation's only position, which the hires journey needs open: with
`DEMO_RECOVERY_HISTORY = False` (the test settings) it is left out; the recoveries journey turns
it on.
"""

from __future__ import annotations

import datetime
from datetime import time
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, User
from operations.models import Hire, Operation, Position, RecoveryCase
from operations.rules import hires as hire_rules
from operations.services import hires as hire_services
from opske import audit
from payments.models import Payment, Recovery, ReferenceRate
from payments.programmes import Line
from payments.services import core, ledger
from payments.services import recoveries as services

GREVENA = "808982626"
HIRED_DAYS_AGO = 420
PAID_MONTHS = 8
PAID_AFTER_DAYS = 15  # each tranche paid 15 days after its period ends
REFERENCE = "ΔΕΜΟ-ΑΝΑΚΤΗΣΗ-Α11"
# Demo values: to be verified against the Commission's publication in the OJ EU (C series).
DEMO_RATES = {2024: "4.600", 2025: "3.700", 2026: "3.200", 2027: "3.200"}


def _rates(admin: User) -> None:
    for year, rate in DEMO_RATES.items():
        if not ReferenceRate.objects.filter(year=year).exists():
            services.reference_rate_save(
                actor=admin,
                year=year,
                rate=Decimal(rate),
                to_verify=True,
                source=f"Τιμή επίδειξης {year}: προς επαλήθευση με τη δημοσίευση της Επιτροπής στην ΕΕ C",
            )


def _pay(operation, position, months: list[int], hire: Hire, paid_on: datetime.date, payer: User) -> Payment:
    rate = hire.monthly_rate
    lines = [
        Line(
            f"Θέση {position.seq} · μήνας {m}: 25 ημέρες × {rate}/25",
            rate,
            "ΚΥΑ 7066 Άρθ. 5.1.3",
            {"position_id": position.pk, "month": m},
        )
        for m in months
    ]
    business = operation.business
    payment = core.create_payment(
        call=operation.call,
        kind=Payment.Kind.PERIOD,
        lines=lines,
        payee_kind=Payment.PayeeKind.BUSINESS,
        payee_name=business.name,
        payee_afm=business.afm,
        operation=operation,
        year=paid_on.year,
        actor=payer,
    )
    with transaction.atomic():
        payment.propose()
        payment.approve()
        payment.approved_at = timezone.make_aware(datetime.datetime.combine(paid_on, time(10)))
        ledger.book_payment(payment, by=payer, on=paid_on)
        payment.order()
        payment.mark_paid()
        payment.paid_on = paid_on
        payment.save()
        audit.record(
            actor="load_demo",
            action="payment.paid",
            obj=payment,
            after={"amount": str(payment.amount), "paid_on": paid_on, "demo": True},
        )
    return payment


def paid_history(
    *, operation, member: User, payer: User, hired: datetime.date, paid_months: int = PAID_MONTHS
):
    """The position's hire on `hired`, its tranches of months 1..paid_months PAID (each 15 days after
    the tranche ends), the leaving at the end of the last paid month, the position interrupted."""
    position = operation.positions.filter(state=Position.State.OPEN).order_by("seq").first()
    rate = hire_services.call_rate(operation.call, position.category)
    with transaction.atomic():
        hire = Hire.objects.create(
            position=position,
            operation=operation,
            amka="15038580948",
            hire_date=hired,
            category=position.category,
            monthly_rate=rate,
            months=12,
            referral_number=REFERENCE,
            referral_date=hired - datetime.timedelta(days=3),
            work_from=time(8),
            work_to=time(16),
            created_by=member,
            checks=[{"code": "demo", "message": "Πρόσληψη επίδειξης χωρίς έλεγχο ΕΡΓΑΝΗ"}],
        )
        position.fill()
        position.save()
        audit.record(actor="load_demo", action="operations.hire.recorded", obj=hire, after={"demo": True})
    months = hire_rules.subsidy_months(hired)
    for first in range(1, paid_months, 2):
        period_end = months[first].end  # the tranche's second month
        _pay(
            operation,
            position,
            [first, first + 1],
            hire,
            period_end + datetime.timedelta(days=PAID_AFTER_DAYS),
            payer,
        )
    left_on = months[paid_months - 1].end
    hire_services.hire_record_leaving(actor=member, hire_id=hire.pk, left_on=left_on, reason="Απόλυση")
    position.refresh_from_db()
    return hire_services.position_interrupt(
        position=position,
        reason=f"Η θέση δεν αντικαταστάθηκε έως {position.replacement_due:%d/%m/%Y}: η δράση "
        "διακόπτεται κατά "
        "τη θέση (ΚΥΑ 7066 Άρθ. 10.2, 10.4α, 11).",
    )


def _history(stdout, payer: User) -> RecoveryCase | None:
    operation = Operation.objects.filter(business__afm=GREVENA, call__evaluation_method="fcfs_direct").first()
    if operation is None:
        stdout.write("  payments/recoveries: δεν υπάρχει η πράξη ΚΥΑ 7066 της ΓΡΕΒΕΝΑ· παράλειψη.\n")
        return None
    if Hire.objects.filter(operation=operation).exists():
        return RecoveryCase.objects.filter(operation=operation).first()
    member = Membership.objects.filter(
        business=operation.business, state="active", user__isnull=False
    ).first()
    if member is None or not operation.positions.filter(state=Position.State.OPEN).exists():
        return None
    hired = timezone.localdate() - datetime.timedelta(days=HIRED_DAYS_AGO)
    return paid_history(operation=operation, member=member.user, payer=payer, hired=hired)


def load(stdout) -> None:
    admin = User.objects.filter(username="admin").first()
    payer = User.objects.filter(username="payer").first()
    if admin is None or payer is None:
        stdout.write("  payments/recoveries: δεν υπάρχουν δοκιμαστικοί χρήστες· παράλειψη.\n")
        return
    _rates(admin)
    if not getattr(settings, "DEMO_RECOVERY_HISTORY", True):
        return
    case = _history(stdout, payer)
    if case is None:
        return
    recovery = Recovery.objects.filter(recovery_case=case).exclude(state=Recovery.State.CANCELLED).first()
    if recovery is None:
        recovery = services.recovery_compute_clawback(actor=payer, case_id=case.pk)
    stdout.write(
        f"  payments/recoveries: ανάκτηση {recovery.code} ({recovery.get_state_display()}) προς απόφαση "
        "από «supervisor» → /payments/recoveries/.\n"
    )
