"""Automatic assignment on submission and the administrator's queue of unassigned applications
(ΚΥΑ 7066 Art. 7.1α: one evaluator per application, with a no-conflict declaration; Art. 7.2)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role, RoleAssignment
from accounts.tests.factories import UserFactory
from applications.tests.factories import member
from calls.models import Call
from evaluation import services
from evaluation.models import Assignment
from evaluation.rules.assignment import assign_on_submission
from evaluation.tests.factories import LIGNITIS, submitted_application
from opske.errors import Conflict, ValidationFailed
from opske.models import AuditEvent


@pytest.fixture
def admin_user(db):
    return UserFactory(username="diaxeiristis", first_name="Ελένη", last_name="Διαχειρίστρια",
                       roles=[Role.PROGRAMME_ADMIN])  # fmt: skip


def _live_evaluators(app):
    return list(
        Assignment.objects.filter(application=app, role=Assignment.Role.EVALUATOR)
        .exclude(state=Assignment.State.WITHDRAWN)
        .values_list("evaluator__username", flat=True)
    )


def _set_assignment(call, value):
    config = dict(call.config or {})
    config["gaps"] = {**config.get("gaps", {}), "assignment": value}
    call.config = config
    call.save(update_fields=["config"])


def test_rule_assigns_only_fcfs_calls_set_to_auto_without_a_live_evaluator():
    assert assign_on_submission(
        method="fcfs_direct", setting="auto", status="submitted", has_live_evaluator=False
    )
    assert not assign_on_submission(method="fcfs_direct", setting="manual", status="submitted",
                                    has_live_evaluator=False)  # fmt: skip
    assert not assign_on_submission(method="comparative", setting="auto", status="submitted",
                                    has_live_evaluator=False)  # fmt: skip
    assert not assign_on_submission(method="fcfs_direct", setting="auto", status="submitted",
                                    has_live_evaluator=True)  # fmt: skip
    assert not assign_on_submission(
        method="fcfs_direct", setting="auto", status="draft", has_live_evaluator=False
    )


def test_setting_assignment_changes_outcome(kya7066, evaluator):
    # given a submitted application of a call whose administrator assigns by hand
    app, _ = submitted_application(kya7066)
    _set_assignment(kya7066, "manual")
    # when the post-submission step runs, then it stays unassigned (in the queue)
    assert services.assignment_on_submission(application_id=app.pk) is None
    assert _live_evaluators(app) == []
    # when the call assigns automatically, the same step gives it its one evaluator
    _set_assignment(kya7066, "auto")
    assignment = services.assignment_on_submission(application_id=app.pk)
    assert assignment is not None and assignment.automatic
    assert assignment.evaluator.has_role(Role.EVALUATOR)
    assert _live_evaluators(app) == [assignment.evaluator.username]
    # and running it again changes nothing (the task is safe to run twice)
    assert services.assignment_on_submission(application_id=app.pk) is None
    assert _live_evaluators(app) == [assignment.evaluator.username]


def test_submission_is_assigned_after_commit_through_the_receipt_step(
    kya7066, evaluator, django_capture_on_commit_callbacks
):
    # given the default setting («auto») and one evaluator, when a business submits
    with django_capture_on_commit_callbacks(execute=True):
        app, _ = submitted_application(kya7066)
    # then after commit the application has its evaluator, awaiting the no-conflict declaration
    a = Assignment.objects.get(application=app, role=Assignment.Role.EVALUATOR)
    assert a.evaluator.has_role(Role.EVALUATOR)
    assert (a.state, a.automatic) == (Assignment.State.AWAITING_DECLARATION, True)


def test_no_free_evaluator_leaves_it_in_the_queue_with_the_reason_recorded(
    kya7066, django_capture_on_commit_callbacks
):
    # given no evaluator at all, when a business submits, nothing breaks
    RoleAssignment.objects.filter(role=Role.EVALUATOR).delete()
    with django_capture_on_commit_callbacks(execute=True):
        app, _ = submitted_application(kya7066)
    assert _live_evaluators(app) == []
    event = AuditEvent.objects.filter(action="evaluation.assignment.auto_failed").get()
    assert "σύγκρουση" in event.reason


def test_reassign_withdraws_keeps_the_reason_and_gives_it_to_the_other_person(kya7066, evaluator, admin_user):
    other = UserFactory(username="allos", roles=[Role.EVALUATOR])
    app, _ = submitted_application(kya7066)
    first = services.assignment_create(
        actor=admin_user, application_id=app.pk, evaluator_id=evaluator.pk, role=Assignment.Role.EVALUATOR
    )
    # when the administrator reassigns without a reason, it is refused at the field, nothing changes
    with pytest.raises(ValidationFailed) as exc:
        services.assignment_reassign(
            actor=admin_user, assignment_id=first.pk, evaluator_id=other.pk, reason=" "
        )
    assert "reason" in exc.value.fields
    assert _live_evaluators(app) == ["axiologitis"]
    # when with a reason, the first is withdrawn and the second holds it; the reason is in the audit
    new = services.assignment_reassign(
        actor=admin_user, assignment_id=first.pk, evaluator_id=other.pk, reason="Άδεια του αξιολογητή"
    )
    first.refresh_from_db()
    assert first.state == Assignment.State.WITHDRAWN
    assert _live_evaluators(app) == ["allos"] and new.assigned_by == admin_user
    reasons = set(
        AuditEvent.objects.filter(
            action__in=["evaluation.assignment.withdrawn", "evaluation.assignment.reassigned"]
        ).values_list("reason", flat=True)
    )
    assert reasons == {"Άδεια του αξιολογητή"}


def test_a_submitted_evaluation_cannot_be_reassigned(kya7066, evaluator, admin_user):
    from evaluation.tests.factories import evaluated

    other = UserFactory(username="allos", roles=[Role.EVALUATOR])
    app, _ = submitted_application(kya7066)
    ev = evaluated(app, evaluator)
    with pytest.raises(Conflict):
        services.assignment_reassign(
            actor=admin_user, assignment_id=ev.assignment_id, evaluator_id=other.pk, reason="λόγος"
        )


# --- pages ---------------------------------------------------------------------------------------


def test_queue_lists_unassigned_applications_with_filters_and_pagination(
    client, kya7066, evaluator, admin_user, django_assert_max_num_queries
):
    app, _ = submitted_application(kya7066)
    client.force_login(admin_user)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("evaluation:assign-queue"))
    assert response.status_code == 200
    assert app.protocol_number in response.content.decode()
    # filtered by another call code: none
    response = client.get(reverse("evaluation:assign-queue"), {"call": "ΑΛΛΗ"})
    assert app.protocol_number not in response.content.decode()
    # an evaluator may not see the queue
    client.force_login(evaluator)
    assert client.get(reverse("evaluation:assign-queue")).status_code == 403


def test_administrator_assigns_and_reassigns_through_the_page(client, kya7066, evaluator, admin_user):
    other = UserFactory(username="allos", first_name="Άλλος", last_name="Αξιολογητής", roles=[Role.EVALUATOR])
    app, _ = submitted_application(kya7066)
    client.force_login(admin_user)
    url = reverse("evaluation:assign", args=[app.pk])
    page = client.get(url).content.decode()
    assert "Ανάθεση σε αξιολογητή" in page and "Νίκος Αξιολογητής" in page
    # when assigning to the evaluator
    response = client.post(url, {"action": "assign", "evaluator": evaluator.pk})
    assert response.status_code == 302
    assert _live_evaluators(app) == ["axiologitis"]
    # the application left the unassigned queue
    assert app.protocol_number not in client.get(reverse("evaluation:assign-queue")).content.decode()
    # reassign without reason: the error is at the field, nothing changes
    a = Assignment.objects.get(application=app, state=Assignment.State.AWAITING_DECLARATION)
    response = client.post(
        url, {"action": "reassign", "assignment": a.pk, "evaluator": other.pk, "reason": ""}
    )
    body = response.content.decode()
    assert response.status_code == 400 and "govgr-field--error" in body and "Απαιτείται αιτιολογία" in body
    assert _live_evaluators(app) == ["axiologitis"]
    response = client.post(
        url, {"action": "reassign", "assignment": a.pk, "evaluator": other.pk, "reason": "Φόρτος εργασίας"}
    )
    assert response.status_code == 302
    assert _live_evaluators(app) == ["allos"]
    history = client.get(url).content.decode()
    assert "Φόρτος εργασίας" in history and "Ανακλήθηκε" in history


def test_automatic_assignment_button_picks_the_least_loaded(client, kya7066, evaluator, admin_user):
    # given two evaluators, one of whom already holds an application
    Call.objects.filter(pk=kya7066.pk).update(one_application_per_afm=False)
    user = member(LIGNITIS)
    earlier, _ = submitted_application(kya7066, user=user)
    busy = services.assignment_auto(actor=admin_user, application_id=earlier.pk).evaluator
    app, _ = submitted_application(kya7066, user=user)
    # when the administrator presses «Αυτόματη ανάθεση»
    client.force_login(admin_user)
    response = client.post(reverse("evaluation:assign", args=[app.pk]), {"action": "auto"})
    # then the one with fewer open assignments gets it
    assert response.status_code == 302
    (picked,) = _live_evaluators(app)
    assert picked != busy.username
