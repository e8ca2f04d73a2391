"""Hand-over of approved comparative results to the common framework (evaluation.services).

§10.3: with the approval of the results, each application's data are finalised and its outcome
notified — funded ones approved (then included), the others rejected on evaluation or approved
but not funded for lack of budget. The decision objects, their PDF, Διαύγεια and the notification
that starts the 10-day objection window (§10.4) are the common framework's; this module only
maps a row of the §10.2 tables to them.
"""

from __future__ import annotations

from decimal import Decimal

from applications.evaluation_hooks import application_evaluation_transition
from applications.models import Application
from opske.errors import Conflict

TRANSITION_FOR = {
    "approval": "approve",
    "approved_not_funded": "approve_not_funded",
    "rejection": "reject",
}
STATUS_FOR = {
    "approval": Application.Status.APPROVED,
    "approved_not_funded": Application.Status.APPROVED_NOT_FUNDED,
    "rejection": Application.Status.REJECTED,
}


def decision_details(row: dict, run) -> dict:
    """The body of the decision: what §10.3 says the applicant learns."""
    return {
        "method": "comparative",
        "ranking_run": run.pk,
        "rank": row.get("rank"),
        "score": row.get("score"),
        "eligible_budget": row.get("eligible_budget"),
        "total_budget": row.get("total_budget"),
        "public_expenditure": row.get("public_expenditure"),
        "cuts": row.get("cuts", []),
        "reasons": row.get("reasons", []),
        "citation": "Πρόσκληση 004 §10.2–10.4",
    }


def issue_decision(*, actor, run, application_id: int, kind: str, row: dict) -> None:
    """Move the application to its outcome and draft its decision in the caller's transaction."""
    app = Application.objects.get(pk=application_id)
    if app.status == STATUS_FOR[kind]:
        return  # unchanged by a re-ranking: its decision stands
    if app.status != Application.Status.UNDER_EVALUATION:
        if app.status in (Application.Status.REJECTED, Application.Status.APPROVED_NOT_FUNDED):
            application_evaluation_transition(
                actor=actor,
                application_id=app.pk,
                transition="reopen_after_objection",
                reason=f"Νέα κατάταξη #{run.number} (Πρόσκληση 004 §10.4)",
            )
        else:
            raise Conflict(
                f"Η αίτηση {app} είναι «{app.get_status_display()}»· "
                "η νέα κατάταξη θα άλλαζε το αποτέλεσμά της. "
                "Εξετάστε αύξηση του προϋπολογισμού (προσομοίωση) πριν από την έγκριση.",
                code="outcome_would_revoke",
            )
    application_evaluation_transition(
        actor=actor,
        application_id=app.pk,
        transition=TRANSITION_FOR[kind],
        reason=f"Έγκριση αποτελεσμάτων, κατάταξη #{run.number} (Πρόσκληση 004 §10.3)",
        reserved_amount=Decimal(row["public_expenditure"]) if kind == "approval" else Decimal("0"),
    )
    _draft_decision(actor=actor, run=run, application=app, kind=kind, row=row)


SUBJECTS = {
    "approval": "Έγκριση χρηματοδότησης της αίτησης {app} (συγκριτική αξιολόγηση, «{call}»)",
    "approved_not_funded": "Απόρριψη της αίτησης {app} λόγω εξάντλησης του προϋπολογισμού («{call}»)",
    "rejection": "Απόρριψη της αίτησης {app} λόγω αρνητικής αξιολόγησης («{call}»)",
}


def _draft_decision(*, actor, run, application, kind: str, row: dict) -> None:
    """One DRAFT decision per application through the common service; the supervisor signs it,
    Διαύγεια gives its ΑΔΑ and the notification opens the 10-day objection window (§10.3-10.4)."""
    from evaluation import services as common
    from evaluation.models import Decision

    details = decision_details(row, run)
    if kind == "approved_not_funded":
        details["reasons"] = [
            "Η αίτηση πληροί τις προϋποθέσεις χρηματοδότησης αλλά δεν χωρά στον διαθέσιμο "
            "προϋπολογισμό της πρόσκλησης (Πρόσκληση 004 §10.2, πίνακας 3)."
        ]
    previous = (
        Decision.objects.filter(application=application)
        .exclude(state=Decision.State.SUPERSEDED)
        .order_by("-created_at", "-pk")
        .first()
    )
    if previous is not None:
        common.decision_supersede(actor=actor, decision=previous, reason=f"Νέα κατάταξη #{run.number}")
    common.decision_create(
        actor=actor,
        application=application,
        kind=kind,
        subject=SUBJECTS[kind].format(app=application, call=application.call.title),
        amount_total=Decimal(row["public_expenditure"]) if kind == "approval" else Decimal("0.00"),
        details=details,
        supersedes=previous,
    )
