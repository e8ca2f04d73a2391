"""Πρόσκληση 004 payments (§11.3): the advance against a bank guarantee, the guarantee's reduction at
each certification and its release, and opening the final payment after completion.

Interim payments are opened by `payments.hooks.open_payment_for_request` through the provider
(`payments.programmes.call004`); `guarantee_offset_for_request` runs right after it on the same
hook, in the transaction in which the result became final.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role
from accounts.selectors import user_business_roles
from applications.attachments import _check_file as check_upload
from operations.models import Operation
from opske import audit
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opske.money import format_eur
from opske.pdf import document_request
from payments import rules_call004 as rules
from payments.models import BankGuarantee, GuaranteeReduction, Payment
from payments.programmes import Line
from payments.programmes import call004 as provider
from payments.services.core import create_payment

FILING_ROLES = frozenset({Membership.BusinessRole.COORDINATOR, Membership.BusinessRole.LEGAL_REPRESENTATIVE})
RELEASE_ROLES = (Role.PAYMENT_OFFICER, Role.SUPERVISOR, Role.PROGRAMME_ADMIN)
FINAL_ROLES = (Role.PAYMENT_OFFICER, Role.SUPERVISOR)
SUBMITTED_STATES_EXCLUDED = ("draft",)
ZERO = Decimal("0.00")


def _raise(problems: list[rules.Problem]) -> None:
    if not problems:
        return
    fields: dict[str, list[str]] = {}
    for p in problems:
        fields.setdefault(p.field, []).append(p.message)
    raise ValidationFailed(problems[0].message, code=problems[0].code, fields=fields)


def _locked_operation(operation_id) -> Operation:
    op = (
        Operation.objects.select_for_update(of=("self",))
        .select_related("call", "business", "application")
        .filter(pk=operation_id)
        .first()
    )
    if op is None:
        raise NotFound("Η πράξη δεν βρέθηκε.")
    return op


def first_request_filed_on(operation) -> datetime.date | None:
    req = (
        operation.verification_requests.exclude(state__in=SUBMITTED_STATES_EXCLUDED)
        .exclude(submitted_at=None)
        .order_by("submitted_at")
        .first()
    )
    return timezone.localtime(req.submitted_at).date() if req else None


def live_advance(operation) -> Payment | None:
    return (
        Payment.objects.filter(operation=operation, kind=Payment.Kind.ADVANCE)
        .exclude(state__in=provider.LIVE_EXCLUDED)
        .first()
    )


def may_request_advance(user, operation) -> bool:
    """The coordinator or legal representative, while no advance exists and no request was filed."""
    if operation.call.evaluation_method != "comparative" or operation.state != Operation.State.ACTIVE:
        return False
    if not operation.business_id or not user_business_roles(user, operation.business) & FILING_ROLES:
        return False
    return live_advance(operation) is None and first_request_filed_on(operation) is None


# --- the advance (§11.3.Α) ------------------------------------------------------------------------


def advance_request(
    *,
    actor,
    operation_id,
    amount: Decimal | None,
    guarantee_number: str = "",
    guarantee_issuer: str = "",
    guarantee_amount: Decimal | None = None,
    guarantee_issued_on: datetime.date | None = None,
    guarantee_expires_on: datetime.date | None = None,
    guarantee_letter=None,
) -> BankGuarantee:
    """The business asks for the advance with its letter of guarantee: a DRAFT ADVANCE payment
    (its payment documents follow, Παρ. VII) and the guarantee ACTIVE. Refused whole, at the field,
    when any condition of §11.3.Α fails."""
    today = timezone.localdate()
    with transaction.atomic():
        op = _locked_operation(operation_id)
        if op.call.evaluation_method != "comparative":
            raise Conflict(
                "Η προκαταβολή με εγγυητική επιστολή αφορά την Πρόσκληση 004.", code="advance_not_call004"
            )
        roles = user_business_roles(actor, op.business) if op.business_id else frozenset()
        if not roles:
            raise NotFound("Η πράξη δεν βρέθηκε.")
        if not roles & FILING_ROLES:
            raise PermissionDenied("Αίτημα προκαταβολής υποβάλλει ο συντονιστής ή ο νόμιμος εκπρόσωπος.")
        funding, _warning = provider.public_funding(op)
        has_letter = guarantee_letter is not None and getattr(guarantee_letter, "size", 0) > 0
        facts = None
        if guarantee_number or guarantee_issuer or guarantee_amount or has_letter or guarantee_issued_on:
            facts = rules.GuaranteeFacts(
                number=guarantee_number or "",
                issuer=guarantee_issuer or "",
                amount=guarantee_amount,
                issued_on=guarantee_issued_on,
                expires_on=guarantee_expires_on,
                has_letter=has_letter,
            )
        problems = rules.advance_problems(
            amount=amount,
            public_funding=funding,
            guarantee=facts,
            first_request_filed_on=first_request_filed_on(op),
            has_advance=live_advance(op) is not None,
            operation_active=op.state == Operation.State.ACTIVE,
            today=today,
        )
        if has_letter and not any(p.field == "guarantee_letter" for p in problems):
            try:
                content_type, sha256 = check_upload(guarantee_letter, None, op.call)
            except ValidationFailed as exc:
                problems.append(rules.Problem("guarantee_letter", exc.code, exc.message))
            else:
                if content_type != "application/pdf":
                    problems.append(
                        rules.Problem(
                            "guarantee_letter", "guarantee_letter_pdf", "Αναρτήστε την επιστολή ως PDF."
                        )
                    )
        _raise(problems)
        amount = rules.money(amount)
        share = (amount * rules.HUNDRED / funding).quantize(Decimal("0.01")) if funding else ZERO
        payment = create_payment(
            call=op.call,
            operation=op,
            kind=Payment.Kind.ADVANCE,
            lines=[
                Line(
                    f"Προκαταβολή {str(share).replace('.', ',')}% της δημόσιας χρηματοδότησης "
                    f"{format_eur(funding)} (έως 40%: {format_eur(rules.advance_max(funding))})",
                    amount,
                    "Πρόσκληση 004 §11.3.Α",
                    {"public_funding": f"{funding:.2f}"},
                )
            ],
            payee_kind=Payment.PayeeKind.BUSINESS,
            payee_name=op.business.name,
            payee_afm=op.business.afm,
            warnings=[_warning] if _warning else [],
            actor=actor,
        )
        n = BankGuarantee.objects.filter(operation=op).count() + 1
        guarantee = BankGuarantee(
            operation=op,
            advance=payment,
            number=guarantee_number.strip(),
            issuer=guarantee_issuer,
            amount=rules.money(guarantee_amount),
            remaining=rules.money(guarantee_amount),
            issued_on=guarantee_issued_on,
            expires_on=None,
            letter_name=getattr(guarantee_letter, "name", "letter.pdf")[:255],
            letter_sha256=sha256,
            recorded_by=actor,
            protocol_number=f"{op.code}/ΠΡΚ-{n}",
        )
        guarantee_letter.seek(0)
        guarantee.letter.save(guarantee.letter_name, guarantee_letter, save=False)
        guarantee.save()
        audit.record(
            actor=actor,
            action="payments.advance.requested",
            obj=guarantee,
            after={
                "operation": op.code,
                "payment": payment.code,
                "advance": str(amount),
                "public_funding": str(funding),
                "guarantee": guarantee.number,
                "issuer": guarantee.issuer,
                "guarantee_amount": str(guarantee.amount),
                "sha256": sha256,
            },
        )
    return guarantee


# --- reduction at each certification (§11.3.Α «απομειώνεται σταδιακά») --------------------------


def guarantee_offset_for_request(request) -> GuaranteeReduction | None:
    """Hook on a final verification result: the certification's public aid offsets what is left
    of the advance, and the guarantee is reduced by the same amount. Idempotent per request."""
    operation = request.operation
    if operation.call.evaluation_method != "comparative":
        return None
    guarantee = (
        BankGuarantee.objects.select_for_update(of=("self",))
        .filter(operation=operation, state__in=[BankGuarantee.State.ACTIVE, BankGuarantee.State.REDUCED])
        .exclude(advance__state__in=provider.LIVE_EXCLUDED)
        .first()
    )
    if guarantee is None or guarantee.reductions.filter(verification_request=request).exists():
        return None
    outcome = provider.certification(request).outcome
    amount = min(outcome.offset, guarantee.remaining)
    if amount <= 0:
        return None
    before = guarantee.remaining
    guarantee.remaining = rules.money(guarantee.remaining - amount)
    guarantee.reduce()
    guarantee.save(update_fields=["remaining", "state"])
    reduction = GuaranteeReduction.objects.create(
        guarantee=guarantee,
        verification_request=request,
        certified_aid=outcome.certified_aid,
        amount=amount,
        remaining_after=guarantee.remaining,
    )
    audit.record(
        actor=None,
        action="payments.guarantee.reduced",
        obj=guarantee,
        before={"remaining": str(before)},
        after={"remaining": str(guarantee.remaining), "request": request.pk, "offset": str(amount)},
    )
    return reduction


def advance_fully_offset(guarantee: BankGuarantee) -> bool:
    advance = guarantee.advance
    offset = sum((r.amount for r in guarantee.reductions.all()), ZERO)
    return advance is None or offset >= advance.amount


def release_problem(guarantee: BankGuarantee) -> str | None:
    if guarantee.state == BankGuarantee.State.RELEASED:
        return "Η εγγυητική επιστολή έχει ήδη αποδεσμευτεί."
    advance = guarantee.advance
    if advance is not None and advance.state in provider.LIVE_EXCLUDED:
        return None  # the advance was never granted: nothing to guarantee
    if not advance_fully_offset(guarantee):
        offset = sum((r.amount for r in guarantee.reductions.all()), ZERO)
        return (
            f"Η εγγυητική επιστολή επιστρέφεται μετά τον πλήρη συμψηφισμό της προκαταβολής (Πρόσκληση 004 "
            f"§11.3.Α): συμψηφίστηκαν {format_eur(offset)} από {format_eur(advance.amount)}."
        )
    return None


def guarantee_release(*, actor, guarantee_id, reason: str = "") -> BankGuarantee:
    """Return the letter to the business after full offset (§11.3.Α), with a release letter PDF."""
    if not actor.has_role(*RELEASE_ROLES):
        raise PermissionDenied("Την αποδέσμευση εγγυητικής καταχωρίζει υπάλληλος πληρωμών ή προϊστάμενος.")
    with transaction.atomic():
        guarantee = (
            BankGuarantee.objects.select_for_update(of=("self",))
            .select_related("operation__business", "advance")
            .filter(pk=guarantee_id)
            .first()
        )
        if guarantee is None:
            raise NotFound("Η εγγυητική επιστολή δεν βρέθηκε.")
        problem = release_problem(guarantee)
        if problem:
            raise Conflict(problem, code="guarantee_not_offset", fields={"reason": [problem]})
        before = guarantee.state
        guarantee.release()
        guarantee.released_at = timezone.now()
        guarantee.released_by = actor
        guarantee.release_reason = reason.strip()
        op = guarantee.operation
        document = document_request(
            obj=guarantee,
            kind="guarantee_release",
            template="payments/call004/pdf_release.html",
            context={
                "protocol": guarantee.protocol_number,
                "operation": op.code,
                "title": op.title,
                "business": op.business.name if op.business else "",
                "afm": op.business.afm if op.business else "",
                "number": guarantee.number,
                "issuer": guarantee.issuer,
                "amount": format_eur(guarantee.amount),
                "issued_on": guarantee.issued_on.strftime("%d/%m/%Y"),
                "advance": format_eur(guarantee.advance.amount) if guarantee.advance else "—",
                "offset": format_eur(sum((r.amount for r in guarantee.reductions.all()), ZERO)),
                "released_on": timezone.localdate().strftime("%d/%m/%Y"),
                "released_by": actor.get_full_name() or actor.username,
                "reason": guarantee.release_reason,
            },
            actor=actor,
        )
        guarantee.release_document = document
        guarantee.save(
            update_fields=["state", "released_at", "released_by", "release_reason", "release_document"]
        )
        audit.record(
            actor=actor,
            action="payments.guarantee.released",
            obj=guarantee,
            before={"state": before},
            after={"state": guarantee.state, "document": document.pk},
            reason=guarantee.release_reason,
        )
    return guarantee


# --- the final payment (§11.3.Γ) ----------------------------------------------------------------


def final_request(operation):
    return (
        operation.verification_requests.filter(state__in=provider.FINAL_RESULT_STATES, is_final=True)
        .order_by("-seq")
        .first()
        or operation.verification_requests.filter(state__in=provider.FINAL_RESULT_STATES, kind="final")
        .order_by("-seq")
        .first()
    )


def final_payment_problem(operation) -> str | None:
    if operation.state != Operation.State.COMPLETED:
        return "Η αποπληρωμή καταβάλλεται μετά την ολοκλήρωση της πράξης (Πρόσκληση 004 §11.3.Γ, §13)."
    if final_request(operation) is None:
        return "Δεν υπάρχει τελικό αίτημα επαλήθευσης με οριστικό αποτέλεσμα."
    if (
        Payment.objects.filter(operation=operation, kind=Payment.Kind.FINAL)
        .exclude(state__in=provider.LIVE_EXCLUDED)
        .exists()
    ):
        return "Η αποπληρωμή της πράξης έχει ήδη ανοίξει."
    return None


def final_payment_open(*, actor, operation_id, discount_rate: Decimal | None = None) -> Payment:
    """Open the final payment of a completed operation: the rest of the public aid on the final
    certified eligible cost (provider.final_plan), discounted at `discount_rate` (the reference
    rate at the grant date, %) when an advance was paid (§11.3)."""
    if discount_rate is not None and not (ZERO <= discount_rate < Decimal("100")):
        raise ValidationFailed(
            "Το επιτόκιο αναφοράς είναι ποσοστό από 0 έως 100.",
            fields={"discount_rate": ["Μη έγκυρο ποσοστό."]},
        )
    if not actor.has_role(*FINAL_ROLES):
        raise PermissionDenied("Την αποπληρωμή ανοίγει υπάλληλος πληρωμών ή προϊστάμενος.")
    with transaction.atomic():
        op = _locked_operation(operation_id)
        problem = final_payment_problem(op)
        if problem:
            raise Conflict(problem, code="final_payment_not_allowed")
        plan = provider.final_plan(op, discount_rate=discount_rate)
        return create_payment(
            call=op.call,
            operation=op,
            verification_request=final_request(op),
            kind=plan.kind,
            lines=plan.lines,
            warnings=plan.warnings,
            payee_kind=Payment.PayeeKind.BUSINESS,
            payee_name=op.business.name if op.business else op.title,
            payee_afm=op.business.afm if op.business else "",
            actor=actor,
        )
