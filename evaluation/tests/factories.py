"""Builders for evaluation tests: real seed calls, real submissions through the sandboxes."""

from __future__ import annotations

from applications import services as app_services
from applications.tests.factories import POSITION_KOZANI, complete_business_draft, member
from evaluation import services
from evaluation.models import Assignment
from evaluation.rules import fcfs

LIGNITIS = "804773470"  # ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ, Κοζάνη: eligible, €45,000 prior de minimis in its group


def submitted_application(call, *, afm=LIGNITIS, positions=None, user=None):
    """A ΚΥΑ 7066 application submitted for real (registries asked through the sandboxes)."""
    user = user or member(afm)
    app = complete_business_draft(user, call, afm=afm, positions=positions or [POSITION_KOZANI])
    return app_services.application_submit(actor=user, application_id=app.pk), user


def open_form(app, evaluator, *, role=Assignment.Role.EVALUATOR, actor="δοκιμή"):
    """Assign, sign «no conflict», open the form."""
    a = services.assignment_create(actor=actor, application_id=app.pk, evaluator_id=evaluator.pk, role=role)
    services.conflict_declaration_sign(actor=evaluator, assignment_id=a.pk, has_conflict=False, confirm=True)
    return services.evaluation_open(actor=evaluator, assignment_id=a.pk)


def fill_all(evaluation, evaluator, *, negatives=()):
    for spec in fcfs.CRITERIA:
        value = "no" if spec.code in negatives else "yes"
        services.finding_save(
            actor=evaluator, evaluation_id=evaluation.pk, criterion_code=spec.code, value=value,
            justification=f"Αιτιολόγηση κριτηρίου {spec.code}" if value == "no" else "",
        )  # fmt: skip


def evaluated(app, evaluator, *, negatives=()):
    ev = open_form(app, evaluator)
    fill_all(ev, evaluator, negatives=negatives)
    return services.evaluation_submit(actor=evaluator, evaluation_id=ev.pk)


def sign_declaration_for_second_level(app, supervisor):
    """Give the second level to `supervisor` (replacing the automatic pick) and sign «no conflict»."""
    a = Assignment.objects.filter(
        application=app, evaluator=supervisor, role=Assignment.Role.SECOND_LEVEL
    ).first()
    if a is None:
        for other in Assignment.objects.filter(application=app, role=Assignment.Role.SECOND_LEVEL,
                                               state__in=Assignment.OPEN_STATES):  # fmt: skip
            services.assignment_withdraw(actor=supervisor, assignment_id=other.pk, reason="ανάθεση σε άλλον")
        a = services.assignment_create(actor=supervisor, application_id=app.pk, evaluator_id=supervisor.pk,
                                       role=Assignment.Role.SECOND_LEVEL)  # fmt: skip
    services.conflict_declaration_sign(actor=supervisor, assignment_id=a.pk, has_conflict=False, confirm=True)
    return a


def approved_and_notified(app, evaluator, supervisor, capture):
    """Evaluate positively, review, sign: the approval is published and its notice sent."""
    from evaluation.models import Decision

    with capture(execute=True):
        ev = evaluated(app, evaluator)
        sign_declaration_for_second_level(app, supervisor)
        services.second_level_review(actor=supervisor, evaluation_id=ev.pk, outcome="agree")
    approval = Decision.objects.get(application=app, kind=Decision.Kind.APPROVAL)
    with capture(execute=True):
        services.decision_sign(actor=supervisor, decision_id=approval.pk, confirm=True)
    approval.refresh_from_db()
    return approval
