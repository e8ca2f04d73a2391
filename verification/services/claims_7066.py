"""ΚΥΑ 7066 two-month claim (Art. 8.1–8.2): the business files one verification request (ΔΔΔ, kind
PERIOD) per two-month period of employment, within 90 days of its end, with one item per
participant-month: rate × min(days worked, 25) / 25 (Art. 5.1.3).

Lives in verification/ (above operations/ in the layers) so it can read the operation's hires.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.selectors import user_business_roles
from operations.models import Hire, Operation
from operations.rules import hires as rules
from operations.services.hires import full_month_days, headcount_check_run
from opske import audit
from opske.errors import ApplicationError, Conflict, NotFound, ValidationFailed
from verification.models import ClaimMonth, ExpenditureItem, VerificationRequest
from verification.selection import flag_for_desk_check

logger = logging.getLogger(__name__)
SCO_TYPE = "unit_cost"  # ΚΥΑ 7066 Art. 5.1.1: a simplified unit cost


@dataclass(frozen=True)
class ClaimLine:
    hire: Hire
    month: rules.SubsidyMonth
    max_days: int  # calendar days of the month inside the employment (ΕΡΓΑΝΗ Ε3 / leaving)

    @property
    def key(self) -> str:
        return f"days_{self.hire.pk}_{self.month.number}"


@dataclass(frozen=True)
class Period:
    number: int
    start: datetime.date
    end: datetime.date
    deadline: datetime.date
    lines: tuple[ClaimLine, ...]
    request: VerificationRequest | None

    @property
    def ended(self) -> bool:
        return timezone.localdate() > self.end

    @property
    def late(self) -> bool:
        return timezone.localdate() > self.deadline


def _hires(operation: Operation) -> list[Hire]:
    return list(
        Hire.objects.filter(operation=operation).select_related("position").order_by("hire_date", "pk")
    )


def claim_periods(operation: Operation) -> list[Period]:
    """The operation's two-month periods from its first hire, each with the participant-months that
    end inside it (so every subsidy month belongs to exactly one claim)."""
    hires = _hires(operation)
    if not hires:
        return []
    anchor = hires[0].hire_date
    months = [
        (h, m)
        for h in hires
        for m in rules.subsidy_months(h.hire_date, h.months)
        if not h.left_on or m.start <= h.left_on
    ]
    last_end = max(m.end for _, m in months)
    filed = {
        r.period_start: r
        for r in VerificationRequest.objects.filter(
            operation=operation, kind=VerificationRequest.Kind.PERIOD
        ).exclude(state=VerificationRequest.State.DRAFT)
    }
    periods, number = [], 1
    while True:
        start, end = rules.claim_period(anchor, number)
        if start > last_end:
            break
        lines = tuple(
            ClaimLine(h, m, rules.employed_days(m, hire_date=h.hire_date, left_on=h.left_on))
            for h, m in months
            if start <= m.end <= end
        )
        periods.append(Period(number, start, end, rules.claim_deadline(end), lines, filed.get(start)))
        number += 1
    return periods


def claim_period_get(operation: Operation, number: int) -> Period:
    period = next((p for p in claim_periods(operation) if p.number == number), None)
    if period is None:
        raise NotFound("Το δίμηνο δεν βρέθηκε.")
    return period


def _validated(operation: Operation, period: Period, days: dict[str, int], today: datetime.date):
    problem = rules.claim_timing_problem(period_end=period.end, today=today)
    if problem:
        raise ValidationFailed(problem.message, code=problem.code, fields={problem.field: [problem.message]})
    if period.request is not None:
        raise Conflict(
            "Έχει ήδη υποβληθεί αίτηση καταβολής για το δίμηνο "
            f"{period.start:%d/%m/%Y}–{period.end:%d/%m/%Y}· "
            "υποβάλλεται μία ανά δίμηνο (ΚΥΑ 7066 Άρθ. 8.1).",
            code="claim_duplicate",
        )
    if not period.lines:
        raise ValidationFailed("Δεν υπάρχουν μήνες απασχόλησης στο δίμηνο.", code="claim_empty")
    errors: dict[str, list[str]] = {}
    counted: list[tuple[ClaimLine, int]] = []
    for line in period.lines:
        raw = days.get(line.key)
        try:
            value = int(str(raw).strip())
        except (TypeError, ValueError):
            errors[line.key] = ["Συμπληρώστε τις ημέρες απασχόλησης του μήνα (ακέραιος αριθμός)."]
            continue
        if value < 0:
            errors[line.key] = ["Οι ημέρες δεν μπορεί να είναι αρνητικές."]
        elif value > line.month.days:
            errors[line.key] = [
                f"Ο μήνας {line.month.start:%d/%m}–{line.month.end:%d/%m/%Y} έχει {line.month.days} ημέρες."
            ]
        elif value > line.max_days:
            errors[line.key] = [
                f"Σύμφωνα με το ΕΡΓΑΝΗ (Ε3 {line.hire.hire_date:%d/%m/%Y}"
                + (f", αποχώρηση {line.hire.left_on:%d/%m/%Y}" if line.hire.left_on else "")
                + f") η απασχόληση στον μήνα είναι έως {line.max_days} ημέρες."
            ]
        else:
            counted.append((line, value))
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, code="claim_days_invalid", fields=errors)
    return counted


def line_label(line: ClaimLine) -> str:
    return (
        f"Θέση {line.hire.position.seq} ({line.hire.category}) · μήνας {line.month.number} "
        f"{line.month.start:%d/%m}–{line.month.end:%d/%m/%Y}"
    )


def claim_preview(*, operation: Operation, period: Period, days: dict[str, int], today=None):
    """What the claim will declare, line by line, before the business confirms (nothing written)."""
    full = full_month_days(operation.call)
    counted = _validated(operation, period, days, today or timezone.localdate())
    return [
        (
            f"{line_label(line)}: {value} ημέρες",
            rules.month_amount(line.hire.monthly_rate, value, full_month_days=full),
        )
        for line, value in counted
    ]


def claim_submit(
    *, actor, operation_id: int, period_number: int, days: dict[str, int], today: datetime.date | None = None
) -> VerificationRequest:
    """File the claim of one two-month period; refused when late, early, already filed or when the
    days do not fit the month or the employment. On submission the desk-check selection runs."""
    today = today or timezone.localdate()
    operation = Operation.objects.select_related("business", "call").filter(pk=operation_id).first()
    if (
        operation is None
        or operation.business_id is None
        or not user_business_roles(actor, operation.business)
    ):
        raise NotFound("Η πράξη δεν βρέθηκε.")
    period = claim_period_get(operation, period_number)
    counted = _validated(operation, period, days, today)
    full = full_month_days(operation.call)

    with transaction.atomic():
        Operation.objects.select_for_update().filter(pk=operation.pk).first()  # one filing at a time
        if (
            VerificationRequest.objects.filter(
                operation=operation, kind=VerificationRequest.Kind.PERIOD, period_start=period.start
            )
            .exclude(state=VerificationRequest.State.DRAFT)
            .exists()
        ):
            raise Conflict(
                "Έχει ήδη υποβληθεί αίτηση καταβολής για το δίμηνο "
                f"{period.start:%d/%m/%Y}–{period.end:%d/%m/%Y}· "
                "υποβάλλεται μία ανά δίμηνο (ΚΥΑ 7066 Άρθ. 8.1).",
                code="claim_duplicate",
            )
        seq = (VerificationRequest.objects.filter(operation=operation).aggregate(m=Max("seq"))["m"] or 0) + 1
        request = VerificationRequest.objects.create(
            operation=operation,
            seq=seq,
            kind=VerificationRequest.Kind.PERIOD,
            period_start=period.start,
            period_end=period.end,
            created_by=actor,
        )
        total = Decimal("0.00")
        for line, value in counted:
            amount = rules.month_amount(line.hire.monthly_rate, value, full_month_days=full)
            total += amount
            item = ExpenditureItem.objects.create(
                request=request,
                category=line.hire.category,
                document_number=f"Θέση {line.hire.position.seq} · μήνας {line.month.number}",
                document_date=line.month.end,
                amount=amount,
                sco_type=SCO_TYPE,
            )
            ClaimMonth.objects.create(
                item=item,
                hire=line.hire,
                month_number=line.month.number,
                month_start=line.month.start,
                month_end=line.month.end,
                days_worked=value,
                days_source=ClaimMonth.DaysSource.ENTERED,
                monthly_rate=line.hire.monthly_rate,
            )
        request.declared_total = total
        request.submitted_at = timezone.now()
        request.submit()
        request.save()
        flag_for_desk_check(request=request)
        audit.record(
            actor=actor,
            action="verification.claim_7066.submitted",
            obj=request,
            after={"period": [period.start, period.end], "items": len(counted), "declared_total": total},
        )
    # Art. 10.1: the committed staff is checked against ΕΡΓΑΝΗ for every period claimed. A registry
    # that does not answer does not hold up the claim: staff run the check again from the operation.
    try:
        headcount_check_run(
            actor=actor, operation_id=operation.pk, period_start=period.start, period_end=period.end
        )
    except ApplicationError:
        logger.warning("headcount check of %s for %s–%s not done", operation.code, period.start, period.end)
    return request


def claim_get_for_user(*, user, pk) -> VerificationRequest:
    """A filed claim its business (or staff) may see; another business's is a 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("Η αίτηση δεν βρέθηκε.") from None
    request = (
        VerificationRequest.objects.select_related("operation__business", "operation__call")
        .prefetch_related("items__claim_month")
        .filter(pk=pk, kind=VerificationRequest.Kind.PERIOD)
        .first()
    )
    if request is None:
        raise NotFound("Η αίτηση δεν βρέθηκε.")
    from operations.selectors_hires import operation_get_for_user

    operation_get_for_user(user=user, pk=request.operation_id)
    return request
