"""The one write evaluation/ makes on an application: move it along its FSM with its audit event.

The transitions themselves are declared on `Application` (start_evaluation, approve,
approve_not_funded, reject) so the status graph stays one graph; this function locks the row,
fires the transition and records the event in the caller's transaction. The budget side
(reservation → commitment) is the caller's, through `calls.services.pool_*`.

`reopen_after_objection`: an accepted objection sends a rejected / not-funded application back to
evaluation (ΚΥΑ 7066 Art. 7.5: «νέος προενταξιακός έλεγχος»), through
`Application.reopen_for_reexamination`.
"""

from __future__ import annotations

from django.db import transaction
from django_fsm import can_proceed

from applications.models import Application
from opske import audit
from opske.errors import Conflict, NotFound

TRANSITIONS = {
    "start_evaluation": "application.evaluation_started",
    "approve": "application.approved",
    "approve_not_funded": "application.approved_not_funded",
    "reject": "application.rejected",
    "reopen_for_reexamination": "application.reopened_after_objection",
}
# The name evaluation/ uses for the re-examination move.
ALIASES = {"reopen_after_objection": "reopen_for_reexamination"}
FIELDS = ["status", "reserved_amount"]


def application_evaluation_transition(
    *, actor, application_id: int, transition: str, reason: str = "", reserved_amount=None
) -> Application:
    """Fire `transition` on the application (locked), optionally setting `reserved_amount`."""
    transition = ALIASES.get(transition, transition)
    if transition not in TRANSITIONS:
        raise ValueError(f"unknown evaluation transition {transition!r}")
    with transaction.atomic():
        app = Application.objects.select_for_update(of=("self",)).filter(pk=application_id).first()
        if app is None:
            raise NotFound("Η αίτηση δεν βρέθηκε.")
        before = audit.snapshot(app, FIELDS)
        fire = getattr(app, transition)
        if not can_proceed(fire):
            raise Conflict(
                f"Η αίτηση {app} είναι «{app.get_status_display()}»· η ενέργεια δεν επιτρέπεται.",
                code="application_state",
            )
        fire()
        if reserved_amount is not None:
            app.reserved_amount = reserved_amount
        app.save()
        action = TRANSITIONS[transition]
        audit.record(
            actor=actor,
            action=action,
            obj=app,
            before=before,
            after=audit.snapshot(app, FIELDS),
            reason=reason,
        )
    return app
