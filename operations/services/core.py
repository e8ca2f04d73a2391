"""The start of an operation from the decision that funds it, its approved versions and its
implementation deadlines."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction

from calls.gaps import gap_value
from calls.models import Call, CallDeadline, ExpenseCategory, UnitRate
from evaluation.models import Decision
from operations.models import Operation, OperationBudgetLine, OperationVersion
from operations.rules import dates as date_rules
from operations.services.hires import positions_create_for_operation
from opske import audit
from opske.dates import ATHENS
from opske.deadlines import deadline_cancel, deadline_handler, deadline_schedule
from opske.notifications import notify

IMPLEMENTATION_END = "operations.implementation_end"
CALL_DEADLINE = "operations.call_deadline"
# Call deadline rows that run from the operation's T0 or its formal end and belong here (the
# hiring window is the hires area's; the duration row is the implementation end itself).
OPERATION_DEADLINE_KINDS = (CallDeadline.Kind.FIRST_VERIFICATION, CallDeadline.Kind.FINAL_VERIFICATION)
T0_ANCHORS = (CallDeadline.Anchor.APPROVAL, CallDeadline.Anchor.NOTIFICATION)
ZERO = Decimal("0.00")
KYA7066_HIRING_DAYS = 60  # ΚΥΑ 7066 Art. 7.4, when the call has no «hiring» deadline row


def starts_operation(*, method: str, kind: str) -> bool:
    """ΚΥΑ 7066 Art. 7.3, 2.18: the approval's notice is the grant date and starts implementation.
    Call 004 §6 (comparative): the inclusion decision is the legal commitment. ΚΥΑ 16936 funds
    placements, not operations (evaluation/points)."""
    if method == Call.EvaluationMethod.FCFS_DIRECT:
        return kind == Decision.Kind.APPROVAL
    if method == Call.EvaluationMethod.COMPARATIVE:
        return kind == Decision.Kind.INCLUSION
    return False


def programme_of(call: Call) -> str:
    """Which set of operation rules applies: call 004's (comparative) or ΚΥΑ 7066's."""
    return "call004" if call.evaluation_method == Call.EvaluationMethod.COMPARATIVE else "kya7066"


def _amount(value) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return None


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return moment.astimezone(ATHENS).date() if moment else None


def parse_iso_date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


# --- dates ---------------------------------------------------------------------------------------


def _approval_of(decision: Decision) -> Decision | None:
    """The approval of the results an inclusion decision follows (call 004 §10.3)."""
    number = (decision.details or {}).get("approval_decision")
    if not number:
        return None
    return Decision.objects.filter(protocol_number=number).first()


def operation_dates(*, call: Call, decision: Decision) -> tuple[datetime.date, datetime.date | None]:
    """(T0, end) of the operation `decision` starts, by the call's rules (operations.rules.dates)."""
    notified = _local_date(decision.notified_at) or datetime.date.today()
    config = call.config or {}
    if call.evaluation_method == Call.EvaluationMethod.COMPARATIVE:
        approval = _approval_of(decision)
        start = date_rules.implementation_start(
            gap_value(config, "implementation_start_anchor"),
            notified_on=_local_date(approval.notified_at) if approval and approval.notified_at else notified,
            approval_issued_on=_local_date(approval.signed_at) if approval else None,
            inclusion_issued_on=_local_date(decision.signed_at),
        )
        months = config.get("project_duration_months")
        if not months:
            return start, None
        return start, date_rules.implementation_end(
            start=start,
            duration_months=int(months),
            cap=parse_iso_date(config.get("implementation_end_cap")),
        )
    hiring = CallDeadline.objects.filter(call=call, kind=CallDeadline.Kind.HIRING).first()
    return notified, date_rules.subsidy_programme_end(
        start=notified,
        hiring_days=hiring.length
        if hiring and hiring.unit == CallDeadline.Unit.DAYS
        else KYA7066_HIRING_DAYS,
        subsidy_months=int(config.get("subsidy_months") or 12),
        cap=call.expenditure_eligibility_end,
    )


# --- approved budget -----------------------------------------------------------------------------


def approved_budget(*, call: Call, decision: Decision) -> list[dict]:
    """The approved budget per category: [{"category", "label", "amount"}].

    The decision's own «per_category» rows when it states them (ΚΥΑ 7066: per position category,
    Art. 5.1, 7.3). A call 004 decision of the comparative round states only the eligible total:
    then the application's budget lines per expense category after the committee's cuts (§7.5,
    §10.2: the cuts stay on the score sheet).
    """
    totals: dict[str, Decimal] = {}
    stated = (decision.details or {}).get("per_category") or []
    if call.evaluation_method == Call.EvaluationMethod.COMPARATIVE and not stated:
        from evaluation.comparative.models import BudgetCut

        lines = list(decision.application.budget_lines.all())
        cuts: dict[int, Decimal] = {}
        for cut in BudgetCut.objects.filter(line__application=decision.application):
            cuts[cut.line_id] = cuts.get(cut.line_id, ZERO) + cut.amount
        for line in lines:
            kept = max(line.amount - cuts.get(line.pk, ZERO), ZERO)
            totals[line.category] = totals.get(line.category, ZERO) + kept
        labels = dict(ExpenseCategory.objects.filter(call=call).values_list("code", "name"))
    else:
        for row in stated:
            amount = _amount(row.get("amount"))
            if row.get("category") and amount is not None:
                key = str(row["category"])
                totals[key] = totals.get(key, ZERO) + amount
        rows = ExpenseCategory if call.evaluation_method == Call.EvaluationMethod.COMPARATIVE else UnitRate
        labels = dict(
            rows.objects.filter(call=call).values_list("code", "name" if rows is ExpenseCategory else "label")
        )
    return [
        {"category": c, "label": labels.get(c, ""), "amount": f"{a:.2f}"} for c, a in sorted(totals.items())
    ]


def budget_of(operation: Operation) -> dict[str, Decimal]:
    return {line.category: line.amount for line in operation.budget_lines.all()}


def initial_budget(operation: Operation) -> dict[str, Decimal]:
    """The budget of version 1 (Πρόσκληση 004 §12.3: «του αρχικού» budget of each category)."""
    first = operation.versions.order_by("number").first()
    if first is None:
        return budget_of(operation)
    return {row["category"]: Decimal(row["amount"]) for row in first.budget}


def version_record(*, operation: Operation, modification=None, note: str = "") -> OperationVersion:
    """Freeze the operation's approved data as its next version."""
    last = operation.versions.order_by("-number").values_list("number", flat=True).first() or 0
    labels = {line.category: line.label for line in operation.budget_lines.all()}
    return OperationVersion.objects.create(
        operation=operation,
        number=last + 1,
        starts_on=operation.starts_on,
        ends_on=operation.ends_on,
        no_dismissal_until=operation.no_dismissal_until,
        approved_total=operation.approved_total,
        budget=[
            {"category": c, "label": labels.get(c, ""), "amount": f"{a:.2f}"}
            for c, a in sorted(budget_of(operation).items())
        ],
        modification=modification,
        note=note[:300],
    )


def schedule_implementation_end(*, operation: Operation, actor=None) -> None:
    """One pending «end of implementation» deadline, at the operation's current end."""
    deadline_cancel(obj=operation, kind=IMPLEMENTATION_END, actor=actor, reason="Νέα λήξη υλοποίησης")
    if operation.ends_on:
        deadline_schedule(
            obj=operation, kind=IMPLEMENTATION_END, due_at=operation.ends_on, actor=actor,
            payload={"ends_on": operation.ends_on.isoformat()},
        )  # fmt: skip


def schedule_call_deadlines(*, operation: Operation, actor=None) -> None:
    """The call's deadlines counted from this operation's T0 or formal end, on the deadline engine
    (e.g. Πρόσκληση 004 §11.1.Α: first verification request, final verification request)."""
    deadline_cancel(obj=operation, kind=CALL_DEADLINE, actor=actor, reason="Νέες ημερομηνίες πράξης")
    rows = CallDeadline.objects.filter(call_id=operation.call_id, kind__in=OPERATION_DEADLINE_KINDS)
    for row in rows:
        if row.anchor in T0_ANCHORS:
            anchor_on = operation.starts_on
        elif row.anchor == CallDeadline.Anchor.FORMAL_END:
            anchor_on = operation.ends_on
        else:
            continue
        if anchor_on is None:
            continue
        due = date_rules.call_deadline_due(
            anchor_on=anchor_on, length=row.length, unit=row.unit, counting=row.counting,
            roll=row.roll_to_working_day,
        )  # fmt: skip
        payload = {"kind": row.kind, "label": row.label or row.get_kind_display(), "citation": row.citation}
        deadline_schedule(obj=operation, kind=CALL_DEADLINE, due_at=due, actor=actor, payload=payload)


def operation_start_from_decision(*, decision: Decision) -> Operation | None:
    """Create the operation of a notified funding decision; a second notice changes nothing."""
    app = decision.application
    call = app.call
    if not starts_operation(method=call.evaluation_method, kind=decision.kind):
        return None
    with transaction.atomic():
        existing = Operation.objects.filter(application=app).first()
        if existing is not None:
            return existing
        starts_on, ends_on = operation_dates(call=call, decision=decision)
        budget = approved_budget(call=call, decision=decision)
        lines_total = sum((Decimal(row["amount"]) for row in budget), ZERO)
        comparative = call.evaluation_method == Call.EvaluationMethod.COMPARATIVE
        op = Operation.objects.create(
            application=app,
            call=call,
            decision=decision,
            code=f"ΠΡΞ-{app.protocol_number or app.pk}",
            title=decision.subject[:400],
            business=app.business,
            # Call 004: the budget is the eligible (subsidised) one, the aid is its public part.
            approved_total=lines_total if comparative and lines_total else decision.amount_total,
            public_expenditure=decision.amount_total,
            starts_on=starts_on,
            ends_on=ends_on,
            # ΚΥΑ 7066 Art. 10.1, 9.2 Ι.iii: staff are kept for the whole implementation.
            no_dismissal_until=None if comparative else ends_on,
            management_body=call.implementing_body
            or (call.programme.managing_authority if call.programme_id else ""),
        )
        for row in budget:
            OperationBudgetLine.objects.create(
                operation=op,
                category=row["category"],
                label=row["label"][:300],
                amount=Decimal(row["amount"]),
            )
        version_record(operation=op)
        schedule_implementation_end(operation=op)
        schedule_call_deadlines(operation=op)
        audit.record(
            actor=None,
            action="operations.operation.started",
            obj=op,
            after={"code": op.code, "decision": decision.protocol_number, "starts_on": op.starts_on,
                   "ends_on": op.ends_on, "approved_total": op.approved_total, "budget": budget},
        )  # fmt: skip
        positions_create_for_operation(operation=op)
    return op


@deadline_handler(CALL_DEADLINE)
def call_deadline_passed(deadline, operation) -> None:
    """The day passed: the row shows as past on the operation page. What missing it means is
    decided where the act is filed (verification), not here."""
    if operation is not None:
        audit.record(
            actor=None, action="operations.call_deadline.passed", obj=operation,
            after={"kind": deadline.payload.get("kind"), "due_at": deadline.due_at},
        )  # fmt: skip


@deadline_handler(IMPLEMENTATION_END)
def implementation_period_ended(deadline, operation) -> None:
    """The formal end passed: the beneficiary is told what follows (Πρόσκληση 004 §11.1.Α: the
    final verification request within 30 days; ΚΥΑ 7066 Art. 8.1: the last two-month claims)."""
    if operation is None or operation.state != Operation.State.ACTIVE:
        return
    from evaluation.services import applicant_users

    audit.record(
        actor=None, action="operations.operation.implementation_ended", obj=operation,
        after={"ends_on": operation.ends_on},
    )  # fmt: skip
    notify(
        recipients=applicant_users(operation.application),
        subject=f"Λήξη της περιόδου υλοποίησης της πράξης {operation.code}",
        body=(
            f"Η περίοδος υλοποίησης της πράξης {operation.code} έληξε στις {operation.ends_on:%d/%m/%Y}. "
            "Υποβάλετε το τελικό αίτημα επαλήθευσης / καταβολής εντός της προθεσμίας της πρόσκλησης."
        ),
        kind="operations.implementation_ended",
        obj=operation,
    )


def operation_extend(*, actor, operation_id: int, new_end: datetime.date, reason: str) -> Operation:
    """Record a call 004 extension granted by amending the call (2nd amendment Α.1: «με e-mail
    προς τον ΕΦ», not an ΟΠΣΚΕ modification request): the end moves, never past the call's cap, and
    the operation gets a new version."""
    from accounts.models import Role
    from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

    if not actor.has_role(Role.PROGRAMME_ADMIN, Role.SUPERVISOR):
        raise PermissionDenied("Την παράταση καταχωρίζει ο/η προϊστάμενος/η ή ο διαχειριστής.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Σημειώστε την τροποποίηση της πρόσκλησης που χορηγεί την παράταση.",
                               fields={"reason": "Υποχρεωτικό πεδίο."})  # fmt: skip
    with transaction.atomic():
        op = Operation.objects.select_for_update().select_related("call").filter(pk=operation_id).first()
        if op is None:
            raise NotFound("Δεν βρέθηκε η πράξη.")
        if op.state != Operation.State.ACTIVE or programme_of(op.call) != "call004":
            raise Conflict(
                "Η παράταση με τροποποίηση της πρόσκλησης αφορά πράξεις της Πρόσκλησης 004 σε υλοποίηση."
            )
        problem = date_rules.extension_problem(
            current_end=op.ends_on,
            requested_end=new_end,
            cap=parse_iso_date((op.call.config or {}).get("implementation_end_cap")),
        )
        if problem:
            raise ValidationFailed(problem, fields={"new_end": problem})
        before = op.ends_on
        op.ends_on = new_end
        op.save(update_fields=["ends_on"])
        schedule_implementation_end(operation=op, actor=actor)
        schedule_call_deadlines(operation=op, actor=actor)
        version = version_record(operation=op, note=f"Παράταση: {reason}")
        audit.record(
            actor=actor, action="operations.operation.extended", obj=op,
            before={"ends_on": before}, after={"ends_on": new_end, "version": version.number}, reason=reason,
        )  # fmt: skip
    return op
