"""Demo of payment orders: APPROVED payments for the payment officer («payer») to put in an order.

For the demo operations (operations/demo.py) and a ΚΥΑ 16936 participant, one payment each is
opened through `payments.services.core.create_payment` and brought to APPROVED:

- ΓΡΕΒΕΝΑ ΞΥΛΟΤΕΧΝΙΚΗ (ΚΥΑ 7066): the first two-month period of its one 01.23 position, two full
  months: 2 × 829,50 € × 25/25 = 1.659,00 € (Art. 8; 001 §6);
- the call 004 cluster: an interim payment of 40.000,00 € (50% of 80.000,00 € verified eligible);
- ΔΗΜΗΤΡΙΟΥ ΑΙΚΑΤΕΡΙΝΗ (ΚΥΑ 16936): a month's net pay by 002 §7.3 Example A, 1.084,69 € (the rates
  are that example's placeholders). Her account is one the sandbox bank knows as closed
  (interop/sandboxes/bank.py REFUSED_ACCOUNTS), so the first order's bank report rejects it (AC04).

Until the «flow» area's propose/approve services are merged, the maker/checker steps are taken
here as they would be: the payer proposes, the supervisor approves with the Art. 8.6 statement,
each a `PaymentApproval` row and an audit event, and the approval books the payment on the ledger
(`ledger.book_payment`) before the audit chain's head. Idempotent: a payment already opened is kept.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Person, Role, User
from calls.models import Call
from operations.models import Operation
from opske import audit
from payments.models import Payment, PaymentApproval
from payments.programmes import Line
from payments.services import ledger
from payments.services.core import create_payment

GREVENA_IBAN = "GR7501711200005112345678901"
CLUSTER_IBAN = "GR1502601300000123400567890"
PARTICIPANT_IBAN = "GR3801104000000004012345678"  # closed at the sandbox bank: AC04
PARTICIPANT_AMKA = "11077243449"
KYA16936_CALL = "kya16936-opekepe-100-apasxolisi"
NO_WITHHOLDING = (
    "Το ποσό της ενίσχυσης είναι ακατάσχετο και δεν υπόκειται σε συμψηφισμό ή παρακράτηση "
    "(ΚΥΑ 7066 Άρθ. 8.6· άρθ. 61 ν. 4914/2022)."
)


def _approve(payment: Payment, *, maker: User, checker: User) -> None:
    """DRAFT → PROPOSED → APPROVED with both signatures, booked on the ledger."""
    with transaction.atomic():
        p = Payment.objects.select_for_update().get(pk=payment.pk)
        now = timezone.now()
        p.propose()
        p.proposed_by, p.proposed_at = maker, now
        p.save(update_fields=["state", "proposed_by", "proposed_at"])
        PaymentApproval.objects.create(
            payment=p, step=PaymentApproval.Step.PROPOSAL, role=Role.PAYMENT_OFFICER, user=maker, at=now
        )
        ledger.book_payment(p, by=checker)
        p.approve()
        p.approved_at = now
        p.no_withholding_statement = NO_WITHHOLDING
        p.save(update_fields=["state", "approved_at", "no_withholding_statement"])
        PaymentApproval.objects.create(
            payment=p, step=PaymentApproval.Step.APPROVAL, role=Role.SUPERVISOR, user=checker, at=now,
            note=NO_WITHHOLDING,
        )  # fmt: skip
        audit.record(actor=maker, action="payment.proposed", obj=p, after={"state": Payment.State.PROPOSED})
        audit.record(
            actor=checker, action="payment.approved", obj=p, after={"state": p.state, "amount": str(p.amount)}
        )


def _open(stdout, *, label: str, exists, approve_by, **fields) -> None:
    if exists.exists():
        return
    payment = create_payment(actor=None, **fields)
    _approve(payment, **approve_by)
    stdout.write(f"  πληρωμή {payment.code} ({label}): {payment.amount} € εγκεκριμένη\n")


def load(stdout) -> None:
    maker = User.objects.filter(username="payer").first()
    checker = User.objects.filter(username="supervisor").first()
    if maker is None or checker is None:
        return
    approve_by = {"maker": maker, "checker": checker}
    year = timezone.localdate().year

    grevena = Operation.objects.filter(business__afm="808982626").select_related("call", "business").first()
    if grevena is not None:
        month = Decimal("829.50")
        _open(
            stdout,
            label="ΚΥΑ 7066",
            exists=Payment.objects.filter(operation=grevena, kind=Payment.Kind.PERIOD),
            approve_by=approve_by,
            call=grevena.call,
            operation=grevena,
            kind=Payment.Kind.PERIOD,
            lines=[
                Line("Θέση 01.23, 1ος μήνας: 829,50 € × 25/25 ημέρες", month, "ΚΥΑ 7066 Άρθ. 8.1"),
                Line("Θέση 01.23, 2ος μήνας: 829,50 € × 25/25 ημέρες", month, "ΚΥΑ 7066 Άρθ. 8.1"),
            ],
            payee_kind=Payment.PayeeKind.BUSINESS,
            payee_name=grevena.business.name,
            payee_afm=grevena.business.afm,
            payee_iban=GREVENA_IBAN,
            year=year,
        )

    cluster = Operation.objects.filter(business__afm="994681285").select_related("call", "business").first()
    if cluster is not None:
        _open(
            stdout,
            label="Πρόσκληση 004",
            exists=Payment.objects.filter(operation=cluster, kind=Payment.Kind.INTERIM),
            approve_by=approve_by,
            call=cluster.call,
            operation=cluster,
            kind=Payment.Kind.INTERIM,
            lines=[
                Line(
                    "Ενδιάμεση πληρωμή: επιλέξιμη δαπάνη 80.000,00 € × ένταση ενίσχυσης 50%",
                    Decimal("40000.00"),
                    "Πρόσκληση 004 §7.7",
                )
            ],
            payee_kind=Payment.PayeeKind.BUSINESS,
            payee_name=cluster.business.name,
            payee_afm=cluster.business.afm,
            payee_iban=CLUSTER_IBAN,
            year=year,
        )

    call = Call.objects.filter(code=KYA16936_CALL).first()
    person = Person.objects.filter(amka=PARTICIPANT_AMKA).first()
    if call is not None and person is not None:
        name = f"{person.last_name} {person.first_name}"
        _open(
            stdout,
            label="ΚΥΑ 16936",
            exists=Payment.objects.filter(call=call, kind=Payment.Kind.WAGE_NET, payee_name=name),
            approve_by=approve_by,
            call=call,
            kind=Payment.Kind.WAGE_NET,
            lines=[
                Line(
                    "Ακαθάριστες αποδοχές μηνός (22 ημέρες, χωρίς αδικαιολόγητες απουσίες)",
                    Decimal("1300.00"),
                    "ΚΥΑ 16936 Άρθ. 7(1)",
                ),
                Line(
                    "Εισφορές εργαζομένου 13,87% (002 §7.3 Παράδειγμα Α)",
                    Decimal("-180.31"),
                    "ΚΥΑ 16936 Άρθ. 8(1)(β)",
                ),
                Line("ΦΜΥ μηνός (002 §7.3 Παράδειγμα Α)", Decimal("-35.00"), "ΚΥΑ 16936 Άρθ. 8(1)(β)"),
            ],
            payee_kind=Payment.PayeeKind.PARTICIPANT,
            payee_name=name,
            payee_afm=person.afm,
            payee_iban=PARTICIPANT_IBAN,
            year=year,
        )
