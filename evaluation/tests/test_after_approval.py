"""After a ΚΥΑ 7066 approval is served: the grant goes to ΠΣΣΕΗΣ once, and the inclusion act follows.

Real HTTP to the ΠΣΣΕΗΣ sandbox throughout; an outage is the sandbox switched «down».
"""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from evaluation import services
from evaluation.models import Decision
from evaluation.registry_handlers import fetch_deminimis, register_deminimis_grant
from evaluation.rules import grants
from evaluation.tasks import register_deminimis_grant as registration_task
from evaluation.tests.factories import LIGNITIS, approved_and_notified, submitted_application
from interop.models import RegistryWait
from interop.sandboxes.control import set_mode
from interop.waiting import registry_waits_retry_due
from opske.models import AuditEvent


def _awards_with(registry_id: str, on: datetime.date):
    aid = fetch_deminimis(LIGNITIS, on.isoformat())
    return [a for a in aid.awards if a.registry_id == registry_id]


def test_served_approval_is_registered_in_pssehs_with_the_notice_date_as_grant_date(
    kya7066, evaluator, supervisor, django_capture_on_commit_callbacks
):
    app, _ = submitted_application(kya7066)

    approval = approved_and_notified(app, evaluator, supervisor, django_capture_on_commit_callbacks)

    assert approval.deminimis_state == Decision.DeminimisState.REGISTERED
    assert approval.deminimis_registry_id.startswith("ΠΣΣΕΗΣ-")
    assert approval.deminimis_registered_at is not None
    [award] = _awards_with(approval.deminimis_registry_id, approval.grant_date)
    # ΚΥΑ 7066 Art. 7.6: the grant date is the day the approval's notice was sent.
    assert award.grant_date == approval.grant_date == timezone.localtime(approval.notified_at).date()
    assert award.nominal_amount == award.gge_amount == approval.de_minimis_amount == Decimal("14220.00")
    assert (award.regulation, award.ada, award.beneficiary_afm) == ("2023/2831", approval.ada, LIGNITIS)
    events = AuditEvent.objects.filter(
        action="evaluation.decision.deminimis_registered", object_id=str(approval.pk)
    )
    assert events.count() == 1


def test_a_retried_registration_task_registers_the_grant_once(
    kya7066, evaluator, supervisor, django_capture_on_commit_callbacks
):
    app, _ = submitted_application(kya7066)
    approval = approved_and_notified(app, evaluator, supervisor, django_capture_on_commit_callbacks)
    first_id = approval.deminimis_registry_id

    # A second delivery of the task (acks_late) finds the grant registered and does nothing.
    assert registration_task(approval.pk) == "skipped"
    # A worker that died after ΠΣΣΕΗΣ answered but before our commit: the replay uses the same
    # reference, ΠΣΣΕΗΣ answers with the same id, and nothing is registered twice.
    Decision.objects.filter(pk=approval.pk).update(
        deminimis_state=Decision.DeminimisState.PENDING,
        deminimis_registry_id="",
        deminimis_registered_at=None,
    )
    assert registration_task(approval.pk) == "ok"

    approval.refresh_from_db()
    assert approval.deminimis_registry_id == first_id
    assert len(_awards_with(first_id, approval.grant_date)) == 1
    replay = register_deminimis_grant(**services.grant_registration_params(approval))
    assert (replay.registry_id, replay.created) == (first_id, False)


def test_pssehs_outage_leaves_the_grant_visibly_waiting_and_the_retry_registers_it_once(
    kya7066, evaluator, supervisor, django_capture_on_commit_callbacks, client
):
    app, _ = submitted_application(kya7066)
    set_mode("deminimis", "down")
    try:
        # The pre-inclusion re-check waits too; answer it once ΠΣΣΕΗΣ is back, then cut it again.
        approval = None
        with django_capture_on_commit_callbacks(execute=True):
            from evaluation.tests.factories import evaluated, sign_declaration_for_second_level

            ev = evaluated(app, evaluator)
            sign_declaration_for_second_level(app, supervisor)
            services.second_level_review(actor=supervisor, evaluation_id=ev.pk, outcome="agree")
        set_mode("deminimis", "normal")
        RegistryWait.objects.filter(registry="deminimis").update(next_attempt_at=timezone.now())
        with django_capture_on_commit_callbacks(execute=True):
            registry_waits_retry_due()
        approval = Decision.objects.get(application=app, kind=Decision.Kind.APPROVAL)
        set_mode("deminimis", "down")
        with django_capture_on_commit_callbacks(execute=True):
            services.decision_sign(actor=supervisor, decision_id=approval.pk, confirm=True)
        approval.refresh_from_db()
        assert approval.state == Decision.State.NOTIFIED
        assert approval.deminimis_state == Decision.DeminimisState.PENDING
        wait = RegistryWait.objects.get(
            object_id=str(approval.pk), operation="register_grant", status=RegistryWait.Status.OPEN
        )
        client.force_login(supervisor)
        page = client.get(reverse("evaluation:decision", args=[approval.pk])).content.decode()
        assert "Σε αναμονή του ΠΣΣΕΗΣ" in page and "Αναμένεται καταχώριση" in page
        # Another delivery of the task leaves the retry to the wait (no extra call, no backoff jump).
        assert registration_task(approval.pk) == "waiting"
        assert RegistryWait.objects.get(pk=wait.pk).attempts == wait.attempts
    finally:
        set_mode("deminimis", "normal")

    RegistryWait.objects.filter(pk=wait.pk).update(next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        registry_waits_retry_due()

    approval.refresh_from_db()
    assert approval.deminimis_state == Decision.DeminimisState.REGISTERED
    assert len(_awards_with(approval.deminimis_registry_id, approval.grant_date)) == 1
    assert registration_task(approval.pk) == "skipped"
    page = client.get(reverse("evaluation:decision", args=[approval.pk])).content.decode()
    assert approval.deminimis_registry_id in page


def test_a_refused_registration_is_shown_and_the_supervisor_asks_again(
    kya7066, evaluator, supervisor, django_capture_on_commit_callbacks, client
):
    app, _ = submitted_application(kya7066)
    with django_capture_on_commit_callbacks(execute=True):
        from evaluation.tests.factories import evaluated, sign_declaration_for_second_level

        ev = evaluated(app, evaluator)
        sign_declaration_for_second_level(app, supervisor)
        services.second_level_review(actor=supervisor, evaluation_id=ev.pk, outcome="agree")
    approval = Decision.objects.get(application=app, kind=Decision.Kind.APPROVAL)
    set_mode("deminimis", "error", error_code="invalid_measure")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.decision_sign(actor=supervisor, decision_id=approval.pk, confirm=True)
    finally:
        set_mode("deminimis", "normal")
    approval.refresh_from_db()
    assert approval.deminimis_state == Decision.DeminimisState.REFUSED and approval.deminimis_error

    client.force_login(supervisor)
    url = reverse("evaluation:decision", args=[approval.pk])
    assert "Το ΠΣΣΕΗΣ απέρριψε την καταχώριση" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "retry_deminimis"})
    assert response.status_code == 302

    approval.refresh_from_db()
    assert approval.deminimis_state == Decision.DeminimisState.REGISTERED


def test_served_approval_is_followed_by_one_inclusion_decision_stating_what_was_approved(
    kya7066, evaluator, supervisor, django_capture_on_commit_callbacks
):
    app, _ = submitted_application(kya7066)
    approval = approved_and_notified(app, evaluator, supervisor, django_capture_on_commit_callbacks)

    inclusion = Decision.objects.get(application=app, kind=Decision.Kind.INCLUSION)
    assert inclusion.state == Decision.State.DRAFT
    assert (inclusion.amount_total, inclusion.de_minimis_amount) == (
        approval.amount_total,
        approval.de_minimis_amount,
    )
    assert inclusion.details["per_category"] == approval.details["per_category"]
    assert inclusion.details["persons"] == approval.details["persons"] == 1
    assert inclusion.details["approval"]["ada"] == approval.ada
    assert any("Άρθ. 7.6" in r for r in inclusion.details["reasons"])
    # The notice arriving twice drafts nothing more.
    services.decision_record_notified(decision_id=approval.pk, sent_at=timezone.now())
    assert Decision.objects.filter(application=app, kind=Decision.Kind.INCLUSION).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.decision_sign(actor=supervisor, decision_id=inclusion.pk, confirm=True)
    inclusion.refresh_from_db()
    assert inclusion.state == Decision.State.NOTIFIED and inclusion.ada
    # Not a new evaluation result (no new objection window) and not a second grant.
    assert inclusion.objection_deadline is None
    assert inclusion.deminimis_state == ""
    assert inclusion.grant_date is None


def test_only_a_served_de_minimis_approval_is_a_grant_to_register():
    assert grants.grant_registration_due(aid_regime="de_minimis", kind="approval", amount=Decimal("14220"))
    assert not grants.grant_registration_due(aid_regime="de_minimis", kind="inclusion", amount=Decimal("1"))
    assert not grants.grant_registration_due(aid_regime="de_minimis", kind="rejection", amount=Decimal("0"))
    assert not grants.grant_registration_due(
        aid_regime="not_state_aid", kind="approval", amount=Decimal("300000")
    )
    assert not grants.grant_registration_due(
        aid_regime="de_minimis", kind="approved_not_funded", amount=Decimal("0")
    )
    assert grants.gross_grant_equivalent(Decimal("14220")) == Decimal("14220.00")
    assert grants.inclusion_follows(method="fcfs_direct", kind="approval")
    assert not grants.inclusion_follows(method="comparative", kind="approval")
    assert not grants.objection_window_applies(method="fcfs_direct", kind="inclusion")
    assert grants.objection_window_applies(method="fcfs_direct", kind="approval")


def test_grant_date_is_the_athens_day_of_the_notice_even_just_after_midnight():
    # ΚΥΑ 7066 Art. 7.6: a notice sent at 00:30 on 05/12/2026 Athens time (22:30 UTC on the 4th)
    # grants the aid on 05/12/2026; a rejection has no grant date.
    sent = datetime.datetime(2026, 12, 4, 22, 30, tzinfo=datetime.UTC)
    assert Decision(kind=Decision.Kind.APPROVAL, notified_at=sent).grant_date == datetime.date(2026, 12, 5)
    noon = datetime.datetime(2026, 12, 5, 10, 0, tzinfo=datetime.UTC)
    assert Decision(kind=Decision.Kind.APPROVAL, notified_at=noon).grant_date == datetime.date(2026, 12, 5)
    assert Decision(kind=Decision.Kind.REJECTION, notified_at=sent).grant_date is None
