"""Completion of an operation and its long-term obligations (Πρόσκληση 004 §13, §14.2, §14.3)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from evaluation.services import applicant_users
from operations.models import Obligation, ObligationCheck, Operation
from operations.rules import obligations as rules
from operations.services.core import CALL_DEADLINE, IMPLEMENTATION_END
from opske import audit
from opske.deadlines import deadline_cancel, deadline_handler, deadline_schedule
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opske.notifications import notify

CHECK_DUE = "operations.obligation_check_due"
COMPLETE_ROLES = (Role.PROGRAMME_ADMIN, Role.SUPERVISOR)
CHECK_ROLES = (Role.PROGRAMME_ADMIN, Role.SUPERVISOR, Role.VERIFIER)


def operation_complete(*, actor, operation_id: int, final_payment_on: datetime.date) -> Operation:
    """Mark the operation completed at its final payment (Πρόσκληση 004 §13: the completion
    certificate «ορίζει την ακριβή ημερομηνία έναρξης των μακροχρόνιων υποχρεώσεων»), which starts
    the 3 years of §14.2 with one check a year on the deadline engine (§14.3.1)."""
    if not actor.has_role(*COMPLETE_ROLES):
        raise PermissionDenied("Την ολοκλήρωση της πράξης καταχωρίζει ο/η προϊστάμενος/η ή ο διαχειριστής.")
    if final_payment_on is None:
        raise ValidationFailed(
            "Δηλώστε την ημερομηνία της τελικής πληρωμής.", fields={"final_payment_on": "Υποχρεωτικό πεδίο."}
        )
    if final_payment_on > timezone.localdate():
        raise ValidationFailed(
            "Η τελική πληρωμή δεν μπορεί να είναι μελλοντική.",
            fields={"final_payment_on": "Η ημερομηνία δεν μπορεί να είναι μετά τη σημερινή."},
        )
    with transaction.atomic():
        op = (
            Operation.objects.select_for_update()
            .select_related("call", "application")
            .filter(pk=operation_id)
            .first()
        )
        if op is None:
            raise NotFound("Δεν βρέθηκε η πράξη.")
        if op.state != Operation.State.ACTIVE:
            raise Conflict("Η πράξη δεν βρίσκεται σε υλοποίηση.")
        if final_payment_on < op.starts_on:
            raise ValidationFailed(
                "Η τελική πληρωμή δεν μπορεί να προηγείται της έναρξης.",
                fields={"final_payment_on": f"Η πράξη ξεκίνησε στις {op.starts_on:%d/%m/%Y}."},
            )
        op.complete()
        op.completed_on = final_payment_on
        op.save(update_fields=["state", "completed_on"])
        deadline_cancel(obj=op, kind=IMPLEMENTATION_END, actor=actor, reason="Η πράξη ολοκληρώθηκε")
        deadline_cancel(obj=op, kind=CALL_DEADLINE, actor=actor, reason="Η πράξη ολοκληρώθηκε")
        years = rules.long_term_years(op.call.evaluation_method)
        obligation = None
        if years:
            plan = rules.long_term_plan(final_payment_on=final_payment_on, years=years)
            obligation = Obligation.objects.create(
                operation=op,
                kind=Obligation.Kind.LONG_TERM,
                starts_on=plan.starts_on,
                ends_on=plan.ends_on,
                items=list(rules.CALL004_LONG_TERM_ITEMS),
                citation="Πρόσκληση 004 §14.2, §14.3",
            )
            for year, due in enumerate(plan.check_dates, 1):
                check = ObligationCheck.objects.create(obligation=obligation, year=year, due_on=due)
                deadline_schedule(obj=check, kind=CHECK_DUE, due_at=due, actor=actor, payload={"year": year})
        audit.record(
            actor=actor,
            action="operations.operation.completed",
            obj=op,
            before={"state": Operation.State.ACTIVE},
            after={"state": op.state, "completed_on": final_payment_on,
                   "long_term_until": obligation.ends_on if obligation else None},
        )  # fmt: skip
        if obligation is not None:
            notify(
                recipients=applicant_users(op.application),
                subject=f"Ολοκλήρωση της πράξης {op.code}: μακροχρόνιες υποχρεώσεις",
                body=(
                    f"Η πράξη {op.code} ολοκληρώθηκε με τελική πληρωμή στις {final_payment_on:%d/%m/%Y}. "
                    f"Οι μακροχρόνιες υποχρεώσεις ισχύουν έως {obligation.ends_on:%d/%m/%Y} "
                    "(Πρόσκληση 004 §14.2) και ελέγχονται κάθε έτος (§14.3)."
                ),
                kind="operations.operation_completed",
                obj=op,
                actor=actor,
            )
    return op


def obligation_check_record(*, actor, check_id: int, kept: bool, reason: str) -> ObligationCheck:
    """Record a yearly check's outcome. A breach is recorded with its reason; the pro-rata
    correction and recovery it leads to (§14.3.3, §14.2 sanctions) is a later step."""
    if not actor.has_role(*CHECK_ROLES):
        raise PermissionDenied("Δεν έχετε ρόλο ελέγχου μακροχρόνιων υποχρεώσεων.")
    reason = (reason or "").strip()
    if not kept and not reason:
        raise ValidationFailed(
            "Περιγράψτε την παράβαση.", fields={"reason": "Η αιτιολόγηση της παράβασης είναι υποχρεωτική."}
        )
    with transaction.atomic():
        check = ObligationCheck.objects.select_for_update().filter(pk=check_id).first()
        if check is None:
            raise NotFound("Δεν βρέθηκε ο έλεγχος.")
        if not check.is_open:
            raise Conflict("Ο έλεγχος έχει ήδη καταχωριστεί.")
        obligation = Obligation.objects.select_for_update().get(pk=check.obligation_id)
        before = check.outcome
        check.outcome = ObligationCheck.Outcome.KEPT if kept else ObligationCheck.Outcome.BREACHED
        check.reason = reason
        check.checked_by = actor
        check.checked_at = timezone.now()
        check.save()
        if not kept:
            obligation.state = Obligation.State.BREACHED
        elif (
            not obligation.checks.exclude(pk=check.pk)
            .filter(
                outcome__in=[
                    ObligationCheck.Outcome.SCHEDULED,
                    ObligationCheck.Outcome.DUE,
                    ObligationCheck.Outcome.BREACHED,
                ]
            )
            .exists()
            and obligation.state == Obligation.State.RUNNING
        ):
            obligation.state = Obligation.State.FULFILLED
        obligation.save(update_fields=["state"])
        deadline_cancel(obj=check, kind=CHECK_DUE, actor=actor, reason="Καταχωρίστηκε ο έλεγχος")
        audit.record(
            actor=actor,
            action="operations.obligation_check.recorded",
            obj=check,
            before={"outcome": before},
            after={"outcome": check.outcome, "obligation_state": obligation.state, "year": check.year},
            reason=reason,
        )
    return check


@deadline_handler(CHECK_DUE)
def obligation_check_falls_due(deadline, check) -> None:
    """The yearly check's date passed: it shows as due on the staff pages (§14.3.1)."""
    if check is None or check.outcome != ObligationCheck.Outcome.SCHEDULED:
        return
    check.outcome = ObligationCheck.Outcome.DUE
    check.save(update_fields=["outcome"])
    audit.record(actor=None, action="operations.obligation_check.due", obj=check, after={"year": check.year})
