"""Deadline handlers and notice hooks of evaluation/, registered when the app is ready."""

from __future__ import annotations

from applications.hooks import on_submission_recorded
from opske.deadlines import SWEEPER_ACTOR, deadline_handler
from opske.notifications import notify, on_notice_sent


@on_notice_sent("evaluation.decision")
def decision_notice_sent(notification) -> None:
    """The e-mail's sending time is the legal service time (ΚΥΑ 7066 Art. 7.3)."""
    from evaluation.services import decision_record_notified

    decision_record_notified(decision_id=int(notification.object_id), sent_at=notification.sent_at)


@on_submission_recorded
def assign_after_submission(application) -> None:
    """ΚΥΑ 7066 Art. 7.1α, 7.2: the call's «assignment» setting decides (evaluation.rules.assignment)."""
    from evaluation.services import enqueue_assignment_on_submission

    enqueue_assignment_on_submission(application)


@deadline_handler("evaluation.clarification_expired")
def clarification_expired(deadline, clarification) -> None:
    """ΚΥΑ 7066 Art. 7.1β: no reply within the deadline → the application is rejected."""
    from evaluation.services import clarification_expire

    if clarification is not None:
        clarification_expire(clarification=clarification)


@deadline_handler("evaluation.objection_window_closed")
def objection_window_closed(deadline, decision) -> None:
    """The result becomes final if no objection was filed; the fired deadline is the record."""


@deadline_handler("evaluation.objection_decision_due")
def objection_decision_due(deadline, objection) -> None:
    """The examination period ended without a decision: tell the supervisors."""
    from evaluation.services import _supervisors

    if objection is None or not objection.is_open:
        return
    notify(
        recipients=_supervisors(),
        subject=f"Έληξε η προθεσμία απόφασης επί ένστασης ({objection.application})",
        body=f"Η ένσταση κατά της απόφασης {objection.decision.protocol_number} έπρεπε να κριθεί έως "
        f"{objection.decision_due:%d/%m/%Y}.",
        kind="evaluation.objection_overdue",
        obj=objection,
        actor=SWEEPER_ACTOR,
    )
