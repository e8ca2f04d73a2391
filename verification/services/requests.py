"""The beneficiary files a verification request (αίτημα επαλήθευσης – πιστοποίησης, ΔΔΔ): a draft,
its itemised expenditure by approved category, the documents, and the submission with its receipt.

Every write here: keyword-only, in one transaction, one audit event per change; the facts go to
verification.rules.requests, which decides. What the check does after the submission (under
check, report, acceptance, objection) is verification.services.check's («vcheck»).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Membership
from accounts.selectors import user_business_roles
from accounts.validators import normalise_afm, validate_afm
from applications.attachments import _check_file as check_upload
from calls.models import RequiredAttachment
from operations.models import Operation
from opske import audit
from opske.dates import to_athens
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opske.money import format_eur
from opske.notifications import notify
from opske.pdf import document_request
from verification import selection
from verification.models import ExpenditureItem, PaymentMethod, RequestAttachment, VerificationRequest
from verification.rules import requests as rules
from verification.selectors import requests as selectors

ZERO = Decimal("0.00")
# Πρόσκληση 004 §8, §11.1.A: the coordinator (or the legal representative) acts for the beneficiary.
FILING_ROLES = frozenset({Membership.BusinessRole.COORDINATOR, Membership.BusinessRole.LEGAL_REPRESENTATIVE})
ITEM_FIELDS = [
    "category",
    "description",
    "supplier_name",
    "supplier_afm",
    "document_number",
    "document_date",
    "amount",
    "vat",
    "total_amount",
    "payment_method",
    "payment_date",
    "payment_proof",
]
KINDS = (VerificationRequest.Kind.INTERIM, VerificationRequest.Kind.FINAL)


def _require_member(actor, operation: Operation, *, write: bool = True) -> None:
    roles = user_business_roles(actor, operation.business) if operation.business_id else frozenset()
    if not roles:
        raise NotFound("Η πράξη δεν βρέθηκε.")  # another business's operation: a 404
    if write and not roles & FILING_ROLES:
        raise PermissionDenied("Αίτημα επαλήθευσης υποβάλλει ο συντονιστής ή ο νόμιμος εκπρόσωπος.")


def _locked_request(actor, request_id) -> VerificationRequest:
    try:
        request_id = int(request_id)
    except (TypeError, ValueError):
        raise NotFound("Το αίτημα επαλήθευσης δεν βρέθηκε.") from None
    req = (
        VerificationRequest.objects.select_for_update(of=("self",))
        .select_related("operation__call", "operation__business", "operation__application")
        .filter(pk=request_id)
        .first()
    )
    if req is None:
        raise NotFound("Το αίτημα επαλήθευσης δεν βρέθηκε.")
    _require_member(actor, req.operation)
    return req


def _require_draft(req: VerificationRequest) -> None:
    if not req.is_editable:
        raise Conflict(
            f"Το αίτημα έχει υποβληθεί ({req.protocol_number}) και δεν αλλάζει.", code="request_not_editable"
        )


def _raise(problems: list[rules.Problem], *, default_field: str = "") -> None:
    if not problems:
        return
    fields: dict[str, list[str]] = {}
    for p in problems:
        fields.setdefault(p.field or default_field or "__all__", []).append(p.message)
    raise ValidationFailed(problems[0].message, code=problems[0].code, fields=fields)


# --- the draft ---------------------------------------------------------------------------------


def request_create(
    *, actor, operation_id, kind: str = VerificationRequest.Kind.INTERIM
) -> VerificationRequest:
    """A new draft request of the operation; one draft at a time (the open one is returned)."""
    with transaction.atomic():
        op = (
            Operation.objects.select_for_update(of=("self",))
            .select_related("business", "call")
            .filter(pk=operation_id)
            .first()
        )
        if op is None:
            raise NotFound("Η πράξη δεν βρέθηκε.")
        _require_member(actor, op)
        if op.state != Operation.State.ACTIVE:
            raise Conflict("Η πράξη δεν είναι σε υλοποίηση.", code="operation_not_active")
        if kind not in KINDS:
            raise ValidationFailed(fields={"kind": ["Επιλέξτε ενδιάμεσο ή τελικό αίτημα."]})
        draft = VerificationRequest.objects.filter(
            operation=op, state=VerificationRequest.State.DRAFT
        ).first()
        if draft is not None:
            return draft
        seq = (VerificationRequest.objects.filter(operation=op).aggregate(m=Max("seq"))["m"] or 0) + 1
        req = VerificationRequest.objects.create(
            operation=op,
            seq=seq,
            kind=kind,
            is_final=kind == VerificationRequest.Kind.FINAL,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action="verification.request.created",
            obj=req,
            after={"operation": op.code, "seq": seq, "kind": kind},
        )
    return req


def request_set_kind(*, actor, request_id, kind: str) -> VerificationRequest:
    """Interim or final, while the request is a draft."""
    with transaction.atomic():
        req = _locked_request(actor, request_id)
        _require_draft(req)
        if kind not in KINDS:
            raise ValidationFailed(fields={"kind": ["Επιλέξτε ενδιάμεσο ή τελικό αίτημα."]})
        before = {"kind": req.kind}
        req.kind = kind
        req.is_final = kind == VerificationRequest.Kind.FINAL
        req.save(update_fields=["kind", "is_final"])
        audit.record(
            actor=actor, action="verification.request.kind_set", obj=req, before=before, after={"kind": kind}
        )
    return req


def _clean_item(data: dict, *, flat_rate: frozenset[str] = frozenset()) -> dict:
    """The item's values as the model holds them; the ΑΦΜ checked (digits and check digit)."""
    clean = {k: data.get(k) for k in ITEM_FIELDS}
    for k in (
        "category",
        "description",
        "supplier_name",
        "document_number",
        "payment_proof",
        "payment_method",
    ):
        clean[k] = str(clean[k] or "").strip()
    clean["vat"] = clean["vat"] if clean["vat"] is not None else ZERO
    errors: dict[str, list[str]] = {}
    afm = normalise_afm(str(clean["supplier_afm"] or ""))
    clean["supplier_afm"] = afm
    if afm:
        try:
            validate_afm(afm)
        except DjangoValidationError as exc:
            errors["supplier_afm"] = list(exc.messages)
    # A flat-rate category (09.02 indirect costs, Πρόσκληση 004 §6.1) needs no invoice.
    flat = clean["category"] in flat_rate
    for required, message in (
        ("supplier_name", "Συμπληρώστε τον προμηθευτή."),
        ("document_number", "Συμπληρώστε τον αριθμό του παραστατικού."),
        ("category", "Επιλέξτε την κατηγορία δαπάνης."),
    ):
        if not clean[required] and not (flat and required != "category"):
            errors[required] = [message]
    if clean["document_date"] is None and not flat:
        errors["document_date"] = ["Συμπληρώστε την ημερομηνία του παραστατικού (ΗΗ/ΜΜ/ΕΕΕΕ)."]
    if clean["amount"] is None:
        errors["amount"] = ["Συμπληρώστε το καθαρό ποσό."]
    if clean["payment_method"] and clean["payment_method"] not in PaymentMethod.values:
        errors["payment_method"] = ["Επιλέξτε τρόπο εξόφλησης από τη λίστα."]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, fields=errors)
    return clean


def _other_documents(req: VerificationRequest, *, exclude_item: int | None = None) -> set[tuple[str, str]]:
    """(supplier, document number) of every item the operation has declared, drafts withdrawn aside."""
    rows = (
        ExpenditureItem.objects.filter(request__operation_id=req.operation_id)
        .exclude(request__state__in=selectors.NOT_COUNTING[1:])
        .exclude(pk=exclude_item)
        .values_list("supplier_afm", "supplier_name", "document_number")
    )
    return {(afm or name.strip().upper(), rules.normalise_document_number(n)) for afm, name, n in rows}


def _check_item(req: VerificationRequest, clean: dict, *, exclude_item: int | None = None) -> None:
    op = req.operation
    eligible_from, eligible_until = selectors.eligibility_window(op)
    problems = rules.item_problems(
        category=clean["category"],
        approved_categories=op.budget_lines.values_list("category", flat=True),
        net=clean["amount"],
        vat=clean["vat"],
        total=clean["total_amount"],
        document_date=clean["document_date"],
        payment_date=clean["payment_date"],
        payment_method=clean["payment_method"],
        supplier_key=clean["supplier_afm"] or clean["supplier_name"].upper(),
        document_number=clean["document_number"],
        other_documents=_other_documents(req, exclude_item=exclude_item),
        eligible_from=eligible_from,
        eligible_until=eligible_until,
        limits=selectors.limits_for(op.call),
    )
    _raise(problems)


def _item_snapshot(item: ExpenditureItem) -> dict:
    return audit.snapshot(item, ITEM_FIELDS)


def _refresh_total(req: VerificationRequest) -> None:
    total = sum((i.amount for i in ExpenditureItem.objects.filter(request=req)), ZERO)
    req.declared_total = total
    req.save(update_fields=["declared_total"])


def item_add(*, actor, request_id, data: dict) -> ExpenditureItem:
    """One more expense of the draft, checked by the rules (nothing is saved when refused)."""
    with transaction.atomic():
        req = _locked_request(actor, request_id)
        _require_draft(req)
        clean = _clean_item(data, flat_rate=selectors.flat_rate_categories(req.operation))
        _check_item(req, clean)
        item = ExpenditureItem.objects.create(request=req, **clean)
        _refresh_total(req)
        audit.record(actor=actor, action="verification.item.added", obj=item, after=_item_snapshot(item))
    return item


def item_update(*, actor, request_id, item_id, data: dict) -> ExpenditureItem:
    with transaction.atomic():
        req = _locked_request(actor, request_id)
        _require_draft(req)
        item = ExpenditureItem.objects.filter(request=req, pk=item_id).first()
        if item is None:
            raise NotFound("Η δαπάνη δεν βρέθηκε.")
        clean = _clean_item(data, flat_rate=selectors.flat_rate_categories(req.operation))
        _check_item(req, clean, exclude_item=item.pk)
        before = _item_snapshot(item)
        for k, v in clean.items():
            setattr(item, k, v)
        item.save()
        _refresh_total(req)
        audit.record(
            actor=actor,
            action="verification.item.updated",
            obj=item,
            before=before,
            after=_item_snapshot(item),
        )
    return item


def item_remove(*, actor, request_id, item_id) -> None:
    """Remove an expense from the draft; its files stay on record, no longer current."""
    with transaction.atomic():
        req = _locked_request(actor, request_id)
        _require_draft(req)
        item = ExpenditureItem.objects.filter(request=req, pk=item_id).first()
        if item is None:
            raise NotFound("Η δαπάνη δεν βρέθηκε.")
        before = {"pk": item.pk, **_item_snapshot(item)}
        RequestAttachment.objects.filter(item=item, is_current=True).update(
            is_current=False, deleted_at=timezone.now()
        )
        item.delete()
        _refresh_total(req)
        audit.record(actor=actor, action="verification.item.removed", obj=req, before=before)


# --- documents ---------------------------------------------------------------------------------

ATTACHMENT_FIELDS = ["original_name", "content_type", "size", "sha256", "is_current"]


def payment_documents(call) -> list[RequiredAttachment]:
    """The call's documents for a verification request (Πρόσκληση 004 Παρ. VI, stage «payment»)."""
    return list(
        RequiredAttachment.objects.filter(call=call, stage=RequiredAttachment.Stage.PAYMENT).order_by(
            "position", "opske_code"
        )
    )


def document_applies(required: RequiredAttachment, *, is_final: bool) -> bool:
    """Παρ. VI: «κάθε αίτημα» applies to every request, «μόνο τελικό αίτημα» to the final one."""
    return is_final or "τελικό" not in (required.applies_to or "") or "κάθε" in (required.applies_to or "")


def attachment_upload(
    *, actor, request_id, file, item_id: int | None = None, required_attachment_id: int | None = None
) -> RequestAttachment:
    """A file of the draft: a proof of one item, or one of the call's documents for the request.
    The file is checked by what it is (PDF/JPEG/PNG by its first bytes) and by the call's limits."""
    with transaction.atomic():
        req = _locked_request(actor, request_id)
        _require_draft(req)
        item = None
        if item_id is not None:
            item = ExpenditureItem.objects.filter(request=req, pk=item_id).first()
            if item is None:
                raise ValidationFailed(fields={"file": ["Η δαπάνη δεν ανήκει σε αυτό το αίτημα."]})
        required = None
        if required_attachment_id is not None:
            required = RequiredAttachment.objects.filter(
                pk=required_attachment_id,
                call_id=req.operation.call_id,
                stage=RequiredAttachment.Stage.PAYMENT,
            ).first()
            if required is None:
                raise ValidationFailed(
                    fields={"file": ["Το δικαιολογητικό δεν ανήκει σε αυτή την πρόσκληση."]}
                )
        content_type, sha256 = check_upload(file, required, req.operation.call)
        if required is not None and required.max_files:
            count = RequestAttachment.objects.filter(
                request=req, required_attachment=required, is_current=True
            )
            if count.count() >= required.max_files:
                message = (
                    f"Το δικαιολογητικό {required.opske_code} έχει ήδη {required.max_files} αρχεία· "
                    "διαγράψτε ένα για να αναρτήσετε άλλο."
                )
                raise ValidationFailed(message, code="attachment_too_many", fields={"file": [message]})
        attachment = RequestAttachment(
            request=req,
            item=item,
            required_attachment=required,
            original_name=(getattr(file, "name", "") or "αρχείο").rsplit("/", 1)[-1][:255],
            content_type=content_type,
            size=file.size,
            sha256=sha256,
            uploaded_by=actor,
        )
        attachment.file.save(attachment.original_name, file, save=False)
        try:
            attachment.save()
            audit.record(
                actor=actor,
                action="verification.attachment.uploaded",
                obj=attachment,
                after={
                    "item": item.pk if item else None,
                    "document": required.opske_code if required else None,
                    **audit.snapshot(attachment, ATTACHMENT_FIELDS),
                },
            )
        except BaseException:
            attachment.file.delete(save=False)  # the row rolls back; the file must not outlive it
            raise
    return attachment


def attachment_delete(*, actor, request_id, attachment_id) -> RequestAttachment:
    with transaction.atomic():
        req = _locked_request(actor, request_id)
        _require_draft(req)
        attachment = RequestAttachment.objects.filter(request=req, pk=attachment_id, is_current=True).first()
        if attachment is None:
            raise NotFound("Το συνημμένο δεν βρέθηκε.")
        before = audit.snapshot(attachment, ATTACHMENT_FIELDS)
        attachment.is_current = False
        attachment.deleted_at = timezone.now()
        attachment.save(update_fields=["is_current", "deleted_at"])
        audit.record(
            actor=actor,
            action="verification.attachment.deleted",
            obj=attachment,
            before=before,
            after=audit.snapshot(attachment, ATTACHMENT_FIELDS),
        )
    return attachment


# --- submission --------------------------------------------------------------------------------


def missing_documents(req: VerificationRequest) -> list[rules.Problem]:
    """The call's mandatory documents for this request with no current file."""
    current = list(
        RequestAttachment.objects.filter(request=req, is_current=True).values_list(
            "required_attachment_id", "item_id"
        )
    )
    uploaded = {doc for doc, _ in current if doc is not None}
    with_file = {item for _, item in current if item is not None}
    without_file = [
        rules.Problem(
            "item_without_file",
            "documents",
            f"Η δαπάνη {i.document_number} ({i.supplier_name}) δεν έχει συνημμένο παραστατικό ή αποδεικτικό "
            "εξόφλησης (Πρόσκληση 004 Παρ. VI).",
        )
        for i in req.items.all()
        if i.pk not in with_file
    ]
    return without_file + [
        rules.Problem(
            "document_missing",
            "documents",
            f"Λείπει το δικαιολογητικό {r.opske_code} «{r.name}» ({r.citation or 'όροι της πρόσκλησης'}).",
        )
        for r in payment_documents(req.operation.call)
        if r.mandatory and document_applies(r, is_final=req.is_final) and r.pk not in uploaded
    ]


def submission_check(req: VerificationRequest, *, now: datetime.datetime | None = None):
    """(problems, warnings, facts) of submitting `req` now: the call's limits, the categories, the
    documents. Read by the submission and by the request page (what is still missing)."""
    op = req.operation
    limits = selectors.limits_for(op.call)
    earlier = [
        rules.Earlier(kind=e.kind, total=e.declared_total)
        for e in selectors.counted_earlier(req).filter(seq__lt=req.seq)
    ]
    items = list(req.items.all())
    total = sum((i.amount for i in items), ZERO)
    today = to_athens(now or timezone.now()).date()
    problems, warnings = rules.submission_check(
        kind=VerificationRequest.Kind.FINAL if req.is_final else VerificationRequest.Kind.INTERIM,
        total=total,
        budget=op.approved_total,
        earlier=earlier,
        submitted_on=today,
        starts_on=op.starts_on,
        ends_on=op.ends_on,
        item_count=len(items),
        limits=limits,
    )
    problems += _indirect_costs(req, items)
    problems += missing_documents(req)
    rows = selectors.category_rows(req)
    warnings += rules.category_warnings(rows)
    return problems, warnings, {"total": total, "earlier": earlier, "rows": rows, "limits": limits}


def _indirect_costs(req: VerificationRequest, items) -> list[rules.Problem]:
    """Πρόσκληση 004 §6.1: the approved flat-rate line (09.02) against the personnel claimed."""
    from calls.gaps import gap_value

    op = req.operation
    approved = {line.category for line in op.budget_lines.all()}
    rows = selectors.expense_categories(op)
    personnel_codes = {code for code, row in rows.items() if row["is_personnel"]}
    personnel = sum((i.amount for i in items if i.category in personnel_codes), ZERO)
    problems: list[rules.Problem] = []
    for code, row in rows.items():
        if row["flat_rate_percent"] is None or code not in approved or not personnel_codes & approved:
            continue
        indirect = sum((i.amount for i in items if i.category == code), ZERO)
        problems += rules.indirect_cost_problems(
            category=code,
            rate_percent=row["flat_rate_percent"],
            personnel=personnel,
            indirect=indirect,
            reading=gap_value(op.call.config, "indirect_cost_rule"),
        )
    return problems


def _receipt(req: VerificationRequest, total: Decimal, rows, warnings) -> dict:
    files = RequestAttachment.objects.filter(request=req, is_current=True).select_related(
        "required_attachment"
    )
    return {
        "protocol_number": req.protocol_number,
        "submitted_at": to_athens(req.submitted_at).isoformat(),
        "submitted_at_display": to_athens(req.submitted_at).strftime("%d/%m/%Y %H:%M:%S"),
        "operation": req.operation.code,
        "kind": req.get_kind_display(),
        "total": str(total),
        "items": [
            {
                "category": i.category,
                "supplier": i.supplier_name,
                "supplier_afm": i.supplier_afm,
                "document_number": i.document_number,
                "document_date": i.document_date.isoformat() if i.document_date else None,
                "document_date_display": i.document_date.strftime("%d/%m/%Y") if i.document_date else "",
                "amount": str(i.amount),
                "vat": str(i.vat),
            }
            for i in req.items.order_by("pk")
        ],
        "categories": [
            {
                "category": r.category,
                "approved": str(r.approved),
                "earlier": str(r.earlier),
                "this": str(r.this),
            }
            for r in rows
        ],
        "files": [
            {
                "name": f.original_name,
                "document": f.required_attachment.opske_code if f.required_attachment_id else None,
                "item": f.item_id,
                "size": f.size,
                "sha256": f.sha256,
            }
            for f in files
        ],
        "warnings": [w.message for w in warnings],
    }


def request_submit(*, actor, request_id) -> VerificationRequest:
    """Submit the draft: the call's rules refuse it with their reasons, or it becomes SUBMITTED
    with a protocol number, a receipt, the desk-check flag (Guidance Ο.3 Table 1) and a notice to
    the business. Nothing of the draft is lost when it is refused."""
    with transaction.atomic():
        req = _locked_request(actor, request_id)
        _require_draft(req)
        if req.kind == VerificationRequest.Kind.PERIOD:  # ΚΥΑ 7066: verification.services.claims_7066
            raise Conflict(
                "Η αίτηση καταβολής διμήνου υποβάλλεται από τη σελίδα «Αιτήσεις καταβολής» "
                "(ΚΥΑ 7066 Άρθ. 8.1).",
                code="claim_page_only",
            )
        # The operation row serialises two submissions of the same operation (limits, numbering).
        Operation.objects.select_for_update(of=("self",)).filter(pk=req.operation_id).first()
        problems, warnings, facts = submission_check(req)
        _raise(problems)
        first = not facts["earlier"]
        if not req.is_final and first:
            req.kind = VerificationRequest.Kind.FIRST
        elif not req.is_final:
            req.kind = VerificationRequest.Kind.INTERIM
        req.declared_total = facts["total"]
        req.submitted_at = timezone.now()
        req.submitted_by = actor
        req.protocol_number = f"{req.operation.code}/ΔΔΔ-{req.seq}"
        req.warnings = [{"code": w.code, "field": w.field, "message": w.message} for w in warnings]
        req.submit()
        req.receipt = _receipt(req, facts["total"], facts["rows"], warnings)
        req.receipt_document = document_request(
            obj=req,
            kind="verification_request_receipt",
            template="verification/pdf/receipt.html",
            context={**req.receipt, "business": str(req.operation.business or "")},
            actor=actor,
        )
        req.save()
        selection.flag_for_desk_check(request=req)
        audit.record(
            actor=actor,
            action="verification.request.submitted",
            obj=req,
            before={"state": VerificationRequest.State.DRAFT},
            after={
                "state": req.state,
                "protocol_number": req.protocol_number,
                "kind": req.kind,
                "declared_total": req.declared_total,
                "warnings": [w.code for w in warnings],
            },
        )
        _notify_submitted(actor, req)
    return req


def _notify_submitted(actor, req: VerificationRequest) -> None:
    op = req.operation
    members = Membership.objects.filter(
        business_id=op.business_id, state=Membership.State.ACTIVE, role__in=FILING_ROLES
    ).select_related("user")
    when = to_athens(req.submitted_at).strftime("%d/%m/%Y %H:%M:%S")
    notify(
        recipients=[m.user for m in members],
        subject=f"Υποβλήθηκε το αίτημα επαλήθευσης {req.protocol_number}",
        body=(
            f"Το αίτημα επαλήθευσης {req.protocol_number} της πράξης {op.code} υποβλήθηκε στις {when} "
            f"με δηλωθείσες δαπάνες {format_eur(req.declared_total)}. Το αποδεικτικό υποβολής είναι "
            "στη σελίδα του αιτήματος."
        ),
        kind="verification.request_submitted",
        obj=req,
        actor=actor,
    )
