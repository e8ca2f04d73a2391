"""Demo of payment orders: APPROVED payments for the payment officer («payer») to put in an order.

ΔΥΠΑ pays the ΚΥΑ 16936 participants their net pay each month to their own IBAN (Art. 8(3)); the
demo opens last-but-one month's net pay of the two demo persons on the employment call
(`KYA16936_CALL`) with the call's rates (`payments.services.wages.wage_rates`, note 002 §7.3):

- ΔΗΜΗΤΡΙΟΥ ΑΙΚΑΤΕΡΙΝΗ: the full month, 1.300,00 € − 13,87% − ΦΜΥ 35,00 € = 1.084,69 € (Example A).
  Her account is one the sandbox bank knows as closed (interop/sandboxes/bank.py REFUSED_ACCOUNTS),
  so the order's bank report rejects it (AC04);
- the second demo person: 2 days of unjustified absence (Art. 7(6)), 1.196,00 € − 13,87% − ΦΜΥ
  35,00 € = 995,11 €.

They are the documents of a verified wage dossier (`core.submit_with_dossier`), then the flow's
own services run as staff would: «payer» proposes (`flow.payment_propose`), «supervisor» approves
(`flow.payment_approve`: four eyes, the limit, the ledger booking, the decision with the art. 61
statement). The ΚΥΑ 7066 and call 004 demo operations get no payment here: their own journeys walk
the first payment through the pages (demo_flow.py, the call 004 advance). Idempotent.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Person, User
from calls.models import Call
from payments.models import Payment
from payments.programmes import kya16936 as rules
from payments.services import core, flow, wages

KYA16936_CALL = "kya16936-opekepe-100-apasxolisi"
CLOSED_IBAN = "GR3801104000000004012345678"  # closed at the sandbox bank: AC04
# (ΑΜΚΑ, IBAN, unjustified absence days, ΦΜΥ of the month)
PARTICIPANTS = [
    ("11077243449", CLOSED_IBAN, 0, "35.00"),
    ("05058029934", "GR5101101250000000087654321", 2, "35.00"),
]
PROTOCOL = "ΦΜ-ΕΠΙΔΕΙΞΗ"


def _month() -> datetime.date:
    first = timezone.localdate().replace(day=1)
    return (first - datetime.timedelta(days=32)).replace(day=1)


def _open(call: Call, person: Person, iban: str, absences: int, tax: str, *, payer, supervisor) -> Payment:
    rates = wages.wage_rates(call)
    month = rules.wage_month(rates, unjustified_absence_days=absences, income_tax=rules.cents(tax))
    payment = core.create_payment(
        call=call,
        kind=Payment.Kind.WAGE_NET,
        lines=wages.net_lines(
            base_gross=month.base_gross,
            absence_days=absences,
            absence_divisor=rates.absence_divisor,
            absence_deduction=month.absence_deduction,
            hazardous_allowance=month.hazardous_allowance,
            employee_percent=rates.employee_percent,
            employee_contributions=month.employee_contributions,
            income_tax=month.income_tax,
        ),
        payee_kind=Payment.PayeeKind.PARTICIPANT,
        payee_name=f"{person.last_name} {person.first_name}",
        payee_afm=person.afm or "",
        payee_iban=iban,
        year=_month().year,
        warnings=[f"Καθαρές αποδοχές {_month():%m/%Y} (επίδειξη εντολών πληρωμής)."],
        actor=supervisor,
    )
    core.submit_with_dossier(
        payment, actor=supervisor, protocol_number=PROTOCOL, reason="ΚΥΑ 16936 Άρθ. 8(3), 10(2)"
    )
    flow.payment_propose(actor=payer, payment_id=payment.pk, note="Μηνιαία μισθοδοσία")
    return flow.payment_approve(actor=supervisor, payment_id=payment.pk)


def load(stdout) -> None:
    payer = User.objects.filter(username="payer").first()
    supervisor = User.objects.filter(username="supervisor").first()
    call = Call.objects.filter(code=KYA16936_CALL).first()
    if payer is None or supervisor is None or call is None:
        return
    for amka, iban, absences, tax in PARTICIPANTS:
        person = Person.objects.filter(amka=amka).first()
        if person is None:
            continue
        name = f"{person.last_name} {person.first_name}"
        if Payment.objects.filter(call=call, kind=Payment.Kind.WAGE_NET, payee_name=name).exists():
            continue
        payment = _open(call, person, iban, absences, tax, payer=payer, supervisor=supervisor)
        stdout.write(f"  πληρωμή {payment.code} (ΚΥΑ 16936, {name}): {payment.amount} € εγκεκριμένη\n")
