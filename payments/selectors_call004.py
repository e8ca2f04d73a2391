"""Reads of the call 004 payments pages (Πρόσκληση 004 §11.3), scoped to what the user may see."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Membership, Role
from opske.pdf import document_access
from payments import rules_call004 as rules
from payments.models import BankGuarantee, Payment
from payments.programmes import call004 as provider

ZERO = Decimal("0.00")
STAFF_READERS = (Role.PROGRAMME_ADMIN, Role.SUPERVISOR, Role.VERIFIER, Role.PAYMENT_OFFICER, Role.AUDITOR)


def is_payments_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*STAFF_READERS))


def guarantees_for_staff() -> QuerySet[BankGuarantee]:
    return BankGuarantee.objects.select_related("operation__business", "operation__call", "advance").order_by(
        "-recorded_at", "-pk"
    )


def guarantees_for_member(user) -> QuerySet[BankGuarantee]:
    return guarantees_for_staff().filter(
        operation__business__memberships__user=user,
        operation__business__memberships__state=Membership.State.ACTIVE,
    )


def guarantee_get_for_user(*, user, pk) -> BankGuarantee:
    """Staff readers see every guarantee; a business only its own (another's is a 404)."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    qs = guarantees_for_staff() if is_payments_staff(user) else guarantees_for_member(user)
    guarantee = qs.prefetch_related("reductions__verification_request").filter(pk=pk).first()
    if guarantee is None:
        raise Http404("Δεν βρέθηκε η εγγυητική επιστολή.")
    return guarantee


def _cut_of(payment: Payment) -> Decimal:
    return -sum((Decimal(line["amount"]) for line in payment.breakdown if line.get("kind") == "cut_80"), ZERO)


def operation_summary(operation) -> dict | None:
    """What the call 004 section of the operation page shows: approved public funding, advance and
    guarantee, certifications and interim payments, the 80% meter, the final payment, what remains,
    and the advance's 3-year coverage (§11.3)."""
    if operation.call.evaluation_method != "comparative":
        return None
    funding, warning = provider.public_funding(operation)
    payments = list(
        Payment.objects.filter(operation=operation)
        .select_related("verification_request")
        .order_by("created_at", "pk")
    )
    live = [p for p in payments if p.state not in provider.LIVE_EXCLUDED]
    advance = next((p for p in live if p.kind == Payment.Kind.ADVANCE), None)
    guarantee = (
        BankGuarantee.objects.filter(operation=operation)
        .prefetch_related("reductions__verification_request")
        .order_by("-recorded_at", "-pk")
        .first()
    )
    reductions = {r.verification_request_id: r for r in guarantee.reductions.all()} if guarantee else {}
    by_request = {p.verification_request_id: p for p in live if p.verification_request_id}
    certifications = []
    expenses = []
    for req in operation.verification_requests.filter(state__in=provider.FINAL_RESULT_STATES).order_by("seq"):
        cert = provider.certification(req)
        payment = by_request.get(req.pk)
        reduction = reductions.get(req.pk)
        certifications.append(
            {
                "request": req,
                "aid": rules.total_aid(cert.aid),
                "lines": cert.aid,
                "offset": reduction.amount if reduction else ZERO,
                "payment": payment,
                "cut": _cut_of(payment) if payment else ZERO,
            }
        )
        percent = {a.category: a.percent for a in cert.aid}
        for item in req.items.all():
            value = item.eligible_amount if item.eligible_amount is not None else item.amount
            expenses.append((item.payment_date, rules.percent_of(value, percent.get(item.category, ZERO))))
    before_final = sum(
        (p.amount for p in live if p.kind in (Payment.Kind.ADVANCE, Payment.Kind.INTERIM)), ZERO
    )
    ceiling = rules.payments_ceiling(funding)
    paid_total = sum((p.amount for p in live), ZERO)
    coverage = None
    if advance is not None:
        coverage = rules.advance_coverage(
            advance=advance.amount,
            paid_on=advance.paid_on or timezone.localdate(),
            implementation_end=operation.ends_on,
            expenses=expenses,
            today=timezone.localdate(),
        )
    return {
        "public_funding": funding,
        "funding_warning": warning,
        "advance_max": rules.advance_max(funding),
        "advance": advance,
        "guarantee": guarantee,
        "certifications": certifications,
        "interim": [p for p in payments if p.kind == Payment.Kind.INTERIM],
        "interim_count": sum(1 for p in live if p.kind == Payment.Kind.INTERIM),
        "max_interim": rules.MAX_INTERIM_PAYMENTS,
        "final": [p for p in payments if p.kind == Payment.Kind.FINAL],
        "before_final": before_final,
        "ceiling": ceiling,
        "ceiling_left": max(ceiling - before_final, ZERO),
        "meter_percent": (before_final * 100 / funding).quantize(Decimal("0.01")) if funding else ZERO,
        "paid_total": paid_total,
        "remaining": max(funding - paid_total, ZERO),
        "coverage": coverage,
        "coverage_estimated": advance is not None and advance.paid_on is None,
    }


@document_access(BankGuarantee)
def can_download_release(user, guarantee: BankGuarantee) -> bool:
    """The release letter: staff readers and the guarantee's business."""
    if is_payments_staff(user):
        return True
    return guarantees_for_member(user).filter(pk=guarantee.pk).exists()
