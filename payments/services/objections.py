"""Objections to a payment decision (ΚΥΑ 7066 Art. 8.5): filing by the business within its window,
the Π.ΕΠ.Ε.Ε. opinion, the Κ.ΕΠ.Ε.Ε. decision within 60 days of the opinion (deadline engine).

Art. 8.5: «Οι αντιρρήσεις επί των αιτημάτων καταβολής ενίσχυσης υποβάλλονται ηλεκτρονικά … εντός
της αποκλειστικής προθεσμίας των τριάντα ημερολογιακών ημερών (30) ημερών από την κοινοποίηση
των σχετικών αποφάσεων, πλην των περιπτώσεων δημοσιονομικής διόρθωσης για τις οποίες ισχύει η
αποκλειστική προθεσμία των δεκαπέντε (15) ημερολογιακών ημερών.» … «εκδίδονται από την Κ.ΕΠ.Ε.Ε.
μέσα σε εξήντα (60) ημέρες από την διατύπωση γνώμης της Π.ΕΠ.Ε.Ε.»

A payment decision can be objected to when it rejects the payment, or pays less than the claim
asked (the desk check's corrections, an excluded tranche, the approved-total cap).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import user_business_roles
from opske import audit
from opske.dates import to_athens
from opske.deadlines import SWEEPER_ACTOR, deadline_cancel, deadline_handler, deadline_schedule
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opske.money import format_eur
from opske.notifications import notify
from payments.models import Payment, PaymentApproval, PaymentObjection
from verification.rules import checks as verification_rules

DECISION_DAYS = 60  # Art. 8.5: Κ.ΕΠ.Ε.Ε. within 60 days of the Π.ΕΠ.Ε.Ε. opinion
DECISION_DUE_KIND = "payments.objection_decision_due"
EXAMINER_ROLES = (Role.COMMITTEE_MEMBER, Role.SUPERVISOR)
ZERO = Decimal("0.00")
S = PaymentObjection.State


@dataclass(frozen=True)
class Window:
    ground: str  # PaymentObjection.Ground
    claimed: Decimal
    decided: Decimal
    notified_on: datetime.date
    deadline: datetime.date
    has_correction: bool

    def open_on(self, day: datetime.date) -> bool:
        return day <= self.deadline


def _claimed(payment: Payment) -> Decimal:
    req = payment.verification_request
    return req.declared_total if req is not None else payment.amount


def _rejected_at(payment: Payment):
    signature = (
        PaymentApproval.objects.filter(payment=payment, step=PaymentApproval.Step.REJECTION)
        .order_by("-at")
        .first()
    )
    return signature.at if signature else None


def objection_window(payment: Payment) -> Window | None:
    """The business's window against this payment decision, or None when there is nothing to object
    to (paid as claimed, or cancelled). Anchored at the decision: the rejection, the approval, or —
    before the approval — the opening of the payment with its computed amount, which the business
    sees with its breakdown."""
    if payment.state == Payment.State.CANCELLED:
        return None
    claimed = _claimed(payment)
    if payment.state == Payment.State.REJECTED:
        ground, decided, at = (
            PaymentObjection.Ground.REJECTED,
            ZERO,
            _rejected_at(payment) or payment.created_at,
        )
    elif payment.amount < claimed:
        ground, decided, at = (
            PaymentObjection.Ground.REDUCED,
            payment.amount,
            payment.approved_at or payment.created_at,
        )
    else:
        return None
    req = payment.verification_request
    has_correction = bool(req is not None and req.corrections.exists())
    notified_on = to_athens(at).date()
    window = verification_rules.ObjectionWindow.from_config(payment.call.config)
    deadline = verification_rules.objection_deadline(notified_on, window, has_correction=has_correction)
    return Window(ground, claimed, decided, notified_on, deadline, has_correction)


def payment_get_for_user(*, user, pk) -> Payment:
    """A payment its business (or staff) may see; another business's is a 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("Η πληρωμή δεν βρέθηκε.") from None
    payment = (
        Payment.objects.select_related("call", "operation__business", "verification_request")
        .filter(pk=pk)
        .first()
    )
    if payment is None or not (_is_staff(user) or _is_beneficiary(user, payment)):
        raise NotFound("Η πληρωμή δεν βρέθηκε.")
    return payment


def objection_get_for_user(*, user, pk) -> PaymentObjection:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("Οι αντιρρήσεις δεν βρέθηκαν.") from None
    obj = (
        PaymentObjection.objects.select_related("payment__operation__business", "payment__call")
        .filter(pk=pk)
        .first()
    )
    if obj is None or not (_is_staff(user) or _is_beneficiary(user, obj.payment)):
        raise NotFound("Οι αντιρρήσεις δεν βρέθηκαν.")
    return obj


def _is_staff(user) -> bool:
    """Staff who read payments and their objections: the payment queue's roles and the examiners
    (issue 11: the permission matrix found every staff role, evaluators and verifiers too, reading
    a business's ΚΥΑ 7066 payment breakdown and the objections to it)."""
    from payments.services.flow import QUEUE_ROLES

    return bool(getattr(user, "is_authenticated", False) and user.has_role(*QUEUE_ROLES, *EXAMINER_ROLES))


def _is_beneficiary(user, payment: Payment) -> bool:
    business = payment.operation.business if payment.operation_id else None
    return bool(business is not None and user_business_roles(user, business))


def _examiner(actor) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_role(*EXAMINER_ROLES):
        raise PermissionDenied("Τις αντιρρήσεις εξετάζουν η Π.ΕΠ.Ε.Ε. και η Κ.ΕΠ.Ε.Ε. (ΚΥΑ 7066 Άρθ. 8.5).")


def _examiners() -> list:
    from accounts.models import User

    return list(
        User.objects.filter(
            role_assignments__role__in=[r.value for r in EXAMINER_ROLES], is_active=True
        ).distinct()
    )


def _locked(objection_id) -> PaymentObjection:
    obj = PaymentObjection.objects.select_for_update().filter(pk=objection_id).first()
    if obj is None:
        raise NotFound("Οι αντιρρήσεις δεν βρέθηκαν.")
    return obj


def objection_file(*, actor, payment_id, text: str, today: datetime.date | None = None) -> PaymentObjection:
    """The business objects to a payment decision within its window (Art. 8.5); a late one is refused."""
    today = today or timezone.localdate()
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(pk=payment_id).first()
        if payment is None or not _is_beneficiary(actor, payment):
            raise NotFound("Η πληρωμή δεν βρέθηκε.")
        window = objection_window(payment)
        if window is None:
            raise Conflict(
                "Η πληρωμή καταβάλλει ό,τι ζητήθηκε· δεν υπάρχει απόφαση προς αντιρρήσεις "
                "(ΚΥΑ 7066 Άρθ. 8.5).",
                code="objection_nothing_to_object",
            )
        if not window.open_on(today):
            message = (
                f"Η προθεσμία αντιρρήσεων έληξε στις {window.deadline:%d/%m/%Y} "
                f"({15 if window.has_correction else 30} ημερολογιακές ημέρες από την κοινοποίηση της "
                f"{window.notified_on:%d/%m/%Y}, ΚΥΑ 7066 Άρθ. 8.5)· οι αντιρρήσεις δεν υποβάλλονται."
            )
            raise ValidationFailed(message, code="objection_late", fields={"text": [message]})
        if PaymentObjection.objects.filter(payment=payment, state__in=[S.FILED, S.OPINION]).exists():
            raise Conflict(
                "Έχουν ήδη υποβληθεί αντιρρήσεις για αυτή την πληρωμή.", code="objection_duplicate"
            )
        if not (text or "").strip():
            raise ValidationFailed(
                "Γράψτε τις αντιρρήσεις σας.",
                code="objection_empty",
                fields={"text": ["Γράψτε τις αντιρρήσεις σας."]},
            )
        now = timezone.now()
        n = PaymentObjection.objects.filter(payment=payment).count() + 1
        obj = PaymentObjection.objects.create(
            payment=payment,
            ground=window.ground,
            text=text.strip(),
            claimed_amount=window.claimed,
            decided_amount=window.decided,
            has_correction=window.has_correction,
            notified_on=window.notified_on,
            deadline=window.deadline,
            protocol_number=f"{payment.code}/ΑΝΤ-{n}",
            filed_by=actor,
            filed_at=now,
        )
        obj.receipt = {
            "protocol_number": obj.protocol_number,
            "filed_at": now.isoformat(),
            "payment": payment.code,
            "claimed": f"{window.claimed:.2f}",
            "decided": f"{window.decided:.2f}",
            "deadline": window.deadline.isoformat(),
            "citation": "ΚΥΑ 7066 Άρθ. 8.5",
        }
        obj.save(update_fields=["receipt"])
        audit.record(
            actor=actor,
            action="payment.objection.filed",
            obj=obj,
            after={
                "payment": payment.code,
                "ground": obj.ground,
                "deadline": window.deadline,
                "has_correction": window.has_correction,
            },
            reason=obj.text,
        )
        notify(
            recipients=_examiners(),
            subject=f"Αντιρρήσεις επί πληρωμής {payment.code}",
            body=(
                f"Υποβλήθηκαν αντιρρήσεις ({obj.protocol_number}) επί της πληρωμής {payment.code}: αιτηθέν "
                f"{format_eur(window.claimed)}, απόφαση {format_eur(window.decided)}.\n\n{obj.text}"
            ),
            kind="payments.objection_filed",
            obj=obj,
            actor=actor,
        )
    return obj


def objection_opinion(*, actor, objection_id, favourable: bool, text: str) -> PaymentObjection:
    """Π.ΕΠ.Ε.Ε.: the opinion, from which the Κ.ΕΠ.Ε.Ε. has 60 days (tracked on the deadline engine)."""
    _examiner(actor)
    if not (text or "").strip():
        raise ValidationFailed(
            "Γράψτε τη γνώμη.", code="opinion_empty", fields={"opinion_text": ["Γράψτε τη γνώμη."]}
        )
    with transaction.atomic():
        obj = _locked(objection_id)
        if obj.state != S.FILED:
            raise Conflict("Η γνώμη της Π.ΕΠ.Ε.Ε. έχει ήδη διατυπωθεί.", code="objection_state")
        now = timezone.now()
        obj.give_opinion()
        obj.opinion_by, obj.opinion_at = actor, now
        obj.opinion_favourable, obj.opinion_text = bool(favourable), text.strip()
        obj.decision_due = to_athens(now).date() + datetime.timedelta(days=DECISION_DAYS)
        obj.save()
        deadline_schedule(obj=obj, kind=DECISION_DUE_KIND, due_at=obj.decision_due, actor=actor)
        audit.record(
            actor=actor,
            action="payment.objection.opinion",
            obj=obj,
            before={"state": S.FILED},
            after={
                "state": obj.state,
                "favourable": obj.opinion_favourable,
                "decision_due": obj.decision_due,
            },
            reason=obj.opinion_text,
        )
    return obj


def objection_decide(*, actor, objection_id, accepted: bool, reasons: str) -> PaymentObjection:
    """Κ.ΕΠ.Ε.Ε.: the reasoned decision, notified to the business (Art. 8.5). Taken by someone other
    than who gave the opinion."""
    _examiner(actor)
    if not (reasons or "").strip():
        raise ValidationFailed(
            "Αιτιολογήστε την απόφαση με τις διατάξεις και τους όρους της δράσης (ΚΥΑ 7066 Άρθ. 8.5).",
            code="decision_empty",
            fields={"reasons": ["Συμπληρώστε την αιτιολόγηση."]},
        )
    with transaction.atomic():
        obj = _locked(objection_id)
        if obj.state != S.OPINION:
            raise Conflict("Η απόφαση εκδίδεται μετά τη γνώμη της Π.ΕΠ.Ε.Ε.", code="objection_state")
        if obj.opinion_by_id == actor.pk:
            raise PermissionDenied("Την απόφαση της Κ.ΕΠ.Ε.Ε. λαμβάνει άλλος από όποιον διατύπωσε τη γνώμη.")
        obj.accept() if accepted else obj.reject()
        obj.decided_by, obj.decided_at, obj.reasons = actor, timezone.now(), reasons.strip()
        obj.save()
        deadline_cancel(obj=obj, kind=DECISION_DUE_KIND, actor=actor, reason="απόφαση Κ.ΕΠ.Ε.Ε.")
        audit.record(
            actor=actor,
            action="payment.objection.decided",
            obj=obj,
            before={"state": S.OPINION},
            after={"state": obj.state, "overdue": obj.decision_overdue},
            reason=obj.reasons,
        )
        business = obj.payment.operation.business if obj.payment.operation_id else None
        recipients = [m.user for m in business.memberships.filter(user__isnull=False)] if business else []
        notify(
            recipients=recipients,
            subject=f"Απόφαση Κ.ΕΠ.Ε.Ε. επί των αντιρρήσεών σας {obj.protocol_number}",
            body=f"Οι αντιρρήσεις σας {'έγιναν δεκτές' if accepted else 'απορρίφθηκαν'}. {obj.reasons}",
            kind="payments.objection_decided",
            obj=obj,
            legal=True,
            actor=actor,
        )
    return obj


@deadline_handler(DECISION_DUE_KIND)
def decision_due_passed(deadline, obj) -> None:
    """The 60 days passed without a Κ.ΕΠ.Ε.Ε. decision: flagged and the examiners reminded."""
    if obj is None or obj.state != S.OPINION:
        return
    PaymentObjection.objects.filter(pk=obj.pk).update(decision_overdue=True)
    audit.record(
        actor=SWEEPER_ACTOR,
        action="payment.objection.decision_overdue",
        obj=obj,
        after={"decision_due": obj.decision_due},
    )
    notify(
        recipients=_examiners(),
        subject=f"Εκπρόθεσμη απόφαση επί αντιρρήσεων {obj.protocol_number}",
        body=(
            f"Οι 60 ημέρες από τη γνώμη της Π.ΕΠ.Ε.Ε. έληξαν στις {obj.decision_due:%d/%m/%Y} "
            "(ΚΥΑ 7066 Άρθ. 8.5)."
        ),
        kind="payments.objection_overdue",
        obj=obj,
    )
