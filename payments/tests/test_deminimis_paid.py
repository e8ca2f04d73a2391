"""de minimis at payment: a PAID payment on a registered grant is reported to ΠΣΣΕΗΣ after commit
(real HTTP to the sandbox register), so a later cumulation check sees what was actually paid; an
outage is retried, never lost; a payment not under de minimis reports nothing."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from evaluation.models import Decision
from evaluation.registry_handlers import fetch_deminimis
from interop.deminimis import DeminimisClient
from interop.models import RegistryWait
from interop.sandboxes import bank
from interop.sandboxes.control import set_mode
from opske.calendar import next_payment_day
from opske.errors import RegistryRefused
from payments.models import BankFile, DeminimisPaidReport, Payment
from payments.programmes import Line
from payments.services import core, ledger, orders
from payments.tasks import record_deminimis_paid

pytestmark = pytest.mark.django_db
IBAN = "GR7501711200005112345678901"


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.INTEROP_MAX_ATTEMPTS = 1
    settings.INTEROP_DEFAULT_TIMEOUT = 3


@pytest.fixture
def payer():
    return UserFactory(roles=[Role.PAYMENT_OFFICER])


@pytest.fixture
def granted():
    """A ΚΥΑ 7066 operation whose approval's grant is registered in ΠΣΣΕΗΣ (as evaluation does)."""
    from operations.tests.factories import kya7066_operation

    op = kya7066_operation()
    decision = op.decision
    reg = DeminimisClient().register_grant(
        external_reference=decision.deminimis_reference,
        measure_code="ΚΥΑ-7066",
        regulation="2023/2831",
        beneficiary_afm=op.business.afm,
        granting_authority="ΔΥΠΑ",
        grant_date=timezone.localdate() - datetime.timedelta(days=5),
        nominal_amount=Decimal("24174.00"),
        gge_amount=Decimal("24174.00"),
    )
    Decision.objects.filter(pk=decision.pk).update(
        deminimis_state=Decision.DeminimisState.REGISTERED, deminimis_registry_id=reg.registry_id
    )
    op.refresh_from_db()
    return op, reg.registry_id


def _approved(op, amount):
    p = core.create_payment(
        call=op.call, operation=op, kind="period", lines=[Line("Δίμηνο", Decimal(amount))],
        payee_kind="business", payee_name=op.business.name, payee_afm=op.business.afm, payee_iban=IBAN,
        year=timezone.localdate().year,
    )  # fmt: skip
    p.propose()
    p.save()
    ledger.book_payment(p)
    p.approve()
    p.save()
    return p


def _pay(payer, payments, capture):
    day = next_payment_day(timezone.localdate() + datetime.timedelta(days=1))
    order = orders.order_create(actor=payer, payment_ids=[p.pk for p in payments], execution_date=day)
    order = orders.order_export(actor=payer, order_id=order.pk)
    report = bank.status_report(bytes(order.files.get(kind=BankFile.Kind.PAIN001).content))
    with capture(execute=True):
        orders.order_read_report(actor=payer, order_id=order.pk, content=report)


def _paid_in_register(afm: str, registry_id: str):
    aid = fetch_deminimis(afm, timezone.localdate().isoformat())  # evaluation's cumulation check
    return next(a for a in aid.awards if a.registry_id == registry_id), aid


def test_a_cumulation_check_after_payment_sees_the_paid_figure(
    payer, granted, django_capture_on_commit_callbacks
):
    op, registry_id = granted
    award, aid = _paid_in_register(op.business.afm, registry_id)
    assert award.paid_amount == Decimal("0.00")

    _pay(payer, [_approved(op, "1659.00")], django_capture_on_commit_callbacks)

    report = DeminimisPaidReport.objects.get()
    assert report.state == "sent" and report.registry_id == registry_id
    assert report.answer["total_paid"] == "1659.00"
    award, aid = _paid_in_register(op.business.afm, registry_id)
    assert award.paid_amount == Decimal("1659.00")
    assert aid.total_paid >= Decimal("1659.00")
    assert award.gge_amount == Decimal("24174.00")  # the grant still counts as granted (Art. 3(4))

    # A second period paid later adds up on the same grant.
    _pay(payer, [_approved(op, "829.50")], django_capture_on_commit_callbacks)
    award, _aid = _paid_in_register(op.business.afm, registry_id)
    assert award.paid_amount == Decimal("2488.50")


def test_the_register_update_is_idempotent_by_payment_code(granted):
    op, registry_id = granted
    client = DeminimisClient()
    kwargs = {"registry_id": registry_id, "payment_reference": "ΠΡΞ-1/ΠΛΗ-1", "paid_on": timezone.localdate()}
    first = client.record_payment(paid_amount=Decimal("100.00"), **kwargs)
    again = client.record_payment(paid_amount=Decimal("100.00"), **kwargs)
    assert (first.created, again.created, again.total_paid) == (True, False, Decimal("100.00"))
    with pytest.raises(RegistryRefused) as exc:
        client.record_payment(paid_amount=Decimal("90.00"), **kwargs)
    assert exc.value.code == "deminimis_conflict"
    with pytest.raises(RegistryRefused) as exc:
        client.record_payment(**{**kwargs, "registry_id": "ΠΣΣΕΗΣ-0000-999999"}, paid_amount=Decimal("1.00"))
    assert exc.value.code == "deminimis_unknown_grant"


def test_an_outage_leaves_the_update_pending_and_the_retry_sends_it(
    payer, granted, django_capture_on_commit_callbacks
):
    op, registry_id = granted
    set_mode("deminimis", "down")
    _pay(payer, [_approved(op, "1659.00")], django_capture_on_commit_callbacks)

    report = DeminimisPaidReport.objects.get()
    assert report.state == "pending"
    wait = RegistryWait.objects.get(operation="record_payment", status="open")
    assert Payment.objects.get(pk=report.payment_id).state == "paid"  # the payment itself stands

    set_mode("deminimis", "normal")
    RegistryWait.objects.filter(pk=wait.pk).update(next_attempt_at=timezone.now())
    from interop.tasks import retry_registry_waits

    retry_registry_waits()
    report.refresh_from_db()
    assert report.state == "sent"
    assert record_deminimis_paid(report.pk) == "skipped"  # the outbox running it again does nothing
    award, _aid = _paid_in_register(op.business.afm, registry_id)
    assert award.paid_amount == Decimal("1659.00")


def test_a_payment_without_a_de_minimis_grant_reports_nothing(payer, django_capture_on_commit_callbacks):
    from calls.tests.factories import CallFactory

    call = CallFactory(total_budget=Decimal("100000.00"))
    p = core.create_payment(
        call=call, kind="wage_net", lines=[Line("Καθαρές", Decimal("1084.69"))], payee_kind="participant",
        payee_name="ΔΗΜΗΤΡΙΟΥ ΑΙΚΑΤΕΡΙΝΗ", payee_iban=IBAN, year=2026,
    )  # fmt: skip
    p.propose()
    p.save()
    ledger.book_payment(p)
    p.approve()
    p.save()
    _pay(payer, [p], django_capture_on_commit_callbacks)
    assert Payment.objects.get(pk=p.pk).state == "paid"
    assert not DeminimisPaidReport.objects.exists()
