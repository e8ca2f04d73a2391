"""The payment flow from DRAFT to APPROVED (issue 13): the beneficiary's payment documents, the
maker's proposal, the checker's approval (and a higher level's above the checker's limit), send
back, rejection, and the approval limits staff maintain.

At the last approval one transaction (ΚΥΑ 7066 Art. 8.6; Πρόσκληση 004 §11.3) checks the tax and
social-security clearance ex officio when the operation's public expenditure is above the call's
`clearance_threshold`, books the payment on the ledger (`ledger.book_payment`, which refuses a
payment that would overdraw a scope), records the approval decision with the art. 61 ν.4914/2022
statement, audits and notifies the business. A refusal anywhere writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from accounts.models import Membership, Role
from applications.attachments import _check_file as check_upload
from calls.models import Call, RequiredAttachment
from interop.clearance import ClearanceClient
from opske import audit
from opske.dates import to_athens
from opske.errors import ApplicationError, Conflict, NotFound, PermissionDenied, ValidationFailed
from opske.money import format_eur
from opske.notifications import notify
from opske.pdf import document_request
from payments.models import ApprovalLimit, Payment, PaymentApproval, PaymentDocument, PaymentSubmission
from payments.services import ledger

State = Payment.State
Step = PaymentApproval.Step

BANK_DOCUMENT = "01.16"  # «Φωτοτυπία τραπεζικού εγγράφου» (ΚΥΑ 7066 Art. 8.2 §1(iii))
DECLARATION = "09.03"  # «Υπεύθυνη Δήλωση για την Καταβολή Ενίσχυσης» (Art. 8.2 §1(iv))
# A call that declares no «Δικαιολογητικά πληρωμής» (stage payment_docs) asks these two of its
# «Αίτημα καταβολής» documents at payment (ΚΥΑ 7066 declares them there).
DEFAULT_DOCUMENTS = {
    BANK_DOCUMENT: ("Φωτοτυπία τραπεζικού εγγράφου (IBAN)", "ΚΥΑ 7066 Άρθ. 8.2 §1(iii)"),
    DECLARATION: ("Υπεύθυνη Δήλωση για την Καταβολή Ενίσχυσης", "ΚΥΑ 7066 Άρθ. 8.2 §1(iv)"),
}
# Who files for the business (as verification requests): the coordinator and the legal representative.
FILING_ROLES = (Membership.BusinessRole.COORDINATOR, Membership.BusinessRole.LEGAL_REPRESENTATIVE)
PROPOSER_ROLES = (Role.PAYMENT_OFFICER,)
APPROVER_ROLES = (Role.SUPERVISOR, Role.PROGRAMME_ADMIN)
QUEUE_ROLES = (Role.PAYMENT_OFFICER, Role.SUPERVISOR, Role.PROGRAMME_ADMIN, Role.AUDITOR)
ACTING_ROLES = (Role.PAYMENT_OFFICER, Role.SUPERVISOR, Role.PROGRAMME_ADMIN)
# ΚΥΑ 7066 Art. 8.2 §2, 8.6 (art. 61 §4 ν.4914/2022): no clearance for operations up to 10.000 €.
DEFAULT_CLEARANCE_THRESHOLD = Decimal("10000.00")
NO_WITHHOLDING_CITATION = {
    "fcfs_direct": "ΚΥΑ 7066 Άρθ. 8.6",
    "comparative": "Πρόσκληση 004 §11.3",
}
PAYMENT_FIELDS = ["state", "amount", "payee_iban", "protocol_number"]


# --- reads the flow needs ------------------------------------------------------------------------


def business_member_roles(user, payment: Payment) -> set[str]:
    business_id = payment.operation.business_id if payment.operation_id else None
    if not business_id or not user.is_authenticated:
        return set()
    return set(
        Membership.objects.filter(
            business_id=business_id, user=user, state=Membership.State.ACTIVE
        ).values_list("role", flat=True)
    )


def _locked(payment_id) -> Payment:
    payment = (
        Payment.objects.select_for_update(of=("self",))
        .select_related("call", "operation", "operation__business", "operation__application")
        .filter(pk=payment_id)
        .first()
    )
    if payment is None:
        raise NotFound("Η πληρωμή δεν βρέθηκε.")
    return payment


def _require_business(actor, payment: Payment) -> None:
    if not business_member_roles(actor, payment) & {str(r) for r in FILING_ROLES}:
        raise NotFound("Η πληρωμή δεν βρέθηκε.")


def _require_staff(actor, roles, message: str) -> None:
    if not actor.has_role(*roles):
        raise PermissionDenied(message, code="payment_role")


# --- IBAN ------------------------------------------------------------------------------------------


def normalise_iban(raw: str) -> str:
    return "".join((raw or "").split()).upper()


def validate_greek_iban(raw: str) -> str:
    """The IBAN of the business's account in Greece (ΚΥΑ 7066 Art. 8.2 §1(iii)): checked digits,
    length and bank code by schwifty, and «GR» as country. Returns it without spaces."""
    value = normalise_iban(raw)
    if not value:
        raise ValidationFailed(fields={"iban": ["Συμπληρώστε το IBAN του λογαριασμού της επιχείρησης."]})
    if not value.startswith("GR"):
        message = "Ο λογαριασμός πρέπει να τηρείται σε τράπεζα στην Ελλάδα: το IBAN αρχίζει από «GR»."
        raise ValidationFailed(message, code="iban_not_greek", fields={"iban": [message]})
    try:
        IBAN(value)
    except SchwiftyException:
        message = (
            "Το IBAN δεν είναι έγκυρο: ελέγξτε ότι έχει 27 χαρακτήρες (GR και 25 ψηφία) και ότι "
            "τα ψηφία ελέγχου είναι σωστά."
        )
        raise ValidationFailed(message, code="iban_invalid", fields={"iban": [message]}) from None
    return value


def mask_iban(value: str) -> str:
    """«GR16 **** 7890»: enough to recognise the account, not to use it."""
    value = normalise_iban(value)
    return f"{value[:4]} **** {value[-4:]}" if len(value) > 8 else value


def format_iban(value: str) -> str:
    value = normalise_iban(value)
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def iban_on_record(payment: Payment) -> str:
    """The IBAN filed with an earlier payment of the same operation (its bank document is on record)."""
    if not payment.operation_id:
        return ""
    earlier = (
        PaymentSubmission.objects.filter(payment__operation_id=payment.operation_id)
        .exclude(payment=payment)
        .exclude(payment__state__in=[State.REJECTED, State.CANCELLED])
        .order_by("-submitted_at")
        .first()
    )
    return earlier.iban if earlier else ""


# --- the documents --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentNeed:
    code: str
    name: str
    citation: str
    required_attachment: RequiredAttachment | None
    needed: bool  # mandatory for this payment
    note: str = ""


def documents_for(payment: Payment, *, iban: str | None = None) -> list[DocumentNeed]:
    """The call's «Δικαιολογητικά πληρωμής» for this payment. The bank document is needed with the
    first payment of the operation, or when the IBAN differs from the one on record."""
    rows = list(
        RequiredAttachment.objects.filter(call=payment.call, stage=RequiredAttachment.Stage.PAYMENT_DOCS)
    )
    if not rows:
        rows = list(
            RequiredAttachment.objects.filter(
                call=payment.call, stage=RequiredAttachment.Stage.PAYMENT, opske_code__in=DEFAULT_DOCUMENTS
            )
        )
    by_code = {r.opske_code: r for r in rows}
    codes = list(by_code) if by_code else list(DEFAULT_DOCUMENTS)
    for code in DEFAULT_DOCUMENTS:
        if code not in codes:
            codes.append(code)
    on_record = iban_on_record(payment)
    reuse = bool(on_record) and (iban is None or normalise_iban(iban) in ("", on_record))
    needs = []
    for code in sorted(codes):
        r = by_code.get(code)
        name, citation = DEFAULT_DOCUMENTS.get(code, ("", ""))
        needed = r.mandatory if r is not None else True
        note = ""
        if code == BANK_DOCUMENT and reuse:
            needed = False
            note = f"Υπάρχει ήδη στον φάκελο της πράξης για το IBAN {mask_iban(on_record)}."
        needs.append(
            DocumentNeed(
                code=code,
                name=r.name if r is not None else name,
                citation=(r.citation if r is not None and r.citation else citation),
                required_attachment=r,
                needed=needed,
                note=note,
            )
        )
    return needs


def current_documents(payment: Payment) -> list[PaymentDocument]:
    return list(payment.documents.filter(is_current=True).order_by("opske_code", "uploaded_at"))


def document_upload(*, actor, payment_id, code: str, file) -> PaymentDocument:
    """A file of one of the payment's documents, checked as every upload of the portal is (type
    by its first bytes, the document's size limit)."""
    with transaction.atomic():
        payment = _locked(payment_id)
        _require_business(actor, payment)
        if payment.state != State.DRAFT:
            raise Conflict("Τα δικαιολογητικά της πληρωμής έχουν ήδη υποβληθεί.", code="payment_not_draft")
        need = next((n for n in documents_for(payment) if n.code == code), None)
        if need is None:
            message = "Επιλέξτε ποιο δικαιολογητικό της πληρωμής αφορά το αρχείο."
            raise ValidationFailed(message, code="payment_document_unknown", fields={"file": [message]})
        content_type, sha256 = check_upload(file, need.required_attachment, payment.call)
        document = PaymentDocument(
            payment=payment,
            opske_code=need.code,
            required_attachment=need.required_attachment,
            original_name=(getattr(file, "name", "") or "αρχείο").rsplit("/", 1)[-1][:255],
            content_type=content_type,
            size=file.size,
            sha256=sha256,
            uploaded_by=actor,
        )
        document.file.save(document.original_name, file, save=False)
        try:
            document.save()
            audit.record(
                actor=actor,
                action="payment.document.uploaded",
                obj=payment,
                after={"document": need.code, "name": document.original_name, "sha256": sha256},
            )
        except BaseException:
            document.file.delete(save=False)
            raise
    return document


def document_delete(*, actor, payment_id, document_id) -> PaymentDocument:
    with transaction.atomic():
        payment = _locked(payment_id)
        _require_business(actor, payment)
        if payment.state != State.DRAFT:
            raise Conflict("Τα δικαιολογητικά της πληρωμής έχουν ήδη υποβληθεί.", code="payment_not_draft")
        document = payment.documents.filter(pk=document_id, is_current=True).first()
        if document is None:
            raise NotFound("Το αρχείο δεν βρέθηκε.")
        document.is_current = False
        document.save(update_fields=["is_current"])
        audit.record(
            actor=actor,
            action="payment.document.deleted",
            obj=payment,
            before={"document": document.opske_code, "name": document.original_name},
        )
    return document


def missing_documents(payment: Payment, *, iban: str | None = None) -> list[DocumentNeed]:
    have = {d.opske_code for d in current_documents(payment)}
    return [n for n in documents_for(payment, iban=iban) if n.needed and n.code not in have]


def submission_check(payment: Payment, *, iban: str, declaration: bool) -> str:
    """The IBAN the payment will be credited to, or `ValidationFailed` with every problem at its
    field (the IBAN, the declaration box, the missing files)."""
    errors: dict[str, list[str]] = {}
    on_record = iban_on_record(payment)
    raw = iban if normalise_iban(iban) else on_record
    try:
        value = validate_greek_iban(raw)
    except ValidationFailed as exc:
        errors.update(exc.fields)
        value = ""
    if not declaration:
        errors["declaration"] = [
            "Επιλέξτε το πλαίσιο της υπεύθυνης δήλωσης για την καταβολή της ενίσχυσης (09.03)."
        ]
    missing = missing_documents(payment, iban=value or raw)
    if missing:
        errors["file"] = [f"Λείπει το δικαιολογητικό {n.code} «{n.name}»." for n in missing]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, code="payment_documents_invalid", fields=errors)
    return value


def documents_submit(*, actor, payment_id, iban: str, declaration: bool) -> Payment:
    """DRAFT → SUBMITTED: the IBAN (Greek, valid), the solemn declaration ticked and its file, the
    bank document when needed; a protocol number and a receipt. Refused whole, with the reasons
    at their fields; the files already uploaded stay."""
    with transaction.atomic():
        payment = _locked(payment_id)
        _require_business(actor, payment)
        if payment.state != State.DRAFT:
            raise Conflict("Τα δικαιολογητικά της πληρωμής έχουν ήδη υποβληθεί.", code="payment_not_draft")
        value = submission_check(payment, iban=iban, declaration=declaration)
        on_record = iban_on_record(payment)
        now = timezone.now()
        protocol = f"{payment.code}/ΔΠΛ"
        files = current_documents(payment)
        receipt = {
            "protocol_number": protocol,
            "submitted_at_display": to_athens(now).strftime("%d/%m/%Y %H:%M:%S"),
            "payment": payment.code,
            "operation": payment.operation.code if payment.operation_id else "",
            "business": payment.payee_name,
            "amount": str(payment.amount),
            "iban_masked": mask_iban(value),
            "iban_reused": value == on_record,
            "declaration": "Υπεύθυνη Δήλωση για την Καταβολή Ενίσχυσης (09.03): δηλώθηκε",
            "files": [
                {"document": f.opske_code, "name": f.original_name, "size": f.size, "sha256": f.sha256}
                for f in files
            ],
        }
        submission = PaymentSubmission.objects.create(
            payment=payment,
            iban=value,
            iban_reused=value == on_record,
            declaration_accepted=True,
            protocol_number=protocol,
            receipt=receipt,
            submitted_by=actor,
            submitted_at=now,
        )
        submission.receipt_document = document_request(
            obj=payment,
            kind="payment_documents_receipt",
            template="payments/flow/pdf/receipt.html",
            context=receipt,
            actor=actor,
        )
        submission.save(update_fields=["receipt_document"])
        before = audit.snapshot(payment, PAYMENT_FIELDS)
        payment.payee_iban = value
        payment.protocol_number = protocol
        payment.submitted_at = now
        payment.submitted_by = actor
        payment.submit()
        payment.save()
        audit.record(
            actor=actor,
            action="payment.documents_submitted",
            obj=payment,
            before=before,
            after={**audit.snapshot(payment, PAYMENT_FIELDS), "documents": [f.opske_code for f in files]},
        )
        _notify_business(
            actor,
            payment,
            subject=f"Υποβλήθηκαν τα δικαιολογητικά της πληρωμής {payment.code}",
            body=(
                f"Τα δικαιολογητικά της πληρωμής {payment.code} ({format_eur(payment.amount)}) υποβλήθηκαν "
                f"με αριθμό πρωτοκόλλου {protocol} στις {receipt['submitted_at_display']}. Το αποδεικτικό "
                "υποβολής είναι στη σελίδα της πληρωμής."
            ),
            kind="payments.documents_submitted",
        )
    return payment


def _notify_business(actor, payment: Payment, *, subject: str, body: str, kind: str, legal: bool = False):
    if not payment.operation_id or not payment.operation.business_id:
        return
    members = Membership.objects.filter(
        business_id=payment.operation.business_id, state=Membership.State.ACTIVE, role__in=FILING_ROLES
    ).select_related("user")
    notify(
        recipients=[m.user for m in members],
        subject=subject,
        body=body,
        kind=kind,
        obj=payment,
        actor=actor,
        legal=legal,
    )


# --- the approval limits ---------------------------------------------------------------------------


def limit_for(role: str, call: Call) -> ApprovalLimit | None:
    """The call's own limit of the role, else the portal-wide one."""
    own = ApprovalLimit.objects.filter(role=role, call_id=call.pk).first()
    return own or ApprovalLimit.objects.filter(role=role, call__isnull=True).first()


def actor_limit(actor, call: Call) -> tuple[str, ApprovalLimit] | None:
    """The actor's highest approval limit on this call among their approving roles."""
    best = None
    for role in APPROVER_ROLES:
        if actor.has_role(role):
            row = limit_for(str(role), call)
            if row is not None and (best is None or row.max_amount > best[1].max_amount):
                best = (str(role), row)
    return best


def limit_save(*, actor, role: str, call_id: int | None, max_amount: Decimal, level: int) -> ApprovalLimit:
    """Set the limit of a role (for one call or portal-wide); staff with programme_admin only."""
    _require_staff(actor, [Role.PROGRAMME_ADMIN], "Τα όρια έγκρισης τα ορίζει ο διαχειριστής προγράμματος.")
    if role not in {str(r) for r in APPROVER_ROLES}:
        raise ValidationFailed(fields={"role": ["Όριο ορίζεται μόνο για ρόλο που εγκρίνει πληρωμές."]})
    if max_amount is None or max_amount < 0:
        raise ValidationFailed(fields={"max_amount": ["Το όριο δεν μπορεί να είναι αρνητικό."]})
    with transaction.atomic():
        row = ApprovalLimit.objects.select_for_update().filter(role=role, call_id=call_id).first()
        before = audit.snapshot(row, ["role", "call_id", "max_amount", "level"]) if row else None
        if row is None:
            row = ApprovalLimit(role=role, call_id=call_id)
        row.max_amount = max_amount
        row.level = level
        row.save()
        audit.record(
            actor=actor,
            action="payment.approval_limit.saved",
            obj=row,
            before=before,
            after=audit.snapshot(row, ["role", "call_id", "max_amount", "level"]),
        )
    return row


def limit_delete(*, actor, limit_id: int) -> None:
    _require_staff(actor, [Role.PROGRAMME_ADMIN], "Τα όρια έγκρισης τα ορίζει ο διαχειριστής προγράμματος.")
    with transaction.atomic():
        row = ApprovalLimit.objects.select_for_update().filter(pk=limit_id).first()
        if row is None:
            raise NotFound("Το όριο δεν βρέθηκε.")
        before = audit.snapshot(row, ["role", "call_id", "max_amount", "level"])
        audit.record(actor=actor, action="payment.approval_limit.deleted", obj=row, before=before)
        row.delete()


# --- proposal, approval, send back, rejection --------------------------------------------------------


def current_round(payment: Payment) -> list[PaymentApproval]:
    """The signatures since the payment was last sent back (a new proposal starts a new round)."""
    signatures = list(payment.approvals.select_related("user").order_by("at", "pk"))
    last_back = max((i for i, s in enumerate(signatures) if s.step == Step.SEND_BACK), default=-1)
    return signatures[last_back + 1 :]


def _sign(payment, step, actor, role, note="") -> PaymentApproval:
    return PaymentApproval.objects.create(
        payment=payment, step=step, role=role, user=actor, at=timezone.now(), note=note
    )


def payment_propose(*, actor, payment_id, note: str = "") -> Payment:
    """SUBMITTED → PROPOSED by the payment officer (the maker, «συντάκτης»)."""
    _require_staff(actor, PROPOSER_ROLES, "Την πρόταση πληρωμής τη συντάσσει ο υπάλληλος πληρωμών.")
    with transaction.atomic():
        payment = _locked(payment_id)
        if payment.state != State.SUBMITTED:
            raise Conflict(
                f"Η πληρωμή είναι «{payment.get_state_display()}»· προτείνεται μόνο αφού υποβληθούν τα "
                "δικαιολογητικά πληρωμής.",
                code="payment_not_submitted",
            )
        before = audit.snapshot(payment, PAYMENT_FIELDS)
        _sign(payment, Step.PROPOSAL, actor, str(Role.PAYMENT_OFFICER), note)
        payment.proposed_by = actor
        payment.proposed_at = timezone.now()
        payment.propose()
        payment.save()
        audit.record(
            actor=actor,
            action="payment.proposed",
            obj=payment,
            before=before,
            after={**audit.snapshot(payment, PAYMENT_FIELDS), "note": note},
        )
    return payment


def approvals_needed(payment: Payment) -> str:
    """What the payment awaits, in words (shown on its page)."""
    if payment.state != State.PROPOSED:
        return ""
    signed = [s for s in current_round(payment) if s.step in (Step.APPROVAL, Step.HIGHER_APPROVAL)]
    if not signed:
        return "Αναμένεται έγκριση από τον προϊστάμενο (ή τον διαχειριστή προγράμματος)."
    return (
        f"Εγκρίθηκε από {signed[-1].user.get_full_name() or signed[-1].user.username}· το ποσό υπερβαίνει "
        "το όριο έγκρισής του και αναμένεται έγκριση ανώτερου επιπέδου (διαχειριστής προγράμματος)."
    )


def clearance_required(payment: Payment) -> tuple[bool, Decimal, Decimal]:
    """ΚΥΑ 7066 Art. 8.2 §2, 8.6 (art. 61 §4 ν.4914/2022): the clearance is needed when the
    operation's approved public expenditure is above the call's `clearance_threshold`.
    (The ΚΥΑ's own example of one 01.23 hire says 9.960 €; computed, it is 829,50 × 12 = 9.954,00 €.)"""
    raw = (payment.call.config or {}).get("clearance_threshold")
    threshold = Decimal(raw) if raw not in (None, "") else DEFAULT_CLEARANCE_THRESHOLD
    operation = payment.operation
    expenditure = (operation.public_expenditure or operation.approved_total) if operation else payment.amount
    expenditure = Decimal(expenditure or 0)
    return expenditure > threshold, expenditure, threshold


def check_clearance(payment: Payment) -> list[dict]:
    """Both certificates «για είσπραξη χρημάτων από Δημόσιο» valid today, asked ex officio; else
    `ValidationFailed` with the registry's reason (no approval is written)."""
    required, expenditure, threshold = clearance_required(payment)
    if not required:
        return []
    afm = payment.payee_afm or (payment.operation.business.afm if payment.operation_id else "")
    client = ClearanceClient()
    today = timezone.localdate()
    found = []
    for kind, fetch, title in (
        ("tax", client.tax_clearance, "φορολογική ενημερότητα (ΑΑΔΕ)"),
        ("insurance", client.insurance_clearance, "ασφαλιστική ενημερότητα (e-ΕΦΚΑ)"),
    ):
        try:
            clearance = fetch(afm)
        except ApplicationError as exc:
            raise ValidationFailed(
                f"Δεν ελέγχθηκε η {title}: {exc.message} Η πληρωμή δεν εγκρίθηκε.",
                code="clearance_unavailable",
            ) from exc
        if not clearance.valid_on(today):
            reason = clearance.reason or "η βεβαίωση δεν είναι σε ισχύ."
            raise ValidationFailed(
                f"Δεν υπάρχει σε ισχύ {title} για είσπραξη χρημάτων από το Δημόσιο: {reason} Η δημόσια "
                f"δαπάνη της πράξης ({format_eur(expenditure)}) υπερβαίνει το όριο των "
                f"{format_eur(threshold)} (ΚΥΑ 7066 Άρθ. 8.2 §2, 8.6). Η πληρωμή δεν εγκρίθηκε.",
                code=f"clearance_{kind}_missing",
            )
        found.append(
            {"kind": kind, "reference": clearance.reference, "valid_until": clearance.valid_until.isoformat()}
        )
    return found


def no_withholding_statement(payment: Payment) -> str:
    """Art. 61 §3 ν.4914/2022: «ο διατάκτης … ορίζει ρητά ότι η ενίσχυση αυτή εμπίπτει στις
    ρυθμίσεις του παρόντος άρθρου»."""
    citation = NO_WITHHOLDING_CITATION.get(payment.call.evaluation_method, "ΚΥΑ 7066 Άρθ. 8.6")
    return (
        "Η ενίσχυση εμπίπτει στις ρυθμίσεις του άρθρου 61 του ν. 4914/2022 (Α' 61): είναι ακατάσχετη, "
        "δεν συμψηφίζεται με βεβαιωμένες οφειλές του δικαιούχου προς το Δημόσιο, τα ασφαλιστικά ταμεία "
        "και τα πιστωτικά ιδρύματα, δεν υπόκειται σε παρακράτηση και δεν εισπράττεται επ' αυτής καμία "
        f"ειδική επιβάρυνση ή τέλος ισοδύναμου αποτελέσματος ({citation})."
    )


def approval_plan(actor, payment: Payment) -> tuple[str, str, ApprovalLimit]:
    """Which signature the actor would give (APPROVAL or HIGHER_APPROVAL), with the role and limit
    it is given under; the refusal otherwise. The page asks it before its confirmation, the
    service again under the payment's row lock."""
    if not actor.has_role(*APPROVER_ROLES, *PROPOSER_ROLES):
        raise PermissionDenied("Δεν έχετε ρόλο που εγκρίνει πληρωμές.", code="payment_role")
    if payment.state == State.APPROVED:
        raise Conflict("Η πληρωμή έχει ήδη εγκριθεί (από άλλον χρήστη).", code="payment_already_approved")
    if payment.state != State.PROPOSED:
        raise Conflict(
            f"Η πληρωμή είναι «{payment.get_state_display()}»· εγκρίνεται μόνο όταν έχει προταθεί.",
            code="payment_not_proposed",
        )
    signatures = current_round(payment)
    own = next((s for s in signatures if s.user_id == actor.pk), None)
    if own is not None:
        what = "προτείνατε" if own.step == Step.PROPOSAL else "έχετε ήδη εγκρίνει"
        raise PermissionDenied(
            f"Δεν μπορείτε να εγκρίνετε πληρωμή που {what} εσείς: ο συντάκτης και ο εγκρίνων είναι "
            "πάντα διαφορετικά πρόσωπα (αρχή των «τεσσάρων οφθαλμών»).",
            code="maker_checker",
        )
    held = actor_limit(actor, payment.call)
    if held is None:
        raise PermissionDenied(
            "Ο ρόλος σας δεν έχει όριο έγκρισης πληρωμών σε αυτή την πρόσκληση.", code="payment_no_limit"
        )
    role, limit = held
    approved = [s for s in signatures if s.step in (Step.APPROVAL, Step.HIGHER_APPROVAL)]
    if not approved:
        return Step.APPROVAL, role, limit
    if payment.amount > limit.max_amount:
        raise PermissionDenied(
            f"Το ποσό {format_eur(payment.amount)} υπερβαίνει και το δικό σας όριο έγκρισης "
            f"({format_eur(limit.max_amount)}).",
            code="payment_above_limit",
        )
    if limit.level <= max((_level(s.role, payment.call) for s in approved), default=0):
        raise PermissionDenied(
            "Η πληρωμή αναμένει έγκριση ανώτερου επιπέδου από αυτό που έχει ήδη εγκρίνει.",
            code="payment_higher_level",
        )
    return Step.HIGHER_APPROVAL, role, limit


def payment_approve(*, actor, payment_id, note: str = "") -> Payment:
    """The checker's approval. The maker never approves (four eyes). Above the checker's limit a
    higher level must approve too; the last approval books, decides and notifies in one go."""
    with transaction.atomic():
        payment = _locked(payment_id)
        step, role, limit = approval_plan(actor, payment)
        if step == Step.APPROVAL and payment.amount > limit.max_amount:
            # The checker signs; a higher level completes the approval.
            _sign(payment, step, actor, role, note)
            audit.record(
                actor=actor,
                action="payment.approval_signed",
                obj=payment,
                after={
                    "step": step,
                    "role": role,
                    "limit": str(limit.max_amount),
                    "amount": str(payment.amount),
                    "awaits": "higher_approval",
                },
            )
            return payment
        return _finalise(actor, payment, step=step, role=role, note=note, limit=limit)


def _level(role: str, call: Call) -> int:
    row = limit_for(role, call)
    return row.level if row else 0


def _finalise(actor, payment: Payment, *, step, role, note, limit) -> Payment:
    """PROPOSED → APPROVED in the caller's transaction: clearance, ledger, decision, audit, notice."""
    clearances = check_clearance(payment)
    # Ledger rows are locked before the audit chain's head (payments.services.ledger).
    ledger.book_payment(payment, by=actor)
    before = audit.snapshot(payment, PAYMENT_FIELDS)
    signature = _sign(payment, step, actor, role, note)
    now = timezone.now()
    payment.no_withholding_statement = no_withholding_statement(payment)
    payment.approved_at = now
    payment.approve()
    trail = [
        {
            "step": s.get_step_display(),
            "role": Role(s.role).label if s.role in Role.values else s.role,
            "user": s.user.get_full_name() or s.user.username,
            "at": to_athens(s.at).strftime("%d/%m/%Y %H:%M"),
        }
        for s in [*current_round(payment)]
    ]
    context = {
        "code": payment.code,
        "decision_number": f"{payment.code}/ΑΕΠ",
        "approved_at_display": to_athens(now).strftime("%d/%m/%Y"),
        "call": str(payment.call),
        "operation": payment.operation.code if payment.operation_id else "",
        "operation_title": payment.operation.title if payment.operation_id else "",
        "payee": payment.payee_name,
        "payee_afm": payment.payee_afm,
        "iban_masked": mask_iban(payment.payee_iban),
        "kind": payment.get_kind_display(),
        "amount": str(payment.amount),
        "year": payment.year,
        "lines": payment.breakdown,
        "clearances": clearances,
        "statement": payment.no_withholding_statement,
        "trail": trail,
        "legal_basis": list((payment.call.config or {}).get("legal_basis") or []),
        "authority": list(((payment.call.config or {}).get("decision_act") or {}).get("authority") or []),
    }
    payment.decision_document = document_request(
        obj=payment,
        kind="payment_approval_decision",
        template="payments/flow/pdf/decision.html",
        context=context,
        actor=actor,
    )
    payment.save()
    audit.record(
        actor=actor,
        action="payment.approved",
        obj=payment,
        before=before,
        after={
            **audit.snapshot(payment, PAYMENT_FIELDS),
            "step": step,
            "role": role,
            "signature": signature.pk,
            "limit": str(limit.max_amount),
            "clearances": [c["reference"] for c in clearances],
            "statement": "art61_n4914_2022",
        },
    )
    _notify_business(
        actor,
        payment,
        subject=f"Εγκρίθηκε η πληρωμή {payment.code}",
        body=(
            f"Εγκρίθηκε η πληρωμή {payment.code} ποσού {format_eur(payment.amount)} προς τον λογαριασμό "
            f"{mask_iban(payment.payee_iban)}. {payment.no_withholding_statement} Η απόφαση έγκρισης "
            "πληρωμής είναι στη σελίδα της πληρωμής."
        ),
        kind="payments.approved",
        legal=True,
    )
    return payment


def _reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationFailed(
            fields={
                field: ["Γράψτε την αιτιολογία (τουλάχιστον 10 χαρακτήρες): ο δικαιούχος θα τη διαβάσει."]
            }
        )
    return reason


def payment_send_back(*, actor, payment_id, reason: str) -> Payment:
    """PROPOSED → SUBMITTED: the checker returns the proposal to the payment officer for correction."""
    _require_staff(actor, APPROVER_ROLES, "Επιστροφή για διόρθωση κάνει ο εγκρίνων.")
    reason = _reason(reason)
    with transaction.atomic():
        payment = _locked(payment_id)
        if payment.state != State.PROPOSED:
            raise Conflict(
                "Επιστρέφεται για διόρθωση μόνο πληρωμή που έχει προταθεί.", code="payment_not_proposed"
            )
        if any(s.user_id == actor.pk and s.step == Step.PROPOSAL for s in current_round(payment)):
            raise PermissionDenied("Δεν μπορείτε να ελέγξετε δική σας πρόταση.", code="maker_checker")
        before = audit.snapshot(payment, PAYMENT_FIELDS)
        role = next(str(r) for r in APPROVER_ROLES if actor.has_role(r))
        _sign(payment, Step.SEND_BACK, actor, role, reason)
        payment.send_back()
        payment.save()
        audit.record(
            actor=actor, action="payment.sent_back", obj=payment, before=before,
            after=audit.snapshot(payment, PAYMENT_FIELDS), reason=reason,
        )  # fmt: skip
    return payment


def payment_reject(*, actor, payment_id, reason: str) -> Payment:
    """→ REJECTED with the reason (irreversible; confirmed first by the page); the business is told."""
    _require_staff(actor, APPROVER_ROLES, "Την απόρριψη πληρωμής την αποφασίζει ο εγκρίνων.")
    reason = _reason(reason)
    with transaction.atomic():
        payment = _locked(payment_id)
        if payment.state not in (State.DRAFT, State.SUBMITTED, State.PROPOSED):
            raise Conflict(
                f"Η πληρωμή είναι «{payment.get_state_display()}» και δεν απορρίπτεται πια.",
                code="payment_not_rejectable",
            )
        if any(s.user_id == actor.pk and s.step == Step.PROPOSAL for s in current_round(payment)):
            raise PermissionDenied("Δεν μπορείτε να απορρίψετε δική σας πρόταση.", code="maker_checker")
        before = audit.snapshot(payment, PAYMENT_FIELDS)
        role = next(str(r) for r in APPROVER_ROLES if actor.has_role(r))
        _sign(payment, Step.REJECTION, actor, role, reason)
        payment.failure_reason = reason
        payment.reject()
        payment.save()
        audit.record(
            actor=actor, action="payment.rejected", obj=payment, before=before,
            after=audit.snapshot(payment, PAYMENT_FIELDS), reason=reason,
        )  # fmt: skip
        _notify_business(
            actor,
            payment,
            subject=f"Απορρίφθηκε η πληρωμή {payment.code}",
            body=f"Η πληρωμή {payment.code} ({format_eur(payment.amount)}) απορρίφθηκε. Αιτιολογία: {reason}",
            kind="payments.rejected",
            legal=True,
        )
    return payment
