"""Recoveries: computing, deciding, inviting, recording repayment, certifying the debt (issue 13).

Every write is here; the amounts come from `payments.recovery_rules`. One audit event per change, in
the change's transaction, after the ledger (its balance rows lock before the audit head).

Choices made here, and why:
- A ΔΚΔ on an amount already paid becomes a `Recovery` (invitation to repay), not a deduction from
  the next payment: ΚΥΑ 7066 Art. 8.6 and Πρόσκληση 004 §11.3 pay «χωρίς συμψηφισμό», so a set-off
  against a later tranche is not open to us; and for call 004 the corrected amount must reach the
  «ΠΔΕ Αδιάθετα Υπόλοιπα» account (§14.3.10), not vanish from a transfer.
- Interest ends per programme (`recovery_rules.INTEREST_END`): ΚΥΑ 7066 at the decision (Art. 11),
  call 004 at the repayment (§14.3.10). For call 004 the letter shows it up to the 15-day due date
  and the repayment recomputes it to the day actually paid.
- The ledger books only the principal as `recovered` (interest is revenue, not aid undone), on the
  call, pool and operation scopes (the year scope is the cash ceiling of the year paid, unchanged).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from calls.gaps import gap_value
from opske import audit
from opske.calendar import deadline_end
from opske.dates import format_date, to_athens
from opske.deadlines import deadline_cancel, deadline_handler, deadline_schedule
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opske.money import format_eur
from opske.notifications import notify
from opske.pdf import document_request
from payments import recovery_rules as rules
from payments.models import InterestLine, Payment, Recovery, ReferenceRate
from payments.services import deminimis, ledger

ZERO = Decimal("0.00")
REPAYMENT_DAYS = 15  # ΚΥΑ 7066 Art. 11 (art. 29 §8 ν.1262/1982); Πρόσκληση 004 §14.3.10
OBJECTION_DAYS = 15  # Πρόσκληση 004 §14.3.5: 15 calendar days from the day after notification
REPAYMENT_DUE_KIND = "payments.recovery_repayment_due"
COMPUTE_ROLES = (Role.PAYMENT_OFFICER, Role.SUPERVISOR, Role.PROGRAMME_ADMIN)
DECIDE_ROLES = (Role.SUPERVISOR, Role.PROGRAMME_ADMIN)
RATE_ROLES = (Role.PROGRAMME_ADMIN,)

# Where the repayment goes, per programme (the letter quotes it).
REPAYMENT_ACCOUNT = {
    "fcfs_direct": (
        "Λογαριασμός της ΔΥΠΑ για επιστροφές επιχορηγήσεων προγραμμάτων απασχόλησης, με αιτιολογία "
        "τον κωδικό ανάκτησης και τον κωδικό της πράξης (ΚΥΑ 7066 Άρθ. 11, άρθ. 29 §8 ν.1262/1982)."
    ),
    "comparative": (
        "Λογαριασμός «ΠΔΕ Αδιάθετα Υπόλοιπα Παρελθόντων Οικονομικών Ετών» στην Τράπεζα της Ελλάδος, "
        "με αναγραφή του Αναλυτικού Λογαριασμού Εσόδων (ΑΛΕ) δημοσιονομικών διορθώσεων και του "
        "ενάριθμου της πράξης (Πρόσκληση 004 §14.3.10)."
    ),
}
COMPETENT_ORGAN = {
    "fcfs_direct": "Όργανο που όρισε το Δ.Σ. της ΔΥΠΑ (άρθ. 29 §7 ν.1262/1982)",
    "comparative": "Περιφερειάρχης Κεντρικής Μακεδονίας (Πρόσκληση 004 §14.3.9, §14.3.11)",
}


def _require(actor, roles, what: str) -> None:
    if not (getattr(actor, "is_authenticated", False) and actor.has_role(*roles)):
        raise PermissionDenied(f"Δεν έχετε δικαίωμα να {what}.")


def _method(operation) -> str:
    return operation.call.evaluation_method


def _code(operation) -> str:
    n = Recovery.objects.filter(operation=operation).count() + 1
    while Recovery.objects.filter(code=f"{operation.code}/ΑΝΚ-{n}").exists():
        n += 1
    return f"{operation.code}/ΑΝΚ-{n}"


# --- reference rates ---------------------------------------------------------------------------


def rates_by_year() -> dict[int, Decimal]:
    return dict(ReferenceRate.objects.values_list("year", "rate"))


@transaction.atomic
def reference_rate_save(
    *, actor, year: int, rate: Decimal, source: str, to_verify: bool = False
) -> ReferenceRate:
    """Record (or correct) the EC reference rate for Greece of `year` (Reg. 794/2004 Ch. V)."""
    _require(actor, RATE_ROLES, "καταχωρίζετε επιτόκια αναφοράς")
    if not 1999 <= year <= 2100:
        raise ValidationFailed("Μη έγκυρο έτος.", fields={"year": ["Δώστε έτος από 1999 έως 2100."]})
    if rate < 0 or rate > 100:
        raise ValidationFailed("Μη έγκυρο επιτόκιο.", fields={"rate": ["Από 0 έως 100 % ετησίως."]})
    if not source.strip():
        raise ValidationFailed(
            "Η πηγή είναι υποχρεωτική.", fields={"source": ["Δώστε τη δημοσίευση (ΕΕ C …)."]}
        )
    row = ReferenceRate.objects.select_for_update().filter(year=year).first()
    before = {"rate": str(row.rate), "source": row.source} if row else None
    row = row or ReferenceRate(year=year)
    row.rate, row.source, row.to_verify, row.updated_by = rate, source.strip(), to_verify, actor
    row.save()
    audit.record(
        actor=actor,
        action="payments.reference_rate.saved",
        obj=row,
        before=before,
        after={"year": year, "rate": str(rate), "source": row.source, "to_verify": to_verify},
    )
    return row


# --- what was paid -----------------------------------------------------------------------------


def _paid(operation, *, position=None) -> list[tuple[Decimal, datetime.date, int, str]]:
    """The PAID payments of the operation (amount, date, id, code); for a position, the lines that
    name it (`position_id`), or the whole payment when the operation has a single position."""
    payments = Payment.objects.filter(operation=operation, state=Payment.State.PAID).order_by("paid_on", "pk")
    single = position is not None and operation.positions.count() == 1
    out = []
    for p in payments:
        amount = p.amount
        if position is not None:
            tagged = [line for line in p.breakdown if "position_id" in line]
            if tagged or not single:
                amount = sum(
                    (Decimal(line["amount"]) for line in tagged if line["position_id"] == position.pk), ZERO
                )
        if amount > 0:
            out.append((amount, p.paid_on or to_athens(p.approved_at).date(), p.pk, p.code))
    return out


def _write_interest(recovery: Recovery, paid, end: datetime.date) -> None:
    tranches = rules.allocate(recovery.principal, paid)
    segments = rules.interest(tranches, end, rates_by_year())
    recovery.interest_lines.all().delete()
    InterestLine.objects.bulk_create(
        InterestLine(
            recovery=recovery,
            seq=k,
            payment_id=s.tranche.payment_id,
            label=s.tranche.label,
            basis=s.tranche.amount,
            year=s.year,
            date_from=s.date_from,
            date_to=s.date_to,
            days=s.days,
            rate=s.rate,
            amount=s.amount,
        )
        for k, s in enumerate(segments, start=1)
    )
    recovery.interest = rules.interest_total(segments)
    recovery.interest_to = end


def _create(*, actor, operation, origin, computation, reason, paid, end, **links) -> Recovery:
    recovery = Recovery.objects.create(
        operation=operation,
        code=_code(operation),
        origin=origin,
        principal=computation.amount,
        lines=list(computation.lines),
        nothing_due=not computation.recover,
        reason=reason,
        interest_end=rules.INTEREST_END.get(_method(operation), rules.END_AT_DECISION),
        computed_by=actor,
        **links,
    )
    if computation.recover and computation.amount > 0:
        _write_interest(recovery, paid, end)
        recovery.save(update_fields=["interest", "interest_to"])
    audit.record(
        actor=actor,
        action="payments.recovery.computed",
        obj=recovery,
        after={
            "code": recovery.code,
            "origin": origin,
            "principal": str(recovery.principal),
            "interest": str(recovery.interest),
            "reading": recovery.reading,
        },
    )
    return recovery


def _provisional_end(operation, today: datetime.date) -> datetime.date:
    """Interest until the decision (ΚΥΑ 7066: today, the day it is decided) or, for call 004,
    until the repayment: up to the due date, if repaid then."""
    if rules.INTEREST_END.get(_method(operation)) == rules.END_AT_REPAYMENT:
        return deadline_end(today, REPAYMENT_DAYS, "calendar")
    return today


# --- computing ---------------------------------------------------------------------------------


@transaction.atomic
def recovery_compute_clawback(*, actor, case_id: int) -> Recovery:
    """ΚΥΑ 7066 Art. 11: the amount returned for a position interrupted after a payment, per the
    call's `clawback_reading`, with interest on it line by line."""
    from operations.models import Position, RecoveryCase
    from operations.rules import hires as hire_rules

    _require(actor, COMPUTE_ROLES, "υπολογίζετε ανακτήσεις")
    case = (
        RecoveryCase.objects.select_for_update()
        .select_related("operation__call", "position")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound("Η υπόθεση ανάκτησης δεν βρέθηκε.")
    if Recovery.objects.filter(recovery_case=case).exclude(state=Recovery.State.CANCELLED).exists():
        raise Conflict("Για την υπόθεση αυτή έχει ήδη υπολογιστεί ανάκτηση.", code="recovery_exists")
    operation, position = case.operation, case.position
    if position.state == Position.State.STOPPED:
        raise Conflict(
            "Η θέση διακόπηκε χωρίς άλλες επιπτώσεις (ΚΥΑ 7066 Άρθ. 10.4γ): δεν αναζητείται ποσό.",
            code="stopped_without_consequence",
        )
    hires = list(position.hires.order_by("hire_date", "pk"))
    if not hires:
        raise Conflict("Η θέση δεν έχει πρόσληψη.", code="no_hire")
    first = hires[0]
    served = hire_rules.served_months(first.hire_date, case.leaving_date)
    paid = _paid(operation, position=position)
    if not paid:
        raise Conflict(
            "Δεν έχει πληρωθεί ποσό για τη θέση: δεν υπάρχει τίποτα να ανακτηθεί.", code="nothing_paid"
        )
    reading = gap_value(operation.call.config, "clawback_reading")
    computation = rules.clawback(
        received=sum((a for a, *_ in paid), ZERO),
        total_months=first.months,
        served_months=served,
        reading=reading,
    )
    today = timezone.localdate()
    recovery = _create(
        actor=actor,
        operation=operation,
        origin=Recovery.Origin.CLAWBACK,
        computation=computation,
        reason=case.reason,
        paid=paid,
        end=_provisional_end(operation, today),
        recovery_case=case,
    )
    recovery.reading = reading
    recovery.save(update_fields=["reading"])
    return recovery


@transaction.atomic
def recovery_compute_correction(*, actor, correction_id: int) -> Recovery:
    """A ΔΚΔ on an amount already paid: its amount is recovered, with interest from the date of the
    payment it was part of (the request's paid payment, else the operation's latest)."""
    from verification.models import Correction

    _require(actor, COMPUTE_ROLES, "υπολογίζετε ανακτήσεις")
    correction = Correction.objects.select_related("operation__call").filter(pk=correction_id).first()
    if correction is None:
        raise NotFound("Η διόρθωση δεν βρέθηκε.")
    if Recovery.objects.filter(correction=correction).exclude(state=Recovery.State.CANCELLED).exists():
        raise Conflict("Για τη διόρθωση αυτή έχει ήδη υπολογιστεί ανάκτηση.", code="recovery_exists")
    operation = correction.operation
    paid = _paid(operation)
    if correction.request_id:
        paid = [
            p
            for p in paid
            if Payment.objects.filter(pk=p[2], verification_request_id=correction.request_id).exists()
        ] or paid
    if not paid:
        raise Conflict(
            "Η διόρθωση αφορά ποσό που δεν έχει πληρωθεί: αφαιρείται από την πληρωμή, δεν ανακτάται.",
            code="nothing_paid",
        )
    total_paid = sum((a for a, *_ in paid), ZERO)
    amount = min(rules.cents(correction.amount), total_paid)
    computation = rules.Computation(
        amount,
        (
            rules._line(
                f"ΔΚΔ #{correction.pk} ({correction.get_origin_display()}): {correction.reason}"[:300],
                amount,
                "ΚΥΑ 5483/2023· Ο.3 §4.3.2",
            ),
        ),
    )
    last = paid[-1]
    return _create(
        actor=actor,
        operation=operation,
        origin=Recovery.Origin.CORRECTION,
        computation=computation,
        reason=correction.reason,
        paid=[(amount, last[1], last[2], last[3])],
        end=_provisional_end(operation, timezone.localdate()),
        correction=correction,
    )


@transaction.atomic
def recovery_compute_obligation(
    *,
    actor,
    operation_id: int,
    breach_kind: str,
    compliant_months: int = 0,
    reason: str,
    check_id: int | None = None,
) -> Recovery:
    """Πρόσκληση 004 §14.2: breach of the 3-year obligations → pro rata / full recovery."""
    from operations.models import ObligationCheck, Operation

    _require(actor, COMPUTE_ROLES, "υπολογίζετε ανακτήσεις")
    operation = Operation.objects.select_related("call").filter(pk=operation_id).first()
    if operation is None:
        raise NotFound("Η πράξη δεν βρέθηκε.")
    check = None
    if check_id is not None:
        check = ObligationCheck.objects.filter(pk=check_id, obligation__operation=operation).first()
        if check is None:
            raise NotFound("Ο έλεγχος υποχρεώσεων δεν βρέθηκε.")
    if breach_kind not in rules.BREACH_KINDS:
        raise ValidationFailed("Άγνωστο είδος παράβασης.", fields={"breach_kind": ["Επιλέξτε είδος."]})
    if not reason.strip():
        raise ValidationFailed(
            "Η αιτιολογία είναι υποχρεωτική.", fields={"reason": ["Γράψτε την αιτιολογία."]}
        )
    paid = _paid(operation)
    if not paid:
        raise Conflict("Δεν έχει πληρωθεί ενίσχυση στην πράξη.", code="nothing_paid")
    computation = rules.obligation_breach(
        aid_paid=sum((a for a, *_ in paid), ZERO), breach_kind=breach_kind, compliant_months=compliant_months
    )
    recovery = _create(
        actor=actor,
        operation=operation,
        origin=Recovery.Origin.OBLIGATION,
        computation=computation,
        reason=reason,
        paid=paid,
        end=_provisional_end(operation, timezone.localdate()),
        obligation_check=check,
    )
    recovery.reading = breach_kind
    recovery.save(update_fields=["reading"])
    return recovery


def _locked(recovery_id) -> Recovery:
    recovery = (
        Recovery.objects.select_for_update(of=("self",))
        .select_related("operation__call", "operation__business")
        .filter(pk=recovery_id)
        .first()
    )
    if recovery is None:
        raise NotFound("Η ανάκτηση δεν βρέθηκε.")
    return recovery


def _recompute_interest(recovery: Recovery, end: datetime.date) -> None:
    if recovery.nothing_due or recovery.principal <= 0:
        return
    position = recovery.recovery_case.position if recovery.recovery_case_id else None
    paid = _paid(recovery.operation, position=position)
    if recovery.origin == Recovery.Origin.CORRECTION:
        old = list(recovery.interest_lines.order_by("seq")[:1])
        if old:
            paid = [(recovery.principal, old[0].date_from, old[0].payment_id, old[0].label)]
    _write_interest(recovery, paid, end)


# --- deciding and inviting ---------------------------------------------------------------------


def _letter_context(recovery: Recovery, *, title: str) -> dict:
    operation = recovery.operation
    business = operation.business
    method = _method(operation)
    return {
        "title": title,
        "code": recovery.code,
        "operation": operation.code,
        "call": str(operation.call),
        "business": business.name if business else "",
        "afm": business.afm if business else "",
        "doy": recovery.treasury_name
        or (f"ΔΟΥ {business.doy_name}" if business and business.doy_name else ""),
        "origin": recovery.get_origin_display(),
        "reason": recovery.reason,
        "organ": COMPETENT_ORGAN.get(method, COMPETENT_ORGAN["fcfs_direct"]),
        "decision_protocol": recovery.decision_protocol,
        "decided_on": format_date(recovery.decided_on),
        "lines": [
            {
                "label": line["label"],
                "amount": format_eur(line["amount"]),
                "citation": line.get("citation", ""),
            }
            for line in recovery.lines
        ],
        "interest_lines": [
            {
                "label": i.label,
                "basis": format_eur(i.basis),
                "year": i.year,
                "from": format_date(i.date_from),
                "to": format_date(i.date_to - datetime.timedelta(days=1)),
                "days": i.days,
                "rate": rules.format_rate(i.rate),
                "amount": format_eur(i.amount),
            }
            for i in recovery.interest_lines.order_by("seq")
        ],
        "interest_end": rules.INTEREST_END_CITATION.get(recovery.interest_end, ""),
        "principal": format_eur(recovery.principal),
        "interest": format_eur(recovery.interest),
        "total": format_eur(recovery.total_due),
        "invited_on": format_date(recovery.invited_on),
        "due_on": format_date(recovery.due_on),
        "days": REPAYMENT_DAYS,
        "account": REPAYMENT_ACCOUNT.get(method, REPAYMENT_ACCOUNT["fcfs_direct"]),
        "certified_on": format_date(recovery.certified_on),
        "treasury": f"{recovery.treasury_name} ({recovery.treasury_code})"
        if recovery.treasury_code
        else recovery.treasury_name,
    }


@transaction.atomic
def recovery_decide(*, actor, recovery_id: int, decision_protocol: str = "") -> Recovery:
    """The competent organ sets the amount (art. 29 §7 ν.1262/1982; Πρόσκληση 004 §14.3.9) and, when
    something is due, the business is invited to repay it within 15 days (the invitation letter)."""
    _require(actor, DECIDE_ROLES, "αποφασίζετε ανακτήσεις")
    recovery = _locked(recovery_id)
    if recovery.state != Recovery.State.COMPUTED:
        raise Conflict("Η ανάκτηση έχει ήδη αποφασιστεί.", code="recovery_state")
    if recovery.computed_by_id == actor.pk:
        raise PermissionDenied(
            "Την ανάκτηση την υπολόγισε ο ίδιος χρήστης: αποφασίζει άλλο πρόσωπο "
            "(αρχή των τεσσάρων οφθαλμών)."
        )
    today = timezone.localdate()
    before = {"state": recovery.state, "interest": str(recovery.interest)}
    _recompute_interest(recovery, _provisional_end(recovery.operation, today))
    recovery.decide()
    recovery.decided_by = actor
    recovery.decided_role = Role.SUPERVISOR if actor.has_role(Role.SUPERVISOR) else Role.PROGRAMME_ADMIN
    recovery.decided_on = today
    recovery.decision_protocol = decision_protocol.strip() or f"{recovery.code}/ΑΠ"
    if not recovery.nothing_due and recovery.principal > 0:
        recovery.invite()
        recovery.invited_on = today
        recovery.due_on = deadline_end(today, REPAYMENT_DAYS, "calendar")
        recovery.objection_due = deadline_end(today, OBJECTION_DAYS, "calendar")
        deadline_schedule(obj=recovery, kind=REPAYMENT_DUE_KIND, due_at=recovery.due_on, actor=actor)
    recovery.save()
    if recovery.state == Recovery.State.INVITED:
        recovery.invitation_document = document_request(
            obj=recovery,
            kind="recovery_invitation",
            template="payments/recoveries/pdf/invitation.html",
            context=_letter_context(recovery, title="Πρόσκληση επιστροφής αχρεωστήτως καταβληθέντος ποσού"),
            actor=actor,
        )
        recovery.save(update_fields=["invitation_document"])
        _notify_business(
            recovery,
            actor,
            subject=f"Πρόσκληση επιστροφής {recovery.code}",
            body=f"Καλείστε να επιστρέψετε {format_eur(recovery.total_due)} έως "
            f"{format_date(recovery.due_on)}.",
        )
    audit.record(
        actor=actor,
        action="payments.recovery.decided",
        obj=recovery,
        before=before,
        after={
            "state": recovery.state,
            "principal": str(recovery.principal),
            "interest": str(recovery.interest),
            "due_on": recovery.due_on,
            "nothing_due": recovery.nothing_due,
        },
    )
    return recovery


def _notify_business(recovery, actor, *, subject, body) -> None:
    operation = recovery.operation
    if operation.business_id is None:
        return
    users = [m.user for m in operation.business.memberships.filter(state="active", user__isnull=False)]
    notify(
        recipients=users,
        subject=subject,
        body=body,
        kind="payments.recovery",
        obj=recovery,
        legal=True,
        actor=actor,
    )


@deadline_handler(REPAYMENT_DUE_KIND)
def _repayment_due_passed(deadline, recovery) -> None:
    """The 15 days passed: if still unpaid, the recovery is overdue and the debt may be certified."""
    if recovery is None or recovery.state != Recovery.State.INVITED:
        return
    Recovery.objects.filter(pk=recovery.pk, overdue_since__isnull=True).update(overdue_since=timezone.now())
    users = list(get_user_model().objects.filter(role_assignments__role=Role.SUPERVISOR).distinct())
    notify(
        recipients=users,
        subject=f"Ληξιπρόθεσμη ανάκτηση {recovery.code}",
        body="Δεν επιστράφηκε το ποσό εντός 15 ημερών: συντάσσεται πράξη βεβαίωσης οφειλής "
        "(ΚΥΑ 7066 Άρθ. 11).",
        kind="payments.recovery_overdue",
        obj=recovery,
    )


# --- repayment, certification, routing --------------------------------------------------------


@transaction.atomic
def recovery_record_repayment(
    *, actor, recovery_id: int, amount: Decimal, repaid_on: datetime.date, reference: str
) -> Recovery:
    """The business paid back: the amount and date are recorded and the principal is booked as
    recovered on the ledger. For call 004 the interest is first recomputed to the repayment date."""
    _require(actor, COMPUTE_ROLES, "καταχωρίζετε επιστροφές")
    recovery = _locked(recovery_id)
    if recovery.state not in (Recovery.State.INVITED, Recovery.State.CERTIFIED, Recovery.State.SENT):
        raise Conflict("Η ανάκτηση δεν περιμένει επιστροφή.", code="recovery_state")
    if repaid_on > timezone.localdate() or (recovery.invited_on and repaid_on < recovery.decided_on):
        raise ValidationFailed("Μη έγκυρη ημερομηνία.", fields={"repaid_on": ["Από την απόφαση έως σήμερα."]})
    if not reference.strip():
        raise ValidationFailed(
            "Τα στοιχεία καταβολής είναι υποχρεωτικά.",
            fields={"reference": ["Δώστε αριθμό συναλλαγής / διπλοτύπου."]},
        )
    before = {"state": recovery.state, "interest": str(recovery.interest)}
    if recovery.interest_end == rules.END_AT_REPAYMENT:
        _recompute_interest(recovery, repaid_on)
    if rules.cents(amount) < recovery.total_due:
        raise ValidationFailed(
            f"Το ποσό {format_eur(amount)} είναι μικρότερο από την οφειλή {format_eur(recovery.total_due)}.",
            fields={"amount": [f"Η οφειλή είναι {format_eur(recovery.total_due)}."]},
        )
    booking = ledger.booking_for(recovery.operation)
    ledger.book_recovery(
        booking, recovery.principal, source=f"recovery:{recovery.pk}", by=actor, on=repaid_on
    )
    recovery.record_repayment()
    recovery.repaid_amount, recovery.repaid_on = rules.cents(amount), repaid_on
    recovery.repaid_reference, recovery.repaid_recorded_by = reference.strip(), actor
    recovery.save()
    deminimis.schedule_record_recovered(recovery)  # ΠΣΣΕΗΣ learns the aid was paid back
    deadline_cancel(obj=recovery, kind=REPAYMENT_DUE_KIND, actor=actor, reason="επιστροφή ποσού")
    audit.record(
        actor=actor,
        action="payments.recovery.repaid",
        obj=recovery,
        before=before,
        after={
            "state": recovery.state,
            "amount": str(recovery.repaid_amount),
            "on": repaid_on,
            "booked_principal": str(recovery.principal),
            "interest": str(recovery.interest),
        },
    )
    return recovery


@transaction.atomic
def recovery_certify(*, actor, recovery_id: int) -> Recovery:
    """Unpaid 15 days after the invitation: the act certifying the debt (πράξη βεβαίωσης οφειλής),
    addressed to the competent Public Treasury, the ΔΟΥ of the business (art. 29 §8 ν.1262/1982)."""
    _require(actor, DECIDE_ROLES, "βεβαιώνετε οφειλές")
    recovery = _locked(recovery_id)
    if recovery.state != Recovery.State.INVITED:
        raise Conflict("Βεβαιώνεται μόνο οφειλή για την οποία έχει σταλεί πρόσκληση.", code="recovery_state")
    today = timezone.localdate()
    if recovery.due_on and today <= recovery.due_on:
        raise Conflict(
            f"Η προθεσμία επιστροφής λήγει {format_date(recovery.due_on)}: "
            "η οφειλή βεβαιώνεται μετά από αυτήν.",
            code="repayment_not_due",
        )
    business = recovery.operation.business
    recovery.certify()
    recovery.certified_on, recovery.certified_by = today, actor
    recovery.treasury_code = business.doy_code if business else ""
    recovery.treasury_name = f"ΔΟΥ {business.doy_name}" if business and business.doy_name else "Αρμόδια ΔΟΥ"
    recovery.save()
    recovery.certificate_document = document_request(
        obj=recovery,
        kind="recovery_debt_certificate",
        template="payments/recoveries/pdf/certificate.html",
        context=_letter_context(recovery, title="Πράξη βεβαίωσης οφειλής"),
        actor=actor,
    )
    recovery.save(update_fields=["certificate_document"])
    audit.record(
        actor=actor,
        action="payments.recovery.certified",
        obj=recovery,
        before={"state": Recovery.State.INVITED},
        after={"state": recovery.state, "treasury": recovery.treasury_name, "total": str(recovery.total_due)},
    )
    return recovery


@transaction.atomic
def recovery_send_to_treasury(*, actor, recovery_id: int, reference: str) -> Recovery:
    """Record that the act was sent to the ΔΟΥ for certification and collection (routing)."""
    _require(actor, COMPUTE_ROLES, "καταχωρίζετε διαβιβάσεις")
    recovery = _locked(recovery_id)
    if recovery.state != Recovery.State.CERTIFIED:
        raise Conflict("Διαβιβάζεται μόνο βεβαιωμένη οφειλή.", code="recovery_state")
    if not reference.strip():
        raise ValidationFailed(
            "Ο αριθμός διαβιβαστικού είναι υποχρεωτικός.",
            fields={"reference": ["Δώστε τον αριθμό του διαβιβαστικού."]},
        )
    recovery.send_to_treasury()
    recovery.sent_on, recovery.sent_reference = timezone.localdate(), reference.strip()
    recovery.save()
    audit.record(
        actor=actor,
        action="payments.recovery.sent",
        obj=recovery,
        before={"state": Recovery.State.CERTIFIED},
        after={"state": recovery.state, "treasury": recovery.treasury_name, "reference": reference},
    )
    return recovery


@transaction.atomic
def recovery_object(*, actor, recovery_id: int, text: str) -> Recovery:
    """The business's objections, within 15 calendar days from the day after the notice
    (Πρόσκληση 004 §14.3.5; the same window is offered for ΚΥΑ 7066)."""
    from accounts.models import Membership

    recovery = _locked(recovery_id)
    business_id = recovery.operation.business_id
    if not Membership.objects.filter(
        business_id=business_id, user=actor, state=Membership.State.ACTIVE
    ).exists():
        raise NotFound("Η ανάκτηση δεν βρέθηκε.")
    if recovery.state != Recovery.State.INVITED or recovery.objection_due is None:
        raise Conflict("Δεν υποβάλλονται αντιρρήσεις σε αυτό το στάδιο.", code="recovery_state")
    if recovery.objected_at:
        raise Conflict("Έχετε ήδη υποβάλει αντιρρήσεις.", code="objection_exists")
    if timezone.localdate() > recovery.objection_due:
        raise Conflict(
            f"Η προθεσμία αντιρρήσεων έληξε στις {format_date(recovery.objection_due)}.",
            code="objection_late",
        )
    if len(text.strip()) < 10:
        raise ValidationFailed("Γράψτε τις αντιρρήσεις σας.", fields={"text": ["Τουλάχιστον 10 χαρακτήρες."]})
    recovery.objection_text, recovery.objected_at, recovery.objected_by = text.strip(), timezone.now(), actor
    recovery.save(update_fields=["objection_text", "objected_at", "objected_by"])
    audit.record(actor=actor, action="payments.recovery.objected", obj=recovery, after={"length": len(text)})
    return recovery
