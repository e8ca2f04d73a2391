"""Evaluation, decisions and objections through the services, on PostgreSQL with the sandboxes."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from applications.models import Application
from applications.tests.factories import POSITION_KOZANI, member
from calls.models import BudgetPool
from evaluation import selectors, services
from evaluation.models import Assignment, ClarificationRequest, Decision, Evaluation, Finding, Objection
from evaluation.tests.factories import (
    LIGNITIS,
    evaluated,
    fill_all,
    open_form,
    sign_declaration_for_second_level,
    submitted_application,
)
from interop.deminimis import DeminimisClient
from interop.models import RegistryWait
from interop.sandboxes.control import set_mode
from interop.waiting import registry_waits_retry_due
from opske.deadlines import sweep_due_deadlines
from opske.errors import Conflict, PermissionDenied, ValidationFailed
from opske.models import AuditEvent, Notification


def _reviewed(app, evaluator, supervisor, capture, *, negatives=()):
    with capture(execute=True):
        ev = evaluated(app, evaluator, negatives=negatives)
        sign_declaration_for_second_level(app, supervisor)
        services.second_level_review(actor=supervisor, evaluation_id=ev.pk, outcome="agree")
    return ev


def _notified_decision(app, supervisor, capture):
    decision = Decision.objects.get(application=app, state=Decision.State.DRAFT)
    with capture(execute=True):
        services.decision_sign(actor=supervisor, decision_id=decision.pk, confirm=True)
    decision.refresh_from_db()
    return decision


def test_evaluator_cannot_open_before_signing_the_declaration(kya7066, evaluator):
    app, _ = submitted_application(kya7066)
    a = services.assignment_create(
        actor="δοκιμή", application_id=app.pk, evaluator_id=evaluator.pk, role="evaluator"
    )

    with pytest.raises(PermissionDenied) as exc:
        services.evaluation_open(actor=evaluator, assignment_id=a.pk)

    assert exc.value.code == "declaration_required"
    assert not Evaluation.objects.filter(application=app).exists()
    assert Application.objects.get(pk=app.pk).status == Application.Status.SUBMITTED


def test_declared_conflict_blocks_and_reassigns_to_someone_else(kya7066, evaluator):
    UserFactory(username="allos", roles=[Role.EVALUATOR])
    app, _ = submitted_application(kya7066)
    a = services.assignment_create(
        actor="δοκιμή", application_id=app.pk, evaluator_id=evaluator.pk, role="evaluator"
    )

    services.conflict_declaration_sign(
        actor=evaluator,
        assignment_id=a.pk,
        has_conflict=True,
        details="Συγγενής του νομίμου εκπροσώπου",
        confirm=True,
    )

    with pytest.raises(PermissionDenied):
        services.evaluation_open(actor=evaluator, assignment_id=a.pk)
    replacement = Assignment.objects.get(application=app, state=Assignment.State.AWAITING_DECLARATION)
    assert replacement.evaluator != evaluator and replacement.evaluator.has_role(Role.EVALUATOR)
    with pytest.raises(Conflict):
        services.assignment_create(
            actor="δοκιμή", application_id=app.pk, evaluator_id=evaluator.pk, role="evaluator"
        )


def test_automatic_assignment_balances_load_and_never_uses_one_person_at_two_levels(kya7066, evaluator):
    busy = UserFactory(username="polyaschol", roles=[Role.EVALUATOR, Role.SUPERVISOR])
    first, _ = submitted_application(kya7066)
    services.assignment_create(
        actor="δοκιμή", application_id=first.pk, evaluator_id=busy.pk, role="evaluator"
    )
    second, _ = submitted_application(kya7066, user=member(LIGNITIS))

    picked = services.assignment_auto(actor="δοκιμή", application_id=second.pk)
    assert picked.evaluator != busy  # anyone with fewer open assignments comes first
    assert picked.evaluator.has_role(Role.EVALUATOR)
    level2 = services.assignment_auto(actor="δοκιμή", application_id=first.pk, role="second_level")
    assert level2.evaluator != busy  # busy already evaluates it at level 1
    assert busy.pk in selectors.users_who_evaluated(first)


def test_negative_finding_without_reasons_is_refused_and_nothing_is_saved(kya7066, evaluator):
    app, _ = submitted_application(kya7066)
    ev = open_form(app, evaluator)

    with pytest.raises(ValidationFailed) as exc:
        services.finding_save(
            actor=evaluator, evaluation_id=ev.pk, criterion_code="4", value="no", justification=" "
        )

    assert "αιτιολόγηση" in exc.value.message
    assert not Finding.objects.filter(evaluation=ev).exists()


def test_every_group_must_be_completed_even_after_a_no(kya7066, evaluator):
    app, _ = submitted_application(kya7066)
    ev = open_form(app, evaluator)
    services.finding_save(
        actor=evaluator, evaluation_id=ev.pk, criterion_code="1", value="no", justification="Όχι"
    )

    with pytest.raises(ValidationFailed) as exc:
        services.evaluation_submit(actor=evaluator, evaluation_id=ev.pk)

    assert exc.value.code == "criteria_missing" and "2, 3, 4, 5, 6, 7, 8" in exc.value.message
    assert Evaluation.objects.get(pk=ev.pk).state == Evaluation.State.DRAFT


def test_every_finding_is_in_the_audit_trail(kya7066, evaluator):
    app, _ = submitted_application(kya7066)
    ev = open_form(app, evaluator)
    fill_all(ev, evaluator)
    assert AuditEvent.objects.filter(action="evaluation.finding_saved", object_id=str(ev.pk)).count() == 8


def test_fcfs_approval_commits_the_pool_and_is_published_and_notified(
    kya7066, evaluator, supervisor, django_capture_on_commit_callbacks, mailoutbox
):
    positions = [{**POSITION_KOZANI, "persons": 3}, {**POSITION_KOZANI, "category": "01.23", "persons": 2}]
    app, owner = submitted_application(kya7066, positions=positions)
    pool = BudgetPool.objects.get(call=kya7066, code="wm")
    assert pool.reserved == Decimal("62568.00")

    _reviewed(app, evaluator, supervisor, django_capture_on_commit_callbacks)
    decision = _notified_decision(app, supervisor, django_capture_on_commit_callbacks)

    pool.refresh_from_db()
    assert (pool.reserved, pool.committed) == (Decimal("0.00"), Decimal("62568.00"))
    assert Application.objects.get(pk=app.pk).status == Application.Status.APPROVED
    assert decision.kind == Decision.Kind.APPROVAL and decision.state == Decision.State.NOTIFIED
    assert decision.amount_total == decision.de_minimis_amount == Decimal("62568.00")
    assert [(r["category"], r["persons"], r["amount"]) for r in decision.details["per_category"]] == [
        ("01.22", 3, "42660.00"),
        ("01.23", 2, "19908.00"),
    ]
    assert decision.ada and "-" in decision.ada
    assert decision.document.state == "ready"
    notice = (
        Notification.objects.filter(kind="evaluation.decision", object_id=str(decision.pk))
        .exclude(sent_at=None)
        .order_by("sent_at")
        .first()
    )
    assert decision.notified_at == notice.sent_at
    sent_on = timezone.localtime(notice.sent_at).date()
    # 10 calendar days counted from the day after the e-mail was sent (Art. 7.5), no roll-over.
    assert decision.objection_deadline == sent_on + datetime.timedelta(days=10)
    assert decision.grant_date == sent_on
    assert any(decision.ada in m.body for m in mailoutbox)


def test_negative_result_rejects_releases_the_reservation_and_states_every_reason(
    kya7066, evaluator, supervisor, django_capture_on_commit_callbacks
):
    app, _ = submitted_application(kya7066)
    _reviewed(app, evaluator, supervisor, django_capture_on_commit_callbacks, negatives=("2", "8"))

    decision = Decision.objects.get(application=app)
    assert decision.kind == Decision.Kind.REJECTION
    assert len([r for r in decision.details["reasons"] if "ΟΧΙ" in r]) == 2
    assert BudgetPool.objects.get(call=kya7066, code="wm").reserved == Decimal("0.00")
    assert Application.objects.get(pk=app.pk).status == Application.Status.REJECTED


def test_exhausted_pool_makes_an_eligible_application_approved_not_funded(
    kya7066, evaluator, supervisor, django_capture_on_commit_callbacks
):
    first, _ = submitted_application(kya7066)
    BudgetPool.objects.filter(call=kya7066, code="wm").update(
        amount=Decimal("14220.00")
    )  # only the first fits
    late, _ = submitted_application(kya7066, user=member(LIGNITIS))
    assert late.status == Application.Status.RESERVE

    _reviewed(late, evaluator, supervisor, django_capture_on_commit_callbacks)

    assert Application.objects.get(pk=late.pk).status == Application.Status.APPROVED_NOT_FUNDED
    decision = Decision.objects.get(application=late)
    assert decision.kind == Decision.Kind.APPROVED_NOT_FUNDED and decision.amount_total == 0
    pool = BudgetPool.objects.get(call=kya7066, code="wm")
    assert (pool.reserved, pool.committed) == (Decimal("14220.00"), Decimal("0.00"))


def test_budget_freed_by_a_rejection_goes_to_the_earliest_reserve_not_the_first_evaluated(
    kya7066, evaluator, supervisor, django_capture_on_commit_callbacks
):
    # Given a pool for one hire: #1 holds it, #2 and #3 wait as reserves
    from calls.models import Call

    Call.objects.filter(pk=kya7066.pk).update(one_application_per_afm=False)
    BudgetPool.objects.filter(call=kya7066, code="wm").update(amount=Decimal("14220.00"))
    user = member(LIGNITIS)
    first, _ = submitted_application(kya7066, user=user)
    second, _ = submitted_application(kya7066, user=user)
    third, _ = submitted_application(kya7066, user=user)
    assert (second.status, third.status) == (Application.Status.RESERVE, Application.Status.RESERVE)

    # When #1 is rejected, and #3 happens to finish evaluation before #2
    _reviewed(first, evaluator, supervisor, django_capture_on_commit_callbacks, negatives=("2",))
    _reviewed(third, evaluator, supervisor, django_capture_on_commit_callbacks)
    _reviewed(second, evaluator, supervisor, django_capture_on_commit_callbacks)

    # Then the freed budget went to #2, the earlier in line (ΚΥΑ 7066 Art. 7.3), and #3 is not funded
    assert Application.objects.get(pk=second.pk).status == Application.Status.APPROVED
    assert Application.objects.get(pk=third.pk).status == Application.Status.APPROVED_NOT_FUNDED
    pool = BudgetPool.objects.get(call=kya7066, code="wm")
    assert (pool.reserved, pool.committed) == (Decimal("0.00"), Decimal("14220.00"))


def test_de_minimis_recheck_before_approval_blocks_it(
    kya7066, evaluator, supervisor, django_capture_on_commit_callbacks
):
    app, _ = submitted_application(kya7066)
    # Between submission and approval another authority granted €260,000 (group already had €45,000).
    DeminimisClient().register_grant(
        external_reference="other:grant:1", measure_code="ΜΚΕ-2026-0001", regulation="2023/2831",
        beneficiary_afm=LIGNITIS, granting_authority="Περιφέρεια Δυτικής Μακεδονίας",
        grant_date=timezone.localdate(), nominal_amount=Decimal("260000.00"), gge_amount=Decimal("260000.00"),
    )  # fmt: skip

    _reviewed(app, evaluator, supervisor, django_capture_on_commit_callbacks)

    decision = Decision.objects.get(application=app)
    assert decision.kind == Decision.Kind.REJECTION
    assert "Υπέρβαση ορίου de minimis" in decision.details["reasons"][0]
    assert Application.objects.get(pk=app.pk).status == Application.Status.REJECTED
    assert BudgetPool.objects.get(call=kya7066, code="wm").committed == Decimal("0.00")


def test_deviation_without_reasons_is_refused(kya7066, evaluator, supervisor):
    app, _ = submitted_application(kya7066)
    ev = evaluated(app, evaluator)
    sign_declaration_for_second_level(app, supervisor)

    with pytest.raises(ValidationFailed) as exc:
        services.second_level_review(actor=supervisor, evaluation_id=ev.pk, outcome="deviate", reasons="")

    assert exc.value.code == "deviation_reasons_missing"
    assert Evaluation.objects.get(pk=ev.pk).state == Evaluation.State.SUBMITTED


def test_clarification_without_reply_rejects_when_the_deadline_fires(
    kya7066, evaluator, supervisor, django_capture_on_commit_callbacks
):
    app, owner = submitted_application(kya7066)
    ev = evaluated(app, evaluator)
    sign_declaration_for_second_level(app, supervisor)
    cr = services.clarification_request(
        actor=supervisor, evaluation_id=ev.pk, question="Αποστείλατε την ΑΠΔ Μαρτίου."
    )
    assert cr.due_on == timezone.localdate() + datetime.timedelta(days=5)

    fired_at = timezone.now() + datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_due_deadlines(now=fired_at) >= 1

    assert ClarificationRequest.objects.get(pk=cr.pk).state == ClarificationRequest.State.EXPIRED
    assert Application.objects.get(pk=app.pk).status == Application.Status.REJECTED
    decision = Decision.objects.get(application=app)
    assert "Άρθ. 7.1β" in decision.details["reasons"][0]


def test_clarification_reply_keeps_the_exchange_and_cancels_the_deadline(kya7066, evaluator, supervisor):
    app, owner = submitted_application(kya7066)
    ev = evaluated(app, evaluator)
    sign_declaration_for_second_level(app, supervisor)
    cr = services.clarification_request(
        actor=supervisor, evaluation_id=ev.pk, question="Διευκρινίστε τη θέση."
    )

    services.clarification_reply(actor=owner, clarification_id=cr.pk, reply="Η θέση είναι στην έδρα.")

    assert sweep_due_deadlines(now=timezone.now() + datetime.timedelta(days=7)) == 0
    cr.refresh_from_db()
    assert cr.state == "answered" and cr.reply == "Η θέση είναι στην έδρα."
    assert Application.objects.get(pk=app.pk).status == Application.Status.UNDER_EVALUATION


def test_objection_after_its_deadline_is_refused(
    kya7066, evaluator, supervisor, django_capture_on_commit_callbacks
):
    app, owner = submitted_application(kya7066)
    _reviewed(app, evaluator, supervisor, django_capture_on_commit_callbacks, negatives=("3",))
    decision = _notified_decision(app, supervisor, django_capture_on_commit_callbacks)
    # Served on Mon 2 June 2025 → the last day was 12 June 2025 (ΚΥΑ 7066 Art. 7.5).
    services.decision_open_objection_window(decision=decision, anchor_on=datetime.date(2025, 6, 2))
    assert decision.objection_deadline == datetime.date(2025, 6, 12)

    with pytest.raises(Conflict) as exc:
        services.objection_file(actor=owner, decision_id=decision.pk, text="Το κριτήριο 3 πληρούται.")

    assert exc.value.code == "objection_late" and "12/06/2025" in exc.value.message
    assert not Objection.objects.exists()


def test_objection_once_examined_and_accepted_feeds_back_into_a_new_approval(
    kya7066, evaluator, supervisor, committee, django_capture_on_commit_callbacks
):
    app, owner = submitted_application(kya7066)
    _reviewed(app, evaluator, supervisor, django_capture_on_commit_callbacks, negatives=("3",))
    rejection = _notified_decision(app, supervisor, django_capture_on_commit_callbacks)

    objection = services.objection_file(
        actor=owner, decision_id=rejection.pk, text="Δεν υπάρχει διπλή χρηματοδότηση."
    )
    with pytest.raises(Conflict) as again:
        services.objection_file(actor=owner, decision_id=rejection.pk, text="Και πάλι.")
    assert again.value.code == "objection_exists"
    assert objection.decision_due > objection.filing_deadline == rejection.objection_deadline

    services.objection_give_opinion(
        actor=committee, objection_id=objection.pk, recommends="accept", opinion="Βάσιμη."
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_decide(
            actor=supervisor, objection_id=objection.pk, accepted=True, reasons="Βάσιμη ένσταση."
        )

    rejection.refresh_from_db()
    assert rejection.state == Decision.State.SUPERSEDED
    assert Application.objects.get(pk=app.pk).status == Application.Status.APPROVED
    assert Decision.objects.get(application=app, state=Decision.State.DRAFT).kind == Decision.Kind.APPROVAL

    # The results table's rows are the decisions marked standing (issue 11): each application's
    # newest that is neither superseded nor an inclusion, as the «no newer decision» anti-join says.
    from django.db.models import Exists, OuterRef

    from evaluation import selectors

    def standing():
        eligible = Decision.objects.exclude(state=Decision.State.SUPERSEDED).exclude(
            kind=Decision.Kind.INCLUSION
        )
        newer = eligible.filter(application_id=OuterRef("application_id"), pk__gt=OuterRef("pk"))
        expected = set(eligible.filter(~Exists(newer)).values_list("pk", flat=True))
        assert set(Decision.objects.filter(standing=True).values_list("pk", flat=True)) == expected
        return [
            list(selectors.standing_decisions(kya7066, public=public).values_list("pk", flat=True))
            for public in (False, True)
        ]

    approval = Decision.objects.get(application=app, state=Decision.State.DRAFT)
    assert standing() == [[approval.pk], []]  # the superseded rejection no longer stands
    second = Decision.objects.get(pk=approval.pk)
    second.pk, second.protocol_number = None, f"{approval.protocol_number}-Β"
    second.save()  # a newer decision of the same application stands instead
    assert standing() == [[second.pk], []]
    second.supersede()
    second.save()
    other, _ = submitted_application(kya7066)
    _reviewed(other, evaluator, supervisor, django_capture_on_commit_callbacks)
    notified = _notified_decision(other, supervisor, django_capture_on_commit_callbacks)
    assert standing() == [[approval.pk, notified.pk], [notified.pk]]  # the older one stands again


def test_diavgeia_down_the_decision_waits_visibly_and_is_published_later(
    kya7066, evaluator, supervisor, django_capture_on_commit_callbacks
):
    app, _ = submitted_application(kya7066)
    _reviewed(app, evaluator, supervisor, django_capture_on_commit_callbacks)
    set_mode("diavgeia", "down")
    try:
        decision = _notified_decision(app, supervisor, django_capture_on_commit_callbacks)
        assert decision.state == Decision.State.SIGNED and not decision.ada
        wait = RegistryWait.objects.get(object_id=str(decision.pk), registry="diavgeia")
        assert wait.status == RegistryWait.Status.OPEN
    finally:
        set_mode("diavgeia", "normal")
    RegistryWait.objects.filter(pk=wait.pk).update(next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        registry_waits_retry_due()
    decision.refresh_from_db()
    assert decision.ada and decision.state == Decision.State.NOTIFIED


@pytest.mark.django_db(transaction=True)
def test_two_supervisors_finalising_at_once_one_wins_the_other_gets_a_conflict(world, postgres_only):
    from applications.tests.factories import seeded_call
    from calls import seeds

    call = seeded_call(seeds.kya7066)
    evaluator = UserFactory(username="eval-race", roles=[Role.EVALUATOR])
    heads = [UserFactory(username=f"head-race-{i}", roles=[Role.SUPERVISOR]) for i in range(2)]
    app, _ = submitted_application(call)
    ev = evaluated(app, evaluator)
    Assignment.objects.filter(application=app, role="second_level").update(state=Assignment.State.WITHDRAWN)
    for head in heads:
        a = services.assignment_create(
            actor=head, application_id=app.pk, evaluator_id=head.pk, role="second_level"
        )
        services.conflict_declaration_sign(actor=head, assignment_id=a.pk, has_conflict=False, confirm=True)
    barrier = threading.Barrier(2)
    outcomes = []

    def finalise(head):
        try:
            barrier.wait()
            services.second_level_review(
                actor=head, evaluation_id=ev.pk, outcome="deviate", reasons=f"{head.username}"
            )
            outcomes.append("ok")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=finalise, args=(h,)) for h in heads]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["already_reviewed", "ok"]
    assert Evaluation.objects.get(pk=ev.pk).state == Evaluation.State.REVIEWED


def test_setting_clarification_days_counting_changes_outcome(kya7066, evaluator, supervisor):
    # ΚΥΑ 7066 Art. 7.1β «5 ημερών» (gap 4): calendar by default, working days when the call says so
    from calls.models import Call
    from opske.calendar import add_working_days

    app, owner = submitted_application(kya7066)
    ev = evaluated(app, evaluator)
    sign_declaration_for_second_level(app, supervisor)
    cr = services.clarification_request(actor=supervisor, evaluation_id=ev.pk, question="Ερώτημα Α.")
    today = timezone.localdate()
    assert cr.due_on == today + datetime.timedelta(days=5)
    services.clarification_reply(actor=owner, clarification_id=cr.pk, reply="Απάντηση.")

    Call.objects.filter(pk=kya7066.pk).update(
        config={**kya7066.config, "gaps": {"clarification_days_counting": "working"}}
    )
    working = services.clarification_request(actor=supervisor, evaluation_id=ev.pk, question="Ερώτημα Β.")
    assert working.due_on == add_working_days(today, 5) and working.due_on > cr.due_on
