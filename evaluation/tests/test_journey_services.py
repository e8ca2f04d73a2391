"""ΚΥΑ 7066 from submission to a notified approval decision, through the services."""

from decimal import Decimal

from evaluation import services
from evaluation.models import Decision
from evaluation.tests.factories import evaluated, sign_declaration_for_second_level, submitted_application


def test_fcfs_journey_reaches_a_notified_approval_with_ada(kya7066, evaluator, supervisor, django_capture_on_commit_callbacks):
    app, owner = submitted_application(kya7066)
    with django_capture_on_commit_callbacks(execute=True):
        ev = evaluated(app, evaluator)
        sign_declaration_for_second_level(app, supervisor)
        services.second_level_review(actor=supervisor, evaluation_id=ev.pk, outcome="agree")
    decision = Decision.objects.get(application=app)
    assert decision.kind == Decision.Kind.APPROVAL
    assert decision.amount_total == Decimal("14220.00")
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_sign(actor=supervisor, decision_id=decision.pk, confirm=True)
    decision.refresh_from_db()
    print(decision.state, decision.ada, decision.publish_error, decision.notified_at, decision.objection_deadline)
    assert decision.ada
