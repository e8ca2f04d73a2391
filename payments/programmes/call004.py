"""Πρόσκληση 004 (evaluation method «comparative»): the payment a final verification result gives.

The facts come from the operation (approved budget, the cluster's size, the advance and its
guarantee, earlier payments) and from the verification request (eligible amounts per expense
category); `payments.rules_call004` decides. An interim certification pays its public aid less
the part that offsets the advance, within the 80% ceiling and the two interim payments
(§11.3.Α–Β); a final request is paid only after the operation's completion (§11.3.Γ, §13), by
`payments.services.call004.final_payment_open`, as the rest of the public aid on the final
certified eligible cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from opske.dates import to_athens
from payments import rules_call004 as rules
from payments.programmes import Line, PaymentPlan, register

ZERO = Decimal("0.00")
FINAL_RESULT_STATES = ("accepted", "closed", "accepted_no_check")
LIVE_EXCLUDED = ("rejected", "cancelled")


def categories_of(call) -> dict[str, dict]:
    return {
        c.code: {
            "code": c.code,
            "gber_article": c.gber_article,
            "aid_intensity_percent": c.aid_intensity_percent,
            "intensity_table": c.intensity_table,
        }
        for c in call.expense_categories.all()
    }


def size_of(operation) -> str:
    """The cluster entity's size as determined at evaluation (Παρ. ΙΙ; applications' data)."""
    return (operation.application.data or {}).get("enterprise_size") or "small"


def research_of(operation) -> dict[str, list[tuple[str, bool]]]:
    out: dict[str, list[tuple[str, bool]]] = {}
    for line in operation.application.budget_lines.all():
        if line.research_type:
            out.setdefault(line.category, []).append((line.research_type, line.dissemination))
    return out


def aid_lines(operation, eligible_by_category: dict[str, Decimal]) -> list[rules.AidLine]:
    return rules.category_aid(
        eligible_by_category,
        categories_of(operation.call),
        size=size_of(operation),
        research=research_of(operation),
    )


def public_funding(operation) -> tuple[Decimal, str]:
    """The approved public funding (the decision's, within the §7.2 aid of the approved budget)."""
    budget = {line.category: line.amount for line in operation.budget_lines.all()}
    return rules.approved_public_funding(
        operation.public_expenditure, rules.total_aid(aid_lines(operation, budget))
    )


def eligible_of(request) -> tuple[dict[str, Decimal], list[str]]:
    """The verified eligible amount per category: each item's eligible amount (its declared net
    amount where no result was recorded), brought down to the request's «αποδεκτό διαχείρισης»
    pro rata when corrections outside the items (e.g. an extrapolated error) lowered it."""
    by_category: dict[str, Decimal] = {}
    for item in request.items.all():
        value = item.eligible_amount if item.eligible_amount is not None else item.amount
        by_category[item.category] = by_category.get(item.category, ZERO) + value
    total = sum(by_category.values(), ZERO)
    warnings = []
    accepted = request.accepted_total
    if accepted is not None and total > 0 and accepted < total:
        factor = accepted / total
        by_category = {c: rules.money(v * factor) for c, v in by_category.items()}
        drift = rules.money(accepted - sum(by_category.values(), ZERO))
        if drift and by_category:
            last = sorted(by_category)[-1]
            by_category[last] += drift
        warnings.append(
            f"Το «αποδεκτό διαχείρισης» ({rules.format_eur(accepted)}) είναι μικρότερο από το άθροισμα των "
            f"επιλέξιμων δαπανών ({rules.format_eur(total)}): κατανέμεται αναλογικά στις κατηγορίες."
        )
    return by_category, warnings


@dataclass(frozen=True)
class Position:
    """Where the operation's money stands before a certification (payments not rejected/cancelled)."""

    public_funding: Decimal
    funding_warning: str
    advance: Decimal
    advance_payment_id: int | None
    offset_before: Decimal
    interim_paid_before: Decimal
    interim_count_before: int
    paid_total: Decimal


def position(operation, *, exclude_request=None) -> Position:
    from payments.models import GuaranteeReduction, Payment

    funding, warning = public_funding(operation)
    live = Payment.objects.filter(operation=operation).exclude(state__in=LIVE_EXCLUDED)
    if exclude_request is not None:
        live = live.exclude(verification_request=exclude_request)
    advance = live.filter(kind=Payment.Kind.ADVANCE).first()
    interim = list(live.filter(kind=Payment.Kind.INTERIM).values_list("amount", flat=True))
    reductions = GuaranteeReduction.objects.filter(guarantee__operation=operation)
    if exclude_request is not None:
        reductions = reductions.exclude(verification_request=exclude_request)
    return Position(
        public_funding=funding,
        funding_warning=warning,
        advance=advance.amount if advance else ZERO,
        advance_payment_id=advance.pk if advance else None,
        offset_before=sum((r.amount for r in reductions), ZERO),
        interim_paid_before=sum(interim, ZERO),
        interim_count_before=len(interim),
        paid_total=sum(live.values_list("amount", flat=True), ZERO),
    )


def _aid_line(a: rules.AidLine) -> Line:
    return Line(
        a.label,
        a.aid,
        a.citation,
        {"category": a.category, "eligible": f"{a.eligible:.2f}", "percent": str(a.percent), "note": a.note},
    )


@dataclass(frozen=True)
class Certification:
    aid: list[rules.AidLine]
    outcome: rules.InterimOutcome
    warnings: list[str]


def certification(request) -> Certification:
    """The public aid of one request and what it pays as an interim certification."""
    operation = request.operation
    eligible, warnings = eligible_of(request)
    aid = aid_lines(operation, eligible)
    pos = position(operation, exclude_request=request)
    outcome = rules.interim_payment(
        certified_aid=rules.total_aid(aid),
        public_funding=pos.public_funding,
        advance=pos.advance,
        advance_offset_before=pos.offset_before,
        interim_paid_before=pos.interim_paid_before,
        interim_count_before=pos.interim_count_before,
    )
    notes = [pos.funding_warning] if pos.funding_warning else []
    return Certification(aid, outcome, [*notes, *warnings, *(a.note for a in aid if a.note and a.aid == 0)])


def is_final_request(request) -> bool:
    return bool(request.is_final) or request.kind == "final"


def interim_plan(request) -> PaymentPlan | None:
    from payments.models import Payment

    cert = certification(request)
    out = cert.outcome
    if out.amount <= 0:
        return None  # only certifies expenditure against the advance (or past the 2 payments)
    lines = [_aid_line(a) for a in cert.aid]
    if out.offset:
        lines.append(
            Line(
                "Συμψηφισμός με την προκαταβολή",
                -out.offset,
                "Πρόσκληση 004 §11.3.Α",
                {"kind": "advance_offset"},
            )
        )
    if out.cut:
        lines.append(Line(f"Περικοπή: {rules.CUT_80}", -out.cut, "Πρόσκληση 004 §11.3.Β", {"kind": "cut_80"}))
    return PaymentPlan(
        kind=Payment.Kind.INTERIM, lines=tuple(lines), warnings=(*cert.warnings, *out.warnings)
    )


def _discount_cut(operation, *, amount, final_aid, eligible_total, requests, rate_percent, on) -> Decimal:
    """What §11.3 «Προεξόφληση» takes off the final payment when an advance was paid: payments
    and eligible costs at their value on the grant date (the decision's notice), at the reference
    rate given by staff (rules.discounted_final_cap)."""
    from payments.models import Payment

    live = Payment.objects.filter(operation=operation, kind__in=[Payment.Kind.ADVANCE, Payment.Kind.INTERIM])
    live = list(live.exclude(state__in=LIVE_EXCLUDED))
    if not any(p.kind == Payment.Kind.ADVANCE for p in live) or eligible_total <= 0:
        return ZERO
    notified = operation.decision.notified_at
    grant = to_athens(notified).date() if notified else operation.starts_on  # the day in Athens
    paid = [(p.paid_on or to_athens(p.created_at).date(), p.amount) for p in live]
    costs = []
    for req in requests:
        for item in req.items.all():
            value = item.eligible_amount if item.eligible_amount is not None else item.amount
            costs.append((item.payment_date or item.document_date or on, value))
    cap = rules.discounted_final_cap(
        payments=paid,
        costs=costs,
        max_intensity_percent=final_aid * rules.HUNDRED / eligible_total,
        grant_date=grant,
        final_on=on,
        rate_percent=rate_percent,
    )
    return max(rules.money(amount - cap), ZERO)


def final_plan(operation, *, discount_rate=None, on=None) -> PaymentPlan | None:
    """Αποπληρωμή (§11.3.Γ): the public aid on the final certified eligible cost (all accepted
    requests of the operation, per category) minus everything paid before; with an advance and a
    reference rate given, discounted to the grant date (§11.3 «αναγωγή»)."""
    from django.utils import timezone

    from payments.models import Payment

    eligible: dict[str, Decimal] = {}
    warnings: list[str] = []
    requests = list(operation.verification_requests.filter(state__in=FINAL_RESULT_STATES).order_by("seq"))
    for req in requests:
        by_category, notes = eligible_of(req)
        warnings += notes
        for c, v in by_category.items():
            eligible[c] = eligible.get(c, ZERO) + v
    aid = aid_lines(operation, eligible)
    pos = position(operation)
    out = rules.final_payment(
        final_aid=rules.total_aid(aid), public_funding=pos.public_funding, paid_before=pos.paid_total
    )
    lines = [_aid_line(a) for a in aid]
    if out.capped_aid < out.final_aid:
        cap = "Περιορισμός στην εγκεκριμένη δημόσια χρηματοδότηση"
        lines.append(Line(cap, out.capped_aid - out.final_aid, "Πρόσκληση 004 §11.3.Γ"))
    if pos.paid_total:
        paid = min(pos.paid_total, out.capped_aid)
        lines.append(
            Line("Καταβλήθηκαν ήδη (προκαταβολή και ενδιάμεσες καταβολές)", -paid, "Πρόσκληση 004 §11.3")
        )
    if discount_rate is not None and out.amount > 0:
        cut = _discount_cut(
            operation,
            amount=out.amount,
            final_aid=out.capped_aid,
            eligible_total=sum(eligible.values(), ZERO),
            requests=requests,
            rate_percent=discount_rate,
            on=on or timezone.localdate(),
        )
        if cut:
            lines.append(
                Line("Περικοπή λόγω αναγωγής σε παρούσα αξία (προκαταβολή)", -cut, "Πρόσκληση 004 §11.3",
                     {"kind": "discounting", "rate": str(discount_rate)})
            )  # fmt: skip
            warnings.append(
                f"Αναγωγή στην αξία κατά τη χορήγηση με επιτόκιο αναφοράς {discount_rate}%: "
                f"περικοπή {rules.format_eur(cut)} ώστε να μη γίνει υπέρβαση της έντασης (§11.3)."
            )
    if pos.funding_warning:
        warnings.insert(0, pos.funding_warning)
    return PaymentPlan(kind=Payment.Kind.FINAL, lines=tuple(lines), warnings=(*warnings, *out.warnings))


def plan(request) -> PaymentPlan | None:
    if is_final_request(request):
        # §11.3.Γ: after the on-site verification of completion and final receipt; the staff open it
        # from the operation page once the operation is completed (services.call004).
        if request.operation.state != "completed":
            return None
        return final_plan(request.operation)
    return interim_plan(request)


register("comparative", plan)
