"""de minimis at recovery (issue 13): a clawback repaid on a grant registered in ΠΣΣΕΗΣ is reported
to the register after commit (real HTTP to the sandbox), so a later cumulation check sees what the
undertaking really kept; the interest is not aid and is not reported; an outage leaves it pending."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from applications.tests.factories import load_world, seeded_call
from calls import seeds
from evaluation.models import Decision
from evaluation.registry_handlers import fetch_deminimis
from interop.deminimis import DeminimisClient
from interop.models import RegistryWait
from interop.sandboxes.control import set_mode
from operations.tests.factories_hires import operation_for
from opske.errors import RegistryRefused
from payments.demo_recoveries import paid_history
from payments.models import DeminimisPaidReport
from payments.services import recoveries as services

pytestmark = pytest.mark.django_db
D = Decimal
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.INTEROP_MAX_ATTEMPTS = 1
    settings.INTEROP_DEFAULT_TIMEOUT = 3


@pytest.fixture
def clawback():
    """ΚΥΑ 7066 example E13 (01.22, months 1–8 paid, interrupted): its grant registered in ΠΣΣΕΗΣ,
    the clawback of 3.160,00 € decided and waiting for the repayment."""
    payer = UserFactory(roles=[Role.PAYMENT_OFFICER])
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    admin = UserFactory(roles=[Role.PROGRAMME_ADMIN])
    for year in range(timezone.localdate().year - 3, timezone.localdate().year + 2):
        services.reference_rate_save(actor=admin, year=year, rate=D("3.5"), source="ΕΕ C (δοκιμή)")
    load_world()
    call = seeded_call(seeds.kya7066)
    hired = timezone.localdate() - 400 * DAY
    op, member = operation_for(call, per_category=(("01.22", 1),), notified_on=hired - 10 * DAY)
    reg = DeminimisClient().register_grant(
        external_reference=f"ΚΥΑ-7066-{op.pk}",
        measure_code="ΚΥΑ-7066",
        regulation="2023/2831",
        beneficiary_afm=op.business.afm,
        granting_authority="ΔΥΠΑ",
        grant_date=timezone.localdate() - 300 * DAY,
        nominal_amount=D("28440.00"),
        gge_amount=D("28440.00"),
    )
    Decision.objects.filter(pk=op.decision.pk).update(
        deminimis_state=Decision.DeminimisState.REGISTERED, deminimis_registry_id=reg.registry_id
    )
    case = paid_history(operation=op, member=member, payer=payer, hired=hired)
    recovery = services.recovery_compute_clawback(actor=payer, case_id=case.pk)
    recovery = services.recovery_decide(actor=supervisor, recovery_id=recovery.pk)
    return payer, op, reg.registry_id, recovery


def _repay(payer, recovery, capture):
    with capture(execute=True):
        return services.recovery_record_repayment(
            actor=payer,
            recovery_id=recovery.pk,
            amount=recovery.total_due,
            repaid_on=timezone.localdate(),
            reference="ΤΡ-ΔΟΚ-1",
        )


def _award(afm, registry_id):
    aid = fetch_deminimis(afm, timezone.localdate().isoformat())  # evaluation's cumulation check
    return next(a for a in aid.awards if a.registry_id == registry_id), aid


def test_a_repaid_clawback_reaches_the_register_as_the_principal(
    clawback, django_capture_on_commit_callbacks
):
    payer, op, registry_id, recovery = clawback
    assert recovery.principal == D("3160.00") and recovery.interest > 0
    _repay(payer, recovery, django_capture_on_commit_callbacks)

    report = DeminimisPaidReport.objects.get(recovery=recovery)
    assert (report.kind, report.state, report.amount) == ("recovered", "sent", D("3160.00"))
    assert report.answer["total_recovered"] == "3160.00"  # the principal; the interest is not aid
    award, aid = _award(op.business.afm, registry_id)
    assert award.recovered_amount == D("3160.00") and aid.total_recovered >= D("3160.00")
    assert award.gge_amount == D("28440.00")  # the grant itself stays as granted


def test_the_register_refuses_a_second_amount_for_the_same_recovery(clawback):
    _payer, _op, registry_id, recovery = clawback
    client = DeminimisClient()
    kwargs = {
        "registry_id": registry_id,
        "recovery_reference": recovery.code,
        "recovered_on": timezone.localdate(),
    }
    first = client.record_recovery(recovered_amount=D("100.00"), **kwargs)
    again = client.record_recovery(recovered_amount=D("100.00"), **kwargs)
    assert (first.created, again.created, again.total_recovered) == (True, False, D("100.00"))
    with pytest.raises(RegistryRefused) as exc:
        client.record_recovery(recovered_amount=D("90.00"), **kwargs)
    assert exc.value.code == "deminimis_conflict"


def test_an_outage_leaves_the_recovery_update_pending_and_the_retry_sends_it(
    clawback, django_capture_on_commit_callbacks
):
    from payments.tasks import record_deminimis_paid

    payer, op, registry_id, recovery = clawback
    set_mode("deminimis", "down")
    _repay(payer, recovery, django_capture_on_commit_callbacks)
    report = DeminimisPaidReport.objects.get(recovery=recovery)
    assert report.state == "pending"
    assert RegistryWait.objects.filter(operation="record_recovery", status="open").exists()

    set_mode("deminimis", "normal")
    RegistryWait.objects.filter(operation="record_recovery").update(next_attempt_at=timezone.now())
    from interop.tasks import retry_registry_waits

    retry_registry_waits()
    report.refresh_from_db()
    assert report.state == "sent"
    assert record_deminimis_paid(report.pk) == "skipped"  # the outbox running it again does nothing
    award, _aid = _award(op.business.afm, registry_id)
    assert award.recovered_amount == D("3160.00")
