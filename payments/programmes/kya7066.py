"""ΚΥΑ 7066 (fcfs_direct): the payment of one two-month claim (αίτηση καταβολής ενίσχυσης).

The claim is a verification request of kind PERIOD with one item per participant-month
(verification/services/claims_7066.py). When its result becomes final (Art. 8.5) the payment is:

1. each participant-month at rate × min(days, 25) / 25 (Art. 5.1.3), recomputed here from the
   month's days and rate, and never above what the desk check accepted (`eligible_amount`;
   an item not sampled is accepted as declared, Ο.3 §4.3.2);
2. less the participant's first tranche when the entry questionnaire was not completed by the
   claim's date, and the last tranche when the exit questionnaire was not (for an early exit:
   within 4 weeks of leaving) (Art. 7.4, 8.6) — each exclusion touches only the tranche it gates;
3. less months after the participant's last day of work (Art. 10.4) and everything when the
   business has stopped operating (Art. 8.6: «να μην έχει διακόψει τη λειτουργία της»);
4. capped at the approved total (less positions cut under Art. 10.4α) minus what the operation's
   other payments already paid or opened (Art. 9.2 ΙΙ «χωρίς αύξηση του προϋπολογισμού», 10.3).

Each exclusion is a negative line with its article, and a warning, so the amount is reproducible
from the breakdown. Not checked here: the tax and social-security clearance above the threshold of
Art. 8.2 §2 (the financial services check it ex officio at payment; a warning says so) and the
business's operation beyond the registry status recorded for its ΑΦΜ (`Business.is_active`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from operations.rules.hires import FULL_MONTH_DAYS, month_amount, served_months
from operations.rules.questionnaires import exit_due_on, questionnaire_gate
from opske.money import format_eur
from payments.programmes import Line, PaymentPlan, register

ZERO = Decimal("0.00")
CLEARANCE_THRESHOLD = Decimal("10000.00")  # Art. 8.2 §2, 8.6 (call config `clearance_threshold`)


@dataclass(frozen=True)
class MonthClaim:
    """One participant-month of the claim, as filed and as the desk check accepted it."""

    hire_id: int
    label: str
    month_number: int
    month_start: datetime.date
    days: int
    rate: Decimal
    claimed: Decimal
    accepted: Decimal | None = None  # the item's eligible amount after the desk check


@dataclass(frozen=True)
class Participant:
    """What the gates need to know of one participant of the claim."""

    hire_id: int
    label: str
    first_tranche: bool  # the claim holds the participant's subsidy month 1
    last_tranche: bool  # the claim holds the participant's last month (12th, or the month of leaving)
    entry_completed_on: datetime.date | None = None
    exit_completed_on: datetime.date | None = None
    left_on: datetime.date | None = None  # the participant's last day of work, if they left
    early_exit: bool = False  # left before the end of the 12 months (Art. 7.4: 4 weeks for the exit form)


@dataclass(frozen=True)
class Budget:
    approved_total: Decimal  # Σ 12 × rate per position, less positions cut (Art. 10.4α)
    already: Decimal = ZERO  # the operation's other payments, paid or opened


@dataclass
class _Plan:
    lines: list[Line] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


def month_line(m: MonthClaim, *, full_month_days: int = FULL_MONTH_DAYS) -> tuple[Line, str]:
    """Art. 5.1.3 for one participant-month, within what the desk check accepted."""
    formula = month_amount(m.rate, m.days, full_month_days=full_month_days)
    warning = ""
    if m.claimed != formula:
        warning = (
            f"{m.label}: το ποσό της αίτησης ({format_eur(m.claimed)}) δεν αντιστοιχεί στον κανόνα "
            f"{format_eur(m.rate)} × {min(m.days, full_month_days)}/{full_month_days} = "
            f"{format_eur(formula)} "
            "(ΚΥΑ 7066 Άρθ. 5.1.3)· λαμβάνεται το μικρότερο."
        )
    amount = min(formula, m.claimed)
    citation = "ΚΥΑ 7066 Άρθ. 5.1.3"
    if m.accepted is not None and m.accepted < amount:
        amount = m.accepted
        citation += ", 8.5 (αποδεκτό διαχείρισης)"
    detail = {
        "hire": m.hire_id,
        "month": m.month_number,
        "days": m.days,
        "counted_days": min(m.days, full_month_days),
        "rate": f"{m.rate:.2f}",
        "formula": f"{formula:.2f}",
        "claimed": f"{m.claimed:.2f}",
    }
    label = f"{m.label}: {m.days} ημέρες × {format_eur(m.rate)}/{full_month_days}"
    return Line(label, amount, citation, detail), warning


def questionnaire_exclusion(p: Participant, *, request_date: datetime.date) -> str:
    """Why a participant's tranche in this claim is not paid (Art. 7.4, 8.6), or "" when it is.

    The entry form gates the first tranche, the exit form the last; an early leaver has until
    4 weeks after leaving to fill the exit form, whichever of that and the claim's date is later.
    """
    reasons = []
    if p.first_tranche:
        gate = questionnaire_gate(
            tranche=1, last_tranche=2, request_date=request_date,
            entry_completed_on=p.entry_completed_on, exit_completed_on=None,
        )  # fmt: skip
        if not gate.payable:
            reasons.append(
                f"το απογραφικό δελτίο εισόδου δεν συμπληρώθηκε έως και την υποβολή της αίτησης "
                f"({request_date:%d/%m/%Y}) — πρώτο δίμηνο"
            )
    if p.last_tranche:
        limit = request_date
        if p.early_exit and p.left_on is not None:
            limit = max(request_date, exit_due_on(p.left_on))
        gate = questionnaire_gate(
            tranche=2, last_tranche=2, request_date=limit,
            entry_completed_on=None, exit_completed_on=p.exit_completed_on,
        )  # fmt: skip
        if not gate.payable:
            when = (
                f"έως 4 εβδομάδες από την αποχώρηση ({limit:%d/%m/%Y})"
                if limit > request_date
                else f"έως και την υποβολή της αίτησης ({request_date:%d/%m/%Y})"
            )
            reasons.append(f"το απογραφικό δελτίο εξόδου δεν συμπληρώθηκε {when} — τελευταίο δίμηνο")
    if not reasons:
        return ""
    return f"Δεν καταβάλλεται το δίμηνο της {p.label}: " + "· ".join(reasons) + " (ΚΥΑ 7066 Άρθ. 7.4, 8.6)."


def claim_plan(
    *,
    months: Iterable[MonthClaim],
    participants: Iterable[Participant],
    request_date: datetime.date,
    budget: Budget,
    full_month_days: int = FULL_MONTH_DAYS,
    business_active: bool = True,
    clearance_threshold: Decimal = CLEARANCE_THRESHOLD,
    carried_warnings: Iterable[str] = (),
) -> tuple[list[Line], list[str]]:
    """The payment lines and warnings of one two-month claim. Pure: plain values in, lines out.

    E3: one 01.23 month of 20 days → 663,60 €. E5: 01.22 months of 25 and 22 days → 2.227,80 €.
    E12: a 01.22 first tranche without the entry form → 2.370,00 € − 2.370,00 € = 0,00 €.
    """
    months = list(months)
    plan = _Plan(warnings=list(carried_warnings))
    by_hire: dict[int, Decimal] = {}
    for m in months:
        line, warning = month_line(m, full_month_days=full_month_days)
        plan.lines.append(line)
        by_hire[m.hire_id] = by_hire.get(m.hire_id, ZERO) + line.amount
        if warning:
            plan.warnings.append(warning)

    for p in participants:
        reason = questionnaire_exclusion(p, request_date=request_date)
        if reason and by_hire.get(p.hire_id):
            plan.lines.append(
                Line(
                    f"Αποκλεισμός δίμηνου: {p.label}",
                    -by_hire[p.hire_id],
                    "ΚΥΑ 7066 Άρθ. 7.4, 8.6",
                    {"hire": p.hire_id, "excluded": "questionnaire"},
                )
            )
            plan.warnings.append(reason)
            by_hire[p.hire_id] = ZERO
        if p.left_on is not None:
            after = [m for m in months if m.hire_id == p.hire_id and m.month_start > p.left_on]
            cut = min(sum((m.claimed for m in after), ZERO), by_hire.get(p.hire_id, ZERO))
            if cut > 0:
                plan.lines.append(
                    Line(
                        f"Μήνες μετά την αποχώρηση ({p.left_on:%d/%m/%Y}): {p.label}",
                        -cut,
                        "ΚΥΑ 7066 Άρθ. 10.4",
                        {"hire": p.hire_id, "excluded": "after_leaving"},
                    )
                )
                by_hire[p.hire_id] -= cut

    if not business_active and plan.total > 0:
        plan.lines.append(
            Line(
                "Η επιχείρηση έχει διακόψει τη λειτουργία της (ΑΦΜ ανενεργός)",
                -plan.total,
                "ΚΥΑ 7066 Άρθ. 8.6",
                {"excluded": "business_inactive"},
            )
        )
        plan.warnings.append(
            "Δεν καταβάλλεται ενίσχυση: απαραίτητη προϋπόθεση είναι η επιχείρηση να μην έχει διακόψει "
            "τη λειτουργία της (ΚΥΑ 7066 Άρθ. 8.6)."
        )

    room = max(budget.approved_total - budget.already, ZERO)
    if plan.total > room:
        over = plan.total - room
        plan.lines.append(
            Line(
                f"Περικοπή στο υπόλοιπο του εγκεκριμένου προϋπολογισμού: {format_eur(budget.approved_total)} "
                f"− ήδη καταβληθέντα ή ανοιχτά {format_eur(budget.already)} = {format_eur(room)}",
                -over,
                "ΚΥΑ 7066 Άρθ. 9.2 ΙΙ, 10.3",
                {"excluded": "approved_total", "approved_total": f"{budget.approved_total:.2f}"},
            )
        )
        plan.warnings.append(
            f"Το ποσό περικόπηκε κατά {format_eur(over)}: οι πληρωμές της πράξης δεν υπερβαίνουν τον "
            f"εγκεκριμένο προϋπολογισμό {format_eur(budget.approved_total)} (ΚΥΑ 7066 Άρθ. 9.2 ΙΙ, 10.3)."
        )

    if budget.approved_total > clearance_threshold:
        plan.warnings.append(
            f"Η δημόσια δαπάνη της πράξης ({format_eur(budget.approved_total)}) υπερβαίνει τα "
            f"{format_eur(clearance_threshold)}: φορολογική και ασφαλιστική ενημερότητα αναζητούνται "
            "αυτεπάγγελτα από την Υποδιεύθυνση Οικονομικών Υπηρεσιών πριν την πληρωμή "
            "(ΚΥΑ 7066 Άρθ. 8.2 §2, 8.6)."
        )
    return plan.lines, plan.warnings


# --- the provider: reads the claim, its participants and the operation's payments -----------------


def _athens_date(value) -> datetime.date:
    from opske.dates import to_athens

    return to_athens(value).date()


def plan_for_claim(request) -> PaymentPlan | None:
    """The provider registered for «fcfs_direct»: the payment of a two-month claim."""
    from django.db.models import Sum

    from operations.models import ParticipantQuestionnaire
    from operations.services.hires import full_month_days
    from payments.models import Payment
    from payments.programmes import default_plan
    from verification.models import VerificationRequest

    if request.kind != VerificationRequest.Kind.PERIOD:
        return default_plan(request)
    operation = request.operation
    call = operation.call
    items = list(
        request.items.select_related("claim_month__hire__position").filter(claim_month__isnull=False)
    )
    if not items:
        return None
    months, hires = [], {}
    for item in items:
        cm = item.claim_month
        hires[cm.hire_id] = cm.hire
        months.append(
            MonthClaim(
                hire_id=cm.hire_id,
                label=f"Θέση {cm.hire.position.seq} ({cm.hire.category}) · μήνας {cm.month_number} "
                f"{cm.month_start:%d/%m}–{cm.month_end:%d/%m/%Y}",
                month_number=cm.month_number,
                month_start=cm.month_start,
                days=cm.days_worked,
                rate=cm.monthly_rate,
                claimed=item.amount,
                accepted=item.eligible_amount,
            )
        )
    forms = {
        (q.amka, q.kind): q.completed_on
        for q in ParticipantQuestionnaire.objects.filter(
            operation=operation, amka__in=[h.amka for h in hires.values()]
        )
    }
    participants = []
    for hire_id, hire in hires.items():
        own = [m for m in months if m.hire_id == hire_id]
        numbers = {m.month_number for m in own}
        last_month = max(own, key=lambda m: m.month_number)
        early = hire.left_on is not None and hire.months not in numbers
        participants.append(
            Participant(
                hire_id=hire_id,
                label=f"θέσης {hire.position.seq} ({hire.category}, πρόσληψη {hire.hire_date:%d/%m/%Y})",
                first_tranche=1 in numbers,
                # the 12th month, or for an early leaver the month holding the last day of work
                last_tranche=hire.months in numbers
                or (early and last_month.month_number == served_months(hire.hire_date, hire.left_on)),
                entry_completed_on=forms.get((hire.amka, ParticipantQuestionnaire.Kind.ENTRY)),
                exit_completed_on=forms.get((hire.amka, ParticipantQuestionnaire.Kind.EXIT)),
                left_on=hire.left_on,
                early_exit=early,
            )
        )
    cut = sum((p.cut_amount for p in operation.positions.all()), ZERO)
    already = (
        Payment.objects.filter(operation=operation)
        .exclude(state__in=[Payment.State.REJECTED, Payment.State.CANCELLED])
        .exclude(verification_request=request)
        .aggregate(s=Sum("amount"))["s"]
        or ZERO
    )
    business = operation.business
    lines, warnings = claim_plan(
        months=months,
        participants=participants,
        request_date=_athens_date(request.submitted_at or request.created_at),
        budget=Budget(approved_total=operation.approved_total - cut, already=already),
        full_month_days=full_month_days(call),
        business_active=business.is_active if business is not None else True,
        carried_warnings=[w.get("message", "") for w in request.warnings or [] if isinstance(w, dict)],
    )
    return PaymentPlan(kind=Payment.Kind.PERIOD, lines=tuple(lines), warnings=tuple(w for w in warnings if w))


register("fcfs_direct", plan_for_claim)
