"""Modification requests: filed by the beneficiary's coordinator, decided by the supervisor.

The rules (kind, when a request may be filed, what it may change) are in
operations.rules.modifications; this module gathers the facts, applies them and writes.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Membership, Role
from evaluation.services import applicant_users, notice_addresses_for
from operations import hooks
from operations.models import Modification, Operation, OperationBudgetLine
from operations.rules import modifications as rules
from operations.services.core import (
    budget_of,
    initial_budget,
    programme_of,
    schedule_call_deadlines,
    schedule_implementation_end,
    version_record,
)
from opske import audit
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opske.notifications import notify

NOTICE_KIND = "operations.modification_decided"
RECEIPT_KIND = "operations.modification_filed"
CITATION = {"call004": "Πρόσκληση 004 §12.3", "kya7066": "ΚΥΑ 7066 Άρθ. 9.2 ΙΙ"}


def types_for(operation: Operation) -> dict[str, tuple[str, str]]:
    configured = ((operation.call.config or {}).get("implementation") or {}).get("modification_types")
    return rules.modification_types(programme_of(operation.call), configured)


def may_file_modifications(*, user, operation: Operation) -> bool:
    """Πρόσκληση 004 §12: «από τον συντονιστή»; ΚΥΑ 7066 Art. 9.1: the business, through its
    coordinator (Art. 6.2, 8.1). Only an active coordinator of the beneficiary files."""
    if not operation.business_id or not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(
        business_id=operation.business_id,
        user=user,
        state=Membership.State.ACTIVE,
        role=Membership.BusinessRole.COORDINATOR,
    ).exists()


def _open_modification(operation: Operation, *, exclude_pk=None) -> bool:
    qs = Modification.objects.filter(operation=operation, state=Modification.State.SUBMITTED)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def _check_budget(*, operation: Operation, proposed: dict[str, Decimal]) -> None:
    verdict = rules.check_budget_change(
        initial=initial_budget(operation), proposed=proposed, programme=programme_of(operation.call)
    )
    if not verdict.ok:
        raise ValidationFailed(
            verdict.problems[0].message, code="modification_budget_limits", fields=verdict.fields()
        )


def modification_file(
    *,
    actor,
    operation_id: int,
    type_code: str,
    reason: str,
    budget: dict[str, Decimal] | None = None,
    extension_days: int | None = None,
    extension_ground: str = "",
) -> Modification:
    """Record a modification request (ΚΥΑ 7066 Art. 9.1; Πρόσκληση 004 §12) with its receipt.

    The operation's row is locked first, so two requests filed at once are checked one after the
    other and «only when no other request is in progress» holds.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        op = Operation.objects.select_for_update().select_related("call").filter(pk=operation_id).first()
        if op is None:
            raise NotFound("Δεν βρέθηκε η πράξη.")
        if not may_file_modifications(user=actor, operation=op):
            raise PermissionDenied("Αίτημα τροποποίησης υποβάλλει ο συντονιστής του δικαιούχου.")
        if op.state != Operation.State.ACTIVE:
            raise Conflict("Η πράξη δεν βρίσκεται σε υλοποίηση· δεν δέχεται αιτήματα τροποποίησης.")
        programme = programme_of(op.call)
        types = types_for(op)
        if type_code not in types:
            raise ValidationFailed(
                "Επιλέξτε το είδος της τροποποίησης.", fields={"type_code": "Επιλέξτε είδος."}
            )
        if not reason:
            raise ValidationFailed(
                "Αιτιολογήστε την αναγκαιότητα της τροποποίησης.",
                fields={"reason": "Η αιτιολόγηση είναι υποχρεωτική (Πρόσκληση 004 §12, ΚΥΑ 7066 Άρθ. 9.1)."},
            )
        today = timezone.localdate()
        if op.ends_on and today > op.ends_on:
            raise Conflict(
                f"Η υλοποίηση έληξε στις {op.ends_on:%d/%m/%Y}· αιτήματα τροποποίησης υποβάλλονται έως "
                "τη λήξη της (Πρόσκληση 004 §12)."
            )
        severity = types[type_code][0]
        verdict = rules.may_file(
            severity=severity,
            other_modification_open=_open_modification(op),
            payment_request_open=hooks.payment_request_open(op),
            citation=CITATION[programme],
        )
        if not verdict.ok:
            raise Conflict(
                verdict.problems[0].message, code="modification_action_open", fields=verdict.fields()
            )
        changes: dict = {}
        if type_code in rules.BUDGET_TYPES:
            if not budget:
                raise ValidationFailed("Συμπληρώστε τον νέο προϋπολογισμό ανά κατηγορία.")
            budget = {c: a for c, a in budget.items() if a is not None}
            _check_budget(operation=op, proposed=budget)
            current = budget_of(op)
            changes["budget"] = {
                c: {"from": f"{current.get(c, Decimal('0.00')):.2f}", "to": f"{a:.2f}"}
                for c, a in sorted(budget.items())
            }
        if type_code == "extension":
            ext = rules.check_extension(days=extension_days, ground=extension_ground)
            if not ext.ok:
                raise ValidationFailed(ext.problems[0].message, fields=ext.fields())
            changes["extension"] = {"days": extension_days, "ground": extension_ground}
        number = (Modification.objects.filter(operation=op).aggregate(n=Max("number"))["n"] or 0) + 1
        mod = Modification.objects.create(
            operation=op,
            number=number,
            protocol_number=f"ΑΤ-{op.code}-{number}",
            severity=severity,
            type_code=type_code,
            reason=reason,
            changes=changes,
            submitted_by=actor,
        )
        audit.record(
            actor=actor,
            action="operations.modification.filed",
            obj=mod,
            after={"operation": op.code, "protocol_number": mod.protocol_number, "type_code": type_code,
                   "severity": severity, "changes": changes},
        )  # fmt: skip
        notify(
            recipients=[actor],
            subject=f"Απόδειξη υποβολής αιτήματος τροποποίησης {mod.protocol_number}",
            body=(
                f"Το αίτημα τροποποίησης {mod.protocol_number} της πράξης {op.code} "
                f"({types[type_code][1]}) υποβλήθηκε στις "
                f"{timezone.localtime(mod.submitted_at):%d/%m/%Y %H:%M}."
            ),
            kind=RECEIPT_KIND,
            obj=mod,
            actor=actor,
        )
    return mod


def _apply(*, actor, mod: Modification, op: Operation) -> None:
    """Write the approved changes on the operation and freeze them as its next version."""
    before = {"ends_on": op.ends_on, "no_dismissal_until": op.no_dismissal_until, "budget": {
        c: f"{a:.2f}" for c, a in budget_of(op).items()}}  # fmt: skip
    budget = (mod.changes or {}).get("budget")
    if budget:
        proposed = {c: Decimal(v["to"]) for c, v in budget.items()}
        _check_budget(operation=op, proposed=proposed)
        for category, amount in proposed.items():
            line = OperationBudgetLine.objects.filter(operation=op, category=category).first()
            if line is None:
                OperationBudgetLine.objects.create(operation=op, category=category, amount=amount)
            else:
                line.amount = amount
                line.save(update_fields=["amount"])
    extension = (mod.changes or {}).get("extension")
    if extension:
        moved = rules.apply_extension(
            ends_on=op.ends_on, no_dismissal_until=op.no_dismissal_until, total=op.approved_total,
            days=int(extension["days"]),
        )  # fmt: skip
        op.ends_on, op.no_dismissal_until = moved.ends_on, moved.no_dismissal_until
        op.save(update_fields=["ends_on", "no_dismissal_until"])
        schedule_implementation_end(operation=op, actor=actor)
        schedule_call_deadlines(operation=op, actor=actor)
    version = version_record(operation=op, modification=mod)
    audit.record(
        actor=actor,
        action="operations.operation.versioned",
        obj=op,
        before=before,
        after={"version": version.number, "ends_on": op.ends_on, "no_dismissal_until": op.no_dismissal_until,
               "budget": {row["category"]: row["amount"] for row in version.budget}},
        reason=f"Τροποποίηση {mod.protocol_number}",
    )  # fmt: skip


def modification_decide(
    *, actor, modification_id: int, approve: bool, reason: str, characterisation: str = ""
) -> Modification:
    """The supervisor approves or rejects with reasons (Πρόσκληση 004 §12.5; ΚΥΑ 7066 Art. 9.1,
    9.3); at approval staff characterise it for Guidance Ο.3 factor 16 (Α.23 exogenous / Α.24
    necessary). An approved request versions the operation's approved data."""
    if not actor.has_role(Role.SUPERVISOR):
        raise PermissionDenied("Την απόφαση επί αιτήματος τροποποίησης εκδίδει ο/η προϊστάμενος/η.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Αιτιολογήστε την απόφαση.", fields={"reason": "Η αιτιολόγηση είναι υποχρεωτική."}
        )
    if approve and characterisation not in Modification.Characterisation.values:
        raise ValidationFailed(
            "Χαρακτηρίστε την τροποποίηση (Α.23 / Α.24).",
            fields={"characterisation": "Επιλέξτε χαρακτηρισμό (Οδηγός Ο.3, παράγοντας 16)."},
        )
    with transaction.atomic():
        mod = Modification.objects.select_for_update().filter(pk=modification_id).first()
        if mod is None:
            raise NotFound("Δεν βρέθηκε το αίτημα τροποποίησης.")
        op = (
            Operation.objects.select_for_update()
            .select_related("call", "application")
            .get(pk=mod.operation_id)
        )
        if mod.state != Modification.State.SUBMITTED:
            raise Conflict("Το αίτημα έχει ήδη κριθεί.")
        if approve:
            mod.approve()
            mod.characterisation = characterisation
        else:
            mod.reject()
        mod.decided_by = actor
        mod.decided_at = timezone.now()
        if not approve and rules.objection_allowed(programme=programme_of(op.call), severity=mod.severity):
            mod.objection_deadline = objection_deadline_for(op, notified_on=timezone.localdate())
        mod.decision_reason = reason
        mod.save()
        if approve:
            _apply(actor=actor, mod=mod, op=op)
        audit.record(
            actor=actor,
            action="operations.modification.approved" if approve else "operations.modification.rejected",
            obj=mod,
            before={"state": Modification.State.SUBMITTED},
            after={"state": mod.state, "characterisation": mod.characterisation if approve else ""},
            reason=reason,
        )
        label = types_for(op).get(mod.type_code, ("", mod.type_code))[1]
        outcome = "εγκρίθηκε" if approve else "απορρίφθηκε"
        lines = [
            f"Το αίτημα τροποποίησης {mod.protocol_number} της πράξης {op.code} ({label}) {outcome}.",
            f"Αιτιολογία: {reason}",
        ]
        if mod.objection_deadline:
            lines.append(
                "Μπορείτε να υποβάλετε αντιρρήσεις στην πύλη έως και τις "
                f"{mod.objection_deadline:%d/%m/%Y} (Πρόσκληση 004 §12.5, ΚΥΑ 7066 Άρθ. 9.3)."
            )
        elif not approve:
            lines.append("Μπορείτε να υποβάλετε νέο αίτημα (Πρόσκληση 004 §12.2).")
        notify(
            recipients=applicant_users(op.application),
            addresses=notice_addresses_for(op.application),
            subject=f"Απόφαση επί του αιτήματος τροποποίησης {mod.protocol_number}",
            body="\n".join(lines),
            kind=NOTICE_KIND,
            obj=mod,
            legal=True,
            actor=actor,
        )
    return mod


# --- objections to a rejection -------------------------------------------------------------------


def objection_deadline_for(operation: Operation, *, notified_on):
    """10 calendar days from the day after the notice (ΚΥΑ 7066 Art. 9.3; Πρόσκληση 004 §12.5: the
    call's «modification_objection» row when it has one)."""
    from calls.models import CallDeadline
    from opske.calendar import deadline_end

    row = CallDeadline.objects.filter(
        call_id=operation.call_id, kind=CallDeadline.Kind.MODIFICATION_OBJECTION
    ).first()
    days = row.length if row and row.unit == CallDeadline.Unit.DAYS else rules.MODIFICATION_OBJECTION_DAYS
    return deadline_end(
        notified_on,
        days,
        kind=row.counting if row else "calendar",
        start_next_day=True,
        roll_to_working_day=bool(row and row.roll_to_working_day),
    )


def modification_object(*, actor, modification_id: int, text: str) -> Modification:
    """The beneficiary objects to a rejection, once, within the deadline."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("Γράψτε τις αντιρρήσεις σας.", fields={"text": "Υποχρεωτικό πεδίο."})
    with transaction.atomic():
        mod = Modification.objects.select_for_update().filter(pk=modification_id).first()
        if mod is None:
            raise NotFound("Δεν βρέθηκε το αίτημα τροποποίησης.")
        op = Operation.objects.select_related("call").get(pk=mod.operation_id)
        if not may_file_modifications(user=actor, operation=op):
            raise PermissionDenied("Αντιρρήσεις υποβάλλει ο συντονιστής του δικαιούχου.")
        if mod.state != Modification.State.REJECTED or mod.objection_deadline is None:
            raise Conflict("Δεν είναι δυνατή η υποβολή αντιρρήσεων για αυτό το αίτημα.")
        if not rules.objection_is_timely(today=timezone.localdate(), last_day=mod.objection_deadline):
            raise Conflict(f"Η προθεσμία αντιρρήσεων έληξε στις {mod.objection_deadline:%d/%m/%Y}.")
        mod.object()
        mod.objection_text = text
        mod.objected_at = timezone.now()
        mod.save()
        audit.record(
            actor=actor, action="operations.modification.objected", obj=mod,
            before={"state": Modification.State.REJECTED}, after={"state": mod.state, "text": text},
        )  # fmt: skip
        notify(
            recipients=[actor],
            subject=f"Απόδειξη υποβολής αντιρρήσεων για το αίτημα {mod.protocol_number}",
            body=f"Οι αντιρρήσεις σας υποβλήθηκαν στις {timezone.localtime(mod.objected_at):%d/%m/%Y %H:%M}.",
            kind=RECEIPT_KIND,
            obj=mod,
            actor=actor,
        )
    return mod


def modification_objection_decide(*, actor, modification_id: int, uphold: bool, reason: str) -> Modification:
    """The Head decides on the objections (ΚΥΑ 7066 Art. 9.3); upheld, the request is approved and
    versions the operation (Πρόσκληση 004 §12.5: «επικαιροποιείται το Τεχνικό Παράρτημα»)."""
    if not actor.has_role(Role.SUPERVISOR):
        raise PermissionDenied("Επί των αντιρρήσεων αποφασίζει ο/η προϊστάμενος/η.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Αιτιολογήστε την απόφαση.", fields={"reason": "Η αιτιολόγηση είναι υποχρεωτική."}
        )
    with transaction.atomic():
        mod = Modification.objects.select_for_update().filter(pk=modification_id).first()
        if mod is None:
            raise NotFound("Δεν βρέθηκε το αίτημα τροποποίησης.")
        op = (
            Operation.objects.select_for_update()
            .select_related("call", "application")
            .get(pk=mod.operation_id)
        )
        if mod.state != Modification.State.OBJECTED:
            raise Conflict("Δεν εκκρεμούν αντιρρήσεις για αυτό το αίτημα.")
        if uphold:
            mod.uphold_objection()
        else:
            mod.dismiss_objection()
        mod.objection_decided_at = timezone.now()
        mod.objection_reason = reason
        mod.save()
        if uphold:
            _apply(actor=actor, mod=mod, op=op)
        audit.record(
            actor=actor, action="operations.modification.objection_decided", obj=mod,
            before={"state": Modification.State.OBJECTED}, after={"state": mod.state}, reason=reason,
        )  # fmt: skip
        notify(
            recipients=applicant_users(op.application),
            addresses=notice_addresses_for(op.application),
            subject=f"Απόφαση επί των αντιρρήσεων για το αίτημα τροποποίησης {mod.protocol_number}",
            body=(
                f"Οι αντιρρήσεις για το αίτημα {mod.protocol_number} της πράξης {op.code} "
                f"{'έγιναν δεκτές· το αίτημα εγκρίνεται' if uphold else 'απορρίφθηκαν'}.\n"
                f"Αιτιολογία: {reason}"
            ),
            kind=NOTICE_KIND,
            obj=mod,
            legal=True,
            actor=actor,
        )
    return mod
