"""Επιλαχούσες: budget freed in an FCFS pool goes to the waiting applications in priority order.

ΚΥΑ 7066 evaluates «με τη σειρά υποβολής» and funds down that order until an area's pool runs out
(Art. 7.3); an application that arrives once the pool is used up waits as a reserve. When money comes
back into the pool (a withdrawal, a rejection, an approval for less than was held, a re-edit), it
must reach the earliest waiting application first, never whichever one happens to finish
evaluation next. So every service that releases a reservation calls `reserves_promote` in the same
transaction, and FCFS funding of an application that holds too little goes through it as well.

Order is strict: promotion stops at the first waiting application the free budget cannot cover
(no part-funding by default, Art. 7.3 [GAP] in the calls' settings), so a later, smaller request never
jumps the queue. Decided applications (approved-not-funded) are not in this queue: funding them
later needs a supplementary decision, which the evaluation layer would issue.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import F

from applications.models import Application
from calls.services import pool_reserve
from opske import audit
from opske.errors import Conflict

WAITING = (Application.Status.RESERVE, Application.Status.SUBMITTED, Application.Status.UNDER_EVALUATION)
AUDIT_FIELDS = ["status", "reserved_amount"]


def reserves_promote(*, pool_id: int, actor=None) -> list[Application]:
    """Cover the earliest under-covered waiting applications of `pool_id` from its free budget.

    Runs in the caller's transaction; the waiting rows are locked in priority order, so two
    releases at once promote the same application once.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reserves_promote() must run inside the transaction that freed the budget")
    waiting = (
        Application.objects.select_for_update(of=("self",))
        .filter(
            pool_id=pool_id,
            status__in=WAITING,
            priority_seq__isnull=False,
            reserved_amount__lt=F("requested_amount"),
        )
        .order_by("priority_seq")
    )
    promoted = []
    for app in waiting:
        missing = app.requested_amount - app.reserved_amount
        if missing <= Decimal("0"):
            continue
        try:
            with transaction.atomic():
                pool_reserve(pool_id=pool_id, amount=missing)
        except Conflict as exc:
            if exc.code != "pool_exhausted":
                raise
            break
        before = audit.snapshot(app, AUDIT_FIELDS)
        app.reserved_amount = app.requested_amount
        if app.status == Application.Status.RESERVE:
            app.promote_from_reserve()
        app.save(update_fields=["status", "reserved_amount"])
        audit.record(
            actor=actor,
            action="application.promoted_from_reserve",
            obj=app,
            before=before,
            after=audit.snapshot(app, AUDIT_FIELDS),
            reason="Αποδεσμεύτηκε προϋπολογισμός· σειρά προτεραιότητας (ΚΥΑ 7066 Άρθ. 7.3)",
        )
        promoted.append(app)
    return promoted
