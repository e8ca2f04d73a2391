"""«Σε αναμονή μητρώου»: a registry that is down holds the case, the beat task picks it up again."""

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import BusinessFactory, UserFactory
from interop.models import RegistryWait
from interop.sandboxes.control import set_mode
from interop.tasks import retry_registry_waits
from interop.waiting import registry_result_handler, registry_wait_record_manual, run_registry_check
from opske.errors import PermissionDenied, ValidationFailed
from opske.models import AuditEvent

pytestmark = pytest.mark.django_db

RECEIVED: list = []


@registry_result_handler("tests.collect")
def _collect(obj, result):
    RECEIVED.append((obj.pk, result))


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.INTEROP_MAX_ATTEMPTS = 1
    settings.INTEROP_DEFAULT_TIMEOUT = 2
    settings.INTEROP_CACHE_SECONDS = 0
    RECEIVED.clear()


def _check(business):
    return run_registry_check(
        obj=business,
        registry="gemi",
        operation="company_by_afm",
        call="interop.console.check_gemi_company",
        params={"afm": business.afm},
        on_result="tests.collect",
    )


def _time_passes():
    RegistryWait.objects.update(next_attempt_at=timezone.now())


def test_an_answer_goes_straight_to_the_handler_without_a_wait():
    business = BusinessFactory(afm="804773470")

    outcome = _check(business)

    assert outcome.status == "ok"
    assert RegistryWait.objects.count() == 0
    assert [(pk, r.status, r.data["ar_gemi"]) for pk, r in RECEIVED] == [(business.pk, "ok", "123456730000")]


def test_a_refusal_is_an_answer_not_a_wait():
    business = BusinessFactory(afm="103374891")  # a sole trader: not in ΓΕΜΗ

    outcome = _check(business)

    assert outcome.status == "refused"
    assert RegistryWait.objects.count() == 0
    assert RECEIVED[0][1].data["code"] == "gemi_not_found"


def test_a_registry_down_for_a_short_while_is_retrying(settings):
    settings.INTEROP_WAITING_AFTER_SECONDS = 3600
    set_mode("gemi", "down")
    business = BusinessFactory(afm="804773470")

    outcome = _check(business)

    assert outcome.status == "retrying"
    assert outcome.wait.state_label == "Νέα προσπάθεια σε εξέλιξη"
    assert RECEIVED == []


def test_down_past_the_threshold_is_waiting_with_why_and_since_when(settings):
    settings.INTEROP_WAITING_AFTER_SECONDS = 0
    set_mode("gemi", "down")
    business = BusinessFactory(afm="804773470")

    _check(business)
    outcome = _check(business)

    wait = RegistryWait.objects.get()
    assert outcome.status == "waiting"
    assert wait.state_label == "Σε αναμονή μητρώου"
    assert wait.attempts == 2
    assert "ΓΕΜΗ" in wait.last_error and "503" in wait.last_error
    assert wait.first_failed_at <= wait.last_attempt_at


def test_when_the_registry_is_back_the_retry_task_resolves_the_wait_and_calls_the_handler_once(settings):
    settings.INTEROP_WAITING_AFTER_SECONDS = 0
    set_mode("gemi", "down")
    business = BusinessFactory(afm="804773470")
    _check(business)
    set_mode("gemi", "normal")

    _time_passes()
    retry_registry_waits.delay()
    _time_passes()
    retry_registry_waits.delay()

    wait = RegistryWait.objects.get()
    assert wait.status == RegistryWait.Status.RESOLVED
    assert wait.result["ar_gemi"] == "123456730000"  # what the registry said then
    assert len(RECEIVED) == 1 and RECEIVED[0][1].wait_id == wait.pk
    assert AuditEvent.objects.filter(action="interop.registry_wait.resolved").count() == 1


def test_a_wait_not_yet_due_is_left_alone():
    set_mode("gemi", "down")
    _check(BusinessFactory(afm="804773470"))
    set_mode("gemi", "normal")

    retry_registry_waits.delay()

    assert RegistryWait.objects.get().status == RegistryWait.Status.OPEN


def test_a_retry_that_fails_again_keeps_one_wait_and_counts_the_attempt():
    set_mode("gemi", "down")
    _check(BusinessFactory(afm="804773470"))

    _time_passes()
    retry_registry_waits.delay()

    wait = RegistryWait.objects.get()
    assert wait.is_open and wait.attempts == 2
    assert wait.next_attempt_at > timezone.now()


def test_a_supervisor_records_a_manual_check_which_is_audited():
    set_mode("gemi", "down")
    business = BusinessFactory(afm="804773470")
    wait = _check(business).wait
    supervisor = UserFactory(roles=[Role.SUPERVISOR])

    registry_wait_record_manual(
        actor=supervisor,
        wait=wait,
        reason="Το ΓΕΜΗ είναι εκτός λειτουργίας δύο ημέρες· έλεγχος στο businessportal.gr",
        result={"status": "Ενεργή", "ar_gemi": "123456730000"},
    )

    wait.refresh_from_db()
    assert wait.status == RegistryWait.Status.MANUAL and wait.resolved_by == supervisor
    event = AuditEvent.objects.get(action="interop.registry_wait.manual_check")
    assert event.actor == supervisor and "businessportal" in event.reason
    assert RECEIVED[0][1].status == "manual" and RECEIVED[0][1].data["status"] == "Ενεργή"


def test_an_evaluator_cannot_record_a_manual_check():
    set_mode("gemi", "down")
    wait = _check(BusinessFactory(afm="804773470")).wait

    with pytest.raises(PermissionDenied):
        registry_wait_record_manual(
            actor=UserFactory(roles=[Role.EVALUATOR]), wait=wait, reason="θέλω", result={"status": "Ενεργή"}
        )

    assert RegistryWait.objects.get().is_open
    assert not AuditEvent.objects.filter(action="interop.registry_wait.manual_check").exists()


def test_a_manual_check_needs_a_reason_and_values():
    set_mode("gemi", "down")
    wait = _check(BusinessFactory(afm="804773470")).wait

    with pytest.raises(ValidationFailed) as exc:
        registry_wait_record_manual(
            actor=UserFactory(roles=[Role.SUPERVISOR]), wait=wait, reason=" ", result={}
        )

    assert set(exc.value.fields) == {"reason", "result"}


@registry_result_handler("tests.broken")
def _broken(obj, result):
    raise RuntimeError("a bug in the owning app")


def test_a_failing_handler_keeps_its_wait_open_and_does_not_hold_up_the_others():
    set_mode("gemi", "down")
    broken = BusinessFactory(afm="806994236")
    run_registry_check(
        obj=broken,
        registry="gemi",
        operation="company_by_afm",
        call="interop.console.check_gemi_company",
        params={"afm": broken.afm},
        on_result="tests.broken",
    )
    healthy = BusinessFactory(afm="804773470")
    _check(healthy)
    set_mode("gemi", "normal")

    _time_passes()
    retry_registry_waits.delay()

    assert RegistryWait.objects.get(object_id=str(broken.pk)).is_open
    assert RegistryWait.objects.get(object_id=str(healthy.pk)).status == RegistryWait.Status.RESOLVED
    assert [pk for pk, _r in RECEIVED] == [healthy.pk]


def test_a_refusal_on_retry_closes_the_wait_with_the_registry_s_code():
    set_mode("gemi", "down")
    business = BusinessFactory(afm="103374891")
    _check(business)
    set_mode("gemi", "normal")

    _time_passes()
    retry_registry_waits.delay()

    wait = RegistryWait.objects.get()
    assert (wait.status, wait.outcome) == (RegistryWait.Status.RESOLVED, "refused")
    assert wait.result["code"] == "gemi_not_found"
