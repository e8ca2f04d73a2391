"""Payment orders (εντολές πληρωμής): from APPROVED payments to PAID or FAILED (issue 13).

- `order_create`: the payment officer batches APPROVED payments (and FAILED ones, to retry) for an
  execution date that is a Greek and TARGET2 working day, from the paying service's account
  (settings.PAYMENT_DEBTOR). Every line's IBAN and, for a business, ΑΦΜ is checked first; one bad
  line refuses the whole batch naming its payment, and nothing is written. Payments go ORDERED.
- `order_export`: the pain.001.001.03 (sepaxml, XSD-validated) and the XLSX of the same lines,
  kept byte for byte (`BankFile`), the XML's SHA-256 on the order; EXPORTED.
- `order_read_report`: the bank's pain.002 / camt.054, matched by EndToEndId: each line PAID
  (the de minimis register is told after commit) or FAILED (its reason, and the ledger's paid
  reversed); SETTLED when no line is pending. Every check runs before the first write; reading
  the same file again changes nothing.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role
from opske import audit
from opske.calendar import is_payment_day
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opske.money import format_eur
from payments import banking
from payments.models import BankFile, Payment, PaymentOrder, PaymentOrderLine
from payments.services import deminimis, ledger

WRITERS = (Role.PAYMENT_OFFICER,)
READERS = (Role.PAYMENT_OFFICER, Role.SUPERVISOR, Role.AUDITOR)
ORDERABLE = (Payment.State.APPROVED, Payment.State.FAILED)
MAX_LINES = 5000  # one pain.001 file; banks' corporate channels take a few thousand transfers
_LOCK_ORDER_CODES = 0x4F524452  # pg_advisory_xact_lock key: one order number at a time


def _require(actor, roles) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_role(*roles):
        raise PermissionDenied("Τις εντολές πληρωμής συντάσσει ο υπάλληλος πληρωμών.")


def debtor() -> banking.Debtor:
    conf = settings.PAYMENT_DEBTOR
    return banking.Debtor(name=conf["name"], iban=conf["iban"].replace(" ", ""), bic=conf.get("bic") or "")


def check_execution_date(value: datetime.date, *, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    if value < today:
        raise ValidationFailed(
            "Η ημερομηνία εκτέλεσης δεν μπορεί να είναι παρελθούσα.",
            code="order_date_past",
            fields={"execution_date": "Η ημερομηνία εκτέλεσης δεν μπορεί να είναι παρελθούσα."},
        )
    if not is_payment_day(value):
        message = (
            f"Η {value:%d/%m/%Y} δεν είναι εργάσιμη ημέρα πληρωμών (Σαββατοκύριακο, αργία ή ημέρα που "
            "το TARGET2 είναι κλειστό). Επιλέξτε εργάσιμη ημέρα."
        )
        raise ValidationFailed(message, code="order_date_not_working", fields={"execution_date": message})


def line_problems(payment: Payment) -> list[str]:
    """Why a payment cannot go into a bank file: its IBAN, and a business's ΑΦΜ."""
    problems = []
    try:
        banking.check_iban(payment.payee_iban)
    except ValueError as exc:
        problems.append(str(exc))
    if payment.payee_kind == Payment.PayeeKind.BUSINESS:
        try:
            banking.check_afm(payment.payee_afm)
        except ValueError as exc:
            problems.append(str(exc))
    if not payment.payee_name.strip():
        problems.append("λείπει το όνομα του δικαιούχου")
    if payment.amount <= 0:
        problems.append("το ποσό πρέπει να είναι θετικό")
    return problems


def _next_code(year: int) -> tuple[str, str]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ORDER_CODES])
    n = PaymentOrder.objects.filter(code__startswith=f"ΕΠ-{year}-").count() + 1
    while PaymentOrder.objects.filter(code=f"ΕΠ-{year}-{n:04d}").exists():
        n += 1
    return f"ΕΠ-{year}-{n:04d}", f"OPSKE-EP-{year}-{n:04d}"


def _remittance(payment: Payment) -> str:
    """«<payment code> <operation code>» (the beneficiary's bank shows it on the statement)."""
    parts = [payment.code]
    if payment.operation_id:
        parts.append(payment.operation.code)
    return " ".join(parts)[:140]


@transaction.atomic
def order_create(*, actor, payment_ids: Iterable[int], execution_date: datetime.date) -> PaymentOrder:
    """A DRAFT order of the chosen payments, each ORDERED; refused whole on any bad line."""
    _require(actor, WRITERS)
    ids = sorted({int(i) for i in payment_ids})
    if not ids:
        raise ValidationFailed(
            "Επιλέξτε τουλάχιστον μία πληρωμή.", code="order_empty", fields={"payments": "Επιλέξτε πληρωμές."}
        )
    if len(ids) > MAX_LINES:
        raise ValidationFailed(f"Μία εντολή έχει έως {MAX_LINES} γραμμές.", code="order_too_large")
    check_execution_date(execution_date)
    payer = debtor()
    try:
        banking.check_iban(payer.iban)
    except ValueError as exc:
        raise ValidationFailed(
            f"Ο λογαριασμός της υπηρεσίας πληρωμών (PAYMENT_DEBTOR_IBAN) δεν είναι έγκυρος: {exc}.",
            code="order_debtor_iban",
        ) from exc

    payments = list(
        Payment.objects.select_for_update(of=("self",))
        .select_related("operation", "call")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if len(payments) != len(ids):
        raise NotFound("Κάποια από τις επιλεγμένες πληρωμές δεν βρέθηκε.")
    not_orderable = [p for p in payments if p.state not in ORDERABLE]
    if not_orderable:
        names = ", ".join(f"{p.code} ({p.get_state_display()})" for p in not_orderable)
        raise Conflict(
            f"Μόνο εγκεκριμένες ή αποτυχημένες πληρωμές μπαίνουν σε εντολή· δεν μπορούν: {names}. "
            "Δεν δημιουργήθηκε εντολή.",
            code="order_payment_state",
        )
    problems = {p.code: line_problems(p) for p in payments}
    bad = {code: msgs for code, msgs in problems.items() if msgs}
    if bad:
        text = "; ".join(f"πληρωμή {code}: {', '.join(msgs)}" for code, msgs in bad.items())
        raise ValidationFailed(
            f"Η εντολή δεν δημιουργήθηκε, γιατί δεν περνούν τον έλεγχο: {text}.",
            code="order_line_invalid",
            fields={"payments": [f"Πληρωμή {code}: {', '.join(msgs)}." for code, msgs in bad.items()]},
        )

    # A retried FAILED payment was reversed on the ledger when its credit failed: book it again
    # (refused whole if the budget no longer has room). Ledger before the audit chain's head.
    for p in payments:
        if p.state == Payment.State.FAILED:
            ledger.book_payment(p, by=actor)

    code, message_id = _next_code(execution_date.year)
    order = PaymentOrder.objects.create(
        code=code,
        execution_date=execution_date,
        message_id=message_id,
        debtor_name=payer.name,
        debtor_iban=payer.iban,
        debtor_bic=payer.bic,
        created_by=actor,
    )
    lines = []
    for n, p in enumerate(payments, start=1):
        iban, bic = banking.check_iban(p.payee_iban)
        lines.append(
            PaymentOrderLine(
                order=order,
                payment=p,
                end_to_end_id=f"{message_id.removeprefix('OPSKE-')}-{n:04d}",
                amount=p.amount,
                creditor_name=p.payee_name[:140],
                creditor_iban=iban,
                creditor_bic=p.payee_bic or bic,
                remittance=_remittance(p),
            )
        )
    PaymentOrderLine.objects.bulk_create(lines)
    before_states = {p.pk: p.state for p in payments}
    for p in payments:
        p.order()
        p.failure_reason = ""
        p.save(update_fields=["state", "failure_reason"])
    total = sum((p.amount for p in payments), Decimal("0.00"))
    audit.record(
        actor=actor,
        action="payment_order.created",
        obj=order,
        after={
            "code": order.code,
            "execution_date": execution_date.isoformat(),
            "lines": len(lines),
            "total": str(total),
            "payments": [p.code for p in payments],
        },
    )
    for p in payments:
        audit.record(
            actor=actor,
            action="payment.ordered",
            obj=p,
            before={"state": before_states[p.pk]},
            after={"state": p.state, "order": order.code},
        )
    return order


def _files_of(order: PaymentOrder, *, totals: bool = True):
    lines = list(order.lines.select_related("payment").order_by("pk"))
    transfers = [
        banking.Transfer(
            end_to_end_id=line.end_to_end_id,
            amount=line.amount,
            creditor_name=line.creditor_name,
            creditor_iban=line.creditor_iban,
            creditor_bic=line.creditor_bic,
            remittance=line.remittance,
        )
        for line in lines
    ]
    payer = banking.Debtor(name=order.debtor_name, iban=order.debtor_iban, bic=order.debtor_bic)
    xml = banking.pain001(
        message_id=order.message_id, debtor=payer, execution_date=order.execution_date, transfers=transfers
    )
    rows = [
        {
            "end_to_end_id": line.end_to_end_id,
            "payment_code": line.payment.code,
            "creditor_name": line.creditor_name,
            "afm": line.payment.payee_afm if line.payment.payee_kind == Payment.PayeeKind.BUSINESS else "",
            "creditor_iban": line.creditor_iban,
            "creditor_bic": line.creditor_bic,
            "remittance": line.remittance,
            "amount": line.amount,
        }
        for line in lines
    ]
    sheet = banking.xlsx(
        title=f"Εντολή πληρωμής {order.code}", debtor=payer, execution_date=order.execution_date, rows=rows
    )
    return xml, sheet


@transaction.atomic
def order_export(*, actor, order_id: int) -> PaymentOrder:
    """Export the DRAFT order's pain.001 and XLSX once; a second call returns the same files."""
    _require(actor, WRITERS)
    order = PaymentOrder.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise NotFound("Δεν βρέθηκε η εντολή πληρωμής.")
    if order.state != PaymentOrder.State.DRAFT:
        if order.state in (PaymentOrder.State.EXPORTED, PaymentOrder.State.SETTLED):
            return order
        raise Conflict("Η εντολή έχει ακυρωθεί.", code="order_cancelled")
    xml, sheet = _files_of(order)
    digest = hashlib.sha256(xml).hexdigest()
    stem = order.message_id
    BankFile.objects.create(
        order=order, kind=BankFile.Kind.PAIN001, filename=f"{stem}.xml", content=xml, sha256=digest,
        message_id=order.message_id, created_by=actor,
    )  # fmt: skip
    BankFile.objects.create(
        order=order, kind=BankFile.Kind.XLSX, filename=f"{stem}.xlsx", content=sheet,
        sha256=hashlib.sha256(sheet).hexdigest(), message_id=order.message_id, created_by=actor,
    )  # fmt: skip
    order.state = PaymentOrder.State.EXPORTED
    order.exported_at = timezone.now()
    order.xml_sha256 = digest
    order.save(update_fields=["state", "exported_at", "xml_sha256"])
    audit.record(
        actor=actor,
        action="payment_order.exported",
        obj=order,
        before={"state": PaymentOrder.State.DRAFT},
        after={"state": order.state, "xml_sha256": digest, "message_id": order.message_id},
    )
    return order


@transaction.atomic
def order_cancel(*, actor, order_id: int, reason: str) -> PaymentOrder:
    """Withdraw a DRAFT order (never sent to the bank): its payments return to APPROVED."""
    _require(actor, WRITERS)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Γράψτε την αιτία ακύρωσης.", code="order_cancel_reason", fields={"reason": "Υποχρεωτικό."}
        )
    order = PaymentOrder.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise NotFound("Δεν βρέθηκε η εντολή πληρωμής.")
    if order.state != PaymentOrder.State.DRAFT:
        raise Conflict("Ακυρώνεται μόνο εντολή που δεν έχει εξαχθεί για την τράπεζα.", code="order_not_draft")
    payments = list(
        Payment.objects.select_for_update(of=("self",)).filter(order_lines__order=order).order_by("pk")
    )
    for p in payments:
        p.withdraw_from_order()
        p.save(update_fields=["state"])
    order.state = PaymentOrder.State.CANCELLED
    order.save(update_fields=["state"])
    audit.record(
        actor=actor, action="payment_order.cancelled", obj=order,
        before={"state": PaymentOrder.State.DRAFT}, after={"state": order.state}, reason=reason,
    )  # fmt: skip
    return order


# --- the bank's answer ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportOutcome:
    order: PaymentOrder
    kind: str
    paid: int
    failed: int
    pending: int
    unchanged: int
    already_read: bool


def _refuse(message: str, code: str) -> ValidationFailed:
    return ValidationFailed(f"{message} Δεν καταχωρίστηκε τίποτα.", code=code, fields={"file": message})


def _other_order_of(e2e_ids: Iterable[str], order: PaymentOrder) -> str:
    other = (
        PaymentOrderLine.objects.filter(end_to_end_id__in=list(e2e_ids))
        .exclude(order=order)
        .select_related("order")
        .first()
    )
    return other.order.code if other else ""


def _match(order: PaymentOrder, report: banking.StatusReport, lines: dict) -> None:
    """Every check of a bank file against its order, before anything is written."""
    if report.kind == "pain002" and report.original_message_id != order.message_id:
        other = PaymentOrder.objects.filter(message_id=report.original_message_id).first()
        where = (
            f"την εντολή {other.code}" if other else f"άγνωστη εντολή (MsgId {report.original_message_id})"
        )
        raise _refuse(f"Η αναφορά της τράπεζας αφορά {where}, όχι την {order.code}.", "bank_file_other_order")
    if report.kind == "camt054":
        if report.account_iban and report.account_iban != order.debtor_iban:
            raise _refuse(
                f"Η ειδοποίηση αφορά τον λογαριασμό {banking.mask_iban(report.account_iban)}, όχι τον "
                f"λογαριασμό χρέωσης της εντολής ({banking.mask_iban(order.debtor_iban)}).",
                "bank_file_other_account",
            )
        if report.original_message_id and report.original_message_id != order.message_id:
            other = PaymentOrder.objects.filter(message_id=report.original_message_id).first()
            where = (
                f"την εντολή {other.code}"
                if other
                else f"άγνωστη εντολή (MsgId {report.original_message_id})"
            )
            raise _refuse(
                f"Η ειδοποίηση της τράπεζας αφορά {where}, όχι την {order.code}.", "bank_file_other_order"
            )
    if not report.entries:
        raise _refuse("Το αρχείο δεν περιέχει καμία συναλλαγή.", "bank_file_empty")
    unknown = [e.end_to_end_id for e in report.entries if e.end_to_end_id not in lines]
    if unknown:
        other = _other_order_of(unknown, order)
        if other:
            raise _refuse(
                f"Οι συναλλαγές {', '.join(unknown)} ανήκουν στην εντολή {other}, όχι στην {order.code}.",
                "bank_file_other_order",
            )
        raise _refuse(
            f"Άγνωστο EndToEndId στο αρχείο: {', '.join(unknown)} (δεν υπάρχει σε καμία εντολή).",
            "bank_file_unknown_e2e",
        )
    seen: dict[str, banking.StatusEntry] = {}
    for e in report.entries:
        line = lines[e.end_to_end_id]
        if e.amount is not None and e.amount != line.amount:
            raise _refuse(
                f"Το ποσό της συναλλαγής {e.end_to_end_id} στο αρχείο ({format_eur(e.amount)}) δεν συμφωνεί "
                f"με τη γραμμή της εντολής ({format_eur(line.amount)}).",
                "bank_file_wrong_amount",
            )
        previous = seen.get(e.end_to_end_id)
        if previous is not None and previous.outcome != e.outcome:
            raise _refuse(
                f"Το αρχείο δίνει αντιφατικές καταστάσεις για το {e.end_to_end_id}.",
                "bank_file_contradiction",
            )
        seen[e.end_to_end_id] = e
        settled = {PaymentOrderLine.Status.PAID: "paid", PaymentOrderLine.Status.FAILED: "failed"}.get(
            line.status
        )
        if settled and e.outcome != "pending" and e.outcome != settled:
            raise _refuse(
                f"Η γραμμή {e.end_to_end_id} έχει ήδη καταχωριστεί ως «{line.get_status_display()}» από "
                "προηγούμενο αρχείο της τράπεζας· το νέο αρχείο τη δίνει αλλιώς.",
                "bank_file_contradicts_settled",
            )


def _failure_text(entry: banking.StatusEntry) -> str:
    code = entry.reason_code or "NARR"
    text = f"{code}: {banking.reason_label(code)}" if entry.reason_code else "Η τράπεζα απέρριψε τη μεταφορά"
    if entry.reason_text and entry.reason_text != code:
        text += f" ({entry.reason_text})"
    return text[:200]


@transaction.atomic
def order_read_report(*, actor, order_id: int, content: bytes, filename: str = "") -> ReportOutcome:
    """Read the bank's pain.002 / camt.054 for the order: lines PAID or FAILED, all or nothing."""
    _require(actor, WRITERS)
    order = PaymentOrder.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise NotFound("Δεν βρέθηκε η εντολή πληρωμής.")
    if order.state not in (PaymentOrder.State.EXPORTED, PaymentOrder.State.SETTLED):
        raise Conflict("Η απάντηση της τράπεζας διαβάζεται αφού εξαχθεί η εντολή.", code="order_not_exported")
    if not content:
        raise _refuse("Το αρχείο είναι κενό.", "bank_file_empty")
    try:
        report = banking.read_status_file(content)
    except banking.BankFileError as exc:
        raise _refuse(str(exc), "bank_file_malformed") from exc
    digest = hashlib.sha256(content).hexdigest()
    if BankFile.objects.filter(order=order, sha256=digest).exists():
        return ReportOutcome(order, report.kind, 0, 0, 0, len(report.entries), already_read=True)

    lines = {line.end_to_end_id: line for line in order.lines.select_for_update(of=("self",))}
    _match(order, report, lines)

    today = timezone.localdate()
    to_pay, to_fail, pending, unchanged = [], [], 0, 0
    for e in {e.end_to_end_id: e for e in report.entries}.values():
        line = lines[e.end_to_end_id]
        if e.outcome == "pending":
            pending += 1
        elif line.status != PaymentOrderLine.Status.PENDING:
            unchanged += 1  # restated by a later report: already settled the same way
        elif e.outcome == "paid":
            to_pay.append((line, e))
        else:
            to_fail.append((line, e))
    payments = {
        p.pk: p
        for p in Payment.objects.select_for_update(of=("self",)).filter(
            pk__in=[line.payment_id for line, _e in to_pay + to_fail]
        )
    }
    # Ledger first (its balance rows are locked before the audit chain's head).
    for line, e in to_fail:
        ledger.reverse_payment(
            payments[line.payment_id], by=actor, reason=f"order:{order.code}:{e.end_to_end_id}"
        )
    events = []
    for line, e in to_pay:
        p = payments[line.payment_id]
        paid_on = e.booked_on or order.execution_date or today
        line.status, line.settled_on, line.status_reason = PaymentOrderLine.Status.PAID, paid_on, ""
        line.save(update_fields=["status", "settled_on", "status_reason"])
        p.mark_paid()
        p.paid_on = paid_on
        p.save(update_fields=["state", "paid_on"])
        events.append((p, "payment.paid", {"state": p.state, "paid_on": paid_on.isoformat()}, ""))
    for line, e in to_fail:
        p = payments[line.payment_id]
        reason = _failure_text(e)
        line.status, line.settled_on, line.status_reason = (
            PaymentOrderLine.Status.FAILED,
            e.booked_on or today,
            reason,
        )
        line.save(update_fields=["status", "settled_on", "status_reason"])
        p.mark_failed()
        p.failure_reason = reason
        p.save(update_fields=["state", "failure_reason"])
        events.append((p, "payment.failed", {"state": p.state, "reason_code": e.reason_code}, reason))

    kind = BankFile.Kind.PAIN002 if report.kind == "pain002" else BankFile.Kind.CAMT054
    BankFile.objects.create(
        order=order, kind=kind, filename=(filename or f"{report.message_id or kind}.xml")[:200],
        content=content, sha256=digest, message_id=report.message_id[:35], created_by=actor,
    )  # fmt: skip
    before_state = order.state
    if not order.lines.filter(status=PaymentOrderLine.Status.PENDING).exists():
        order.state = PaymentOrder.State.SETTLED
        order.save(update_fields=["state"])
    audit.record(
        actor=actor,
        action="payment_order.report_read",
        obj=order,
        before={"state": before_state},
        after={
            "state": order.state,
            "file": kind,
            "sha256": digest,
            "paid": len(to_pay),
            "failed": len(to_fail),
            "pending": pending,
        },
    )
    for p, action, after, reason in events:
        audit.record(
            actor=actor,
            action=action,
            obj=p,
            before={"state": Payment.State.ORDERED},
            after=after,
            reason=reason,
        )
    for line, _e in to_pay:
        deminimis.schedule_record_paid(payments[line.payment_id])
    return ReportOutcome(
        order, report.kind, len(to_pay), len(to_fail), pending, unchanged, already_read=False
    )
