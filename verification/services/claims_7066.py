"""ΚΥΑ 7066 two-month claim (Art. 8.1–8.2): the business files one verification request (ΔΔΔ, kind
PERIOD) per two-month period of employment, within 90 days of its end, with one item per
participant-month: rate × min(days worked, 25) / 25 (Art. 5.1.3).

Lives in verification/ (above operations/ in the layers) so it can read the operation's hires.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.selectors import user_business_roles
from calls.gaps import gap_value
from calls.models import RequiredAttachment
from operations.models import Hire, Operation
from operations.rules import hires as rules
from operations.services.hires import full_month_days, headcount_check_run
from opske import audit
from opske.errors import ApplicationError, Conflict, NotFound, ValidationFailed
from verification.models import ClaimMonth, ExpenditureItem, RequestAttachment, VerificationRequest
from verification.rules import claims_7066 as claim_rules
from verification.selection import flag_for_desk_check
from verification.services import requests as request_services

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
    first: bool = False  # the operation's first claim (Art. 8.2 §1(iii))
    final: bool = False  # the operation's last claim (Art. 8.2 §3)

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
    # The first claim is the first one filed (or, before any, the one being filed); the final one
    # the operation's last period (Art. 8.2 §1(iii), §3).
    first_filed = min(filed) if filed else None
    last_number = periods[-1].number if periods else 0
    return [
        dataclasses.replace(
            p,
            first=(p.start == first_filed) if first_filed else True,
            final=p.number == last_number,
        )
        for p in periods
    ]


def claim_period_get(operation: Operation, number: int) -> Period:
    period = next((p for p in claim_periods(operation) if p.number == number), None)
    if period is None:
        raise NotFound("Το δίμηνο δεν βρέθηκε.")
    return period


def claim_timing(operation: Operation, period: Period, today: datetime.date) -> claim_rules.Timing:
    """Art. 8.1 with the call's reading of a late claim (`late_payment_request`)."""
    call = operation.call
    return claim_rules.claim_timing(
        period_end=period.end,
        today=today,
        late_policy=gap_value(call.config, "late_payment_request"),
        programme_ends_on=call.expenditure_eligibility_end,
    )


def _validated(operation: Operation, period: Period, days: dict[str, int], today: datetime.date):
    timing = claim_timing(operation, period, today)
    if timing.refused:
        raise ValidationFailed(timing.message, code=timing.code, fields={"period": [timing.message]})
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


# --- the claim's documents (Art. 8.2, Annex 5) ---------------------------------------------------


def claim_documents(operation: Operation, period: Period) -> list[RequiredAttachment]:
    """The call's documents of a claim («Αίτημα καταβολής ενίσχυσης») that apply to this one: the
    IBAN document only with the first claim, the §3 declaration only with the final one."""
    return [
        r
        for r in request_services.payment_documents(operation.call)
        if claim_rules.claim_document_applies(r.applies_to, first=period.first, final=period.final)
    ]


def claim_draft(operation: Operation, period: Period) -> VerificationRequest | None:
    """The period's claim being prepared: where its documents are kept until it is filed."""
    return (
        VerificationRequest.objects.filter(
            operation=operation,
            kind=VerificationRequest.Kind.PERIOD,
            period_start=period.start,
            state=VerificationRequest.State.DRAFT,
        )
        .order_by("pk")
        .first()
    )


def _next_seq(operation: Operation) -> int:
    return (VerificationRequest.objects.filter(operation=operation).aggregate(m=Max("seq"))["m"] or 0) + 1


def claim_document_upload(*, actor, operation_id: int, period_number: int, required_attachment_id, file):
    """Attach one of the claim's documents before filing (kept on the period's draft claim, so a
    refused filing loses nothing). The file is checked as every verification request's is."""
    operation = _operation_for_member(actor, operation_id)
    period = claim_period_get(operation, period_number)
    if period.request is not None:
        raise Conflict(
            "Η αίτηση καταβολής του διμήνου έχει ήδη υποβληθεί· υποβάλλεται μία ανά δίμηνο "
            "(ΚΥΑ 7066 Άρθ. 8.1).",
            code="claim_duplicate",
        )
    try:
        required_id = int(required_attachment_id)
    except (TypeError, ValueError):
        raise ValidationFailed(fields={"file": ["Άγνωστο δικαιολογητικό."]}) from None
    if required_id not in {r.pk for r in claim_documents(operation, period)}:
        raise ValidationFailed(
            "Το δικαιολογητικό δεν ζητείται σε αυτή την αίτηση (ΚΥΑ 7066 Άρθ. 8.2).",
            fields={f"doc_{required_id}": ["Το δικαιολογητικό δεν ζητείται σε αυτή την αίτηση."]},
        )
    with transaction.atomic():
        Operation.objects.select_for_update().filter(pk=operation.pk).first()
        draft = claim_draft(operation, period)
        if draft is None:
            draft = VerificationRequest.objects.create(
                operation=operation,
                seq=_next_seq(operation),
                kind=VerificationRequest.Kind.PERIOD,
                period_start=period.start,
                period_end=period.end,
                created_by=actor,
            )
        try:
            return request_services.attachment_upload(
                actor=actor, request_id=draft.pk, file=file, required_attachment_id=required_id
            )
        except ApplicationError as exc:
            raise ValidationFailed(
                exc.message,
                code=exc.code,
                fields={f"doc_{required_id}": exc.fields.get("file") or [exc.message]},
            ) from None


def claim_document_files(operation: Operation, period: Period) -> dict[int, list[RequestAttachment]]:
    """The current files of the period's draft claim, by required document."""
    draft = claim_draft(operation, period) if period.request is None else period.request
    if draft is None:
        return {}
    files: dict[int, list[RequestAttachment]] = {}
    for a in RequestAttachment.objects.filter(request=draft, is_current=True).order_by("pk"):
        files.setdefault(a.required_attachment_id, []).append(a)
    return files


def claim_missing_documents(operation: Operation, period: Period) -> dict[str, list[str]]:
    """Art. 8.2: the mandatory documents of this claim with no file, as field errors."""
    files = claim_document_files(operation, period)
    return {
        f"doc_{r.pk}": [
            f"Επισυνάψτε το δικαιολογητικό {r.opske_code} «{r.name}» ({r.citation or 'ΚΥΑ 7066 Άρθ. 8.2'})."
        ]
        for r in claim_documents(operation, period)
        if r.mandatory and not files.get(r.pk)
    }


def _operation_for_member(actor, operation_id) -> Operation:
    operation = Operation.objects.select_related("business", "call").filter(pk=operation_id).first()
    if (
        operation is None
        or operation.business_id is None
        or not user_business_roles(actor, operation.business)
    ):
        raise NotFound("Η πράξη δεν βρέθηκε.")
    return operation


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
    operation = _operation_for_member(actor, operation_id)
    period = claim_period_get(operation, period_number)
    counted = _validated(operation, period, days, today)
    missing = claim_missing_documents(operation, period)
    if missing:
        raise ValidationFailed(
            next(iter(missing.values()))[0], code="claim_documents_missing", fields=missing
        )
    timing = claim_timing(operation, period, today)
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
        request = claim_draft(operation, period)
        if request is None:
            request = VerificationRequest.objects.create(
                operation=operation,
                seq=_next_seq(operation),
                kind=VerificationRequest.Kind.PERIOD,
                period_start=period.start,
                period_end=period.end,
                created_by=actor,
            )
        request = VerificationRequest.objects.select_for_update().get(pk=request.pk)
        request.is_final = period.final
        if timing.late:  # «flag»: filed, and the warning follows the claim to its payment
            request.warnings = [*request.warnings, {"code": timing.code, "message": timing.message}]
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
            after={
                "period": [period.start, period.end],
                "items": len(counted),
                "declared_total": total,
                "first": period.first,
                "final": period.final,
                "late": timing.late,
            },
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
