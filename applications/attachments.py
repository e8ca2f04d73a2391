"""Documents uploaded with an application (δικαιολογητικά): upload, replace, delete, read.

The call says which documents its applications need (`calls.RequiredAttachment`, with their ΟΠΣΚΕ
codes); the applicant's members with submit rights upload them while the application is a draft
(or reopened for re-editing). A file is accepted by what it is (its magic bytes), not by what its
name says. A document holds up to its `max_files` current files (Πρόσκληση 004 §9: «μέχρι πέντε
(5) διαφορετικών ηλεκτρονικών αρχείων για κάθε διακριτό δικαιολογητικό»), each smaller than its
per-file limit, all of an application together smaller than the call's total
(`attachments_total_max_mb`); megabytes as the call states them, decimal (10 MB = 10,000,000
bytes). Replacing one file or deleting it never erases a row: the earlier version stays for the
audit trail and is no longer current. Final submission is blocked while a mandatory document is missing
(`rules.attachment_problems`, hooked into `services.evaluate_submission`).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Role
from applications import rules
from applications.call_data import call_rule_data
from applications.models import Application, ApplicationAttachment
from applications.selectors import applications_for_user
from applications.services import SUBMIT_ROLES, _locked, _require
from calls.models import RequiredAttachment
from opske import audit
from opske.errors import Conflict, NotFound, ValidationFailed

# What we accept, recognised by the first bytes of the file.
MAGIC = (
    (b"%PDF-", "application/pdf", "PDF"),
    (b"\xff\xd8\xff", "image/jpeg", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG"),
)
# Who downloads the documents of every submitted application (issue 11: not evaluators or committees).
DOCUMENT_READ_ALL_ROLES = (Role.PROGRAMME_ADMIN, Role.SUPERVISOR, Role.AUDITOR)
AUDIT_FIELDS = ["original_name", "content_type", "size", "sha256", "is_current"]


def sniff_content_type(head: bytes) -> str | None:
    """The content type the file's magic bytes declare, or None if it is not PDF/JPEG/PNG."""
    return next((ctype for magic, ctype, _ in MAGIC if head.startswith(magic)), None)


# Whole-content checks (issue 11): the first bytes say what a file claims to be; its end says whether
# it is one. A PDF ends with «%%EOF» within its last 1024 bytes (ISO 32000-1 §7.5.5, as readers
# accept it), a PNG with its IEND chunk, a JPEG with the EOI marker. A ZIP's end-of-central-directory
# record near the end, HTML markup anywhere, or a PDF's script/launch actions mean the file is
# something else too (a polyglot) and is refused.
PDF_EOF_WINDOW = 1024
ZIP_END_WINDOW = 65_557  # the ZIP end record and its longest comment
HTML_MARKERS = (b"<html", b"<!doctype html", b"<script", b"<iframe", b"<svg")
PDF_ACTIVE = (b"/JavaScript", b"/JS ", b"/JS(", b"/JS<", b"/Launch")
PNG_END = b"IEND\xaeB`\x82"


def content_problem(content: bytes, content_type: str) -> str:
    """Why the whole file is not the single, plain `content_type` it starts as ("" when it is)."""
    lowered = content.lower()
    if any(marker in lowered for marker in HTML_MARKERS):
        return "περιέχει κώδικα ιστοσελίδας (HTML/script)"
    if b"PK\x05\x06" in content[-ZIP_END_WINDOW:]:
        return "περιέχει συμπιεσμένο αρχείο (ZIP)"
    if content_type == "application/pdf":
        if b"%%EOF" not in content[-PDF_EOF_WINDOW:]:
            return "δεν ολοκληρώνεται όπως ένα PDF (λείπει το «%%EOF» στο τέλος: κομμένο ή άλλο αρχείο)"
        if any(action in content for action in PDF_ACTIVE):
            return "περιέχει ενεργό περιεχόμενο (JavaScript ή εκκίνηση προγράμματος)"
    elif content_type == "image/png" and not content.endswith(PNG_END):
        return "δεν ολοκληρώνεται όπως μια εικόνα PNG (κομμένο ή άλλο αρχείο)"
    elif content_type == "image/jpeg" and b"\xff\xd9" not in content[-16:]:
        return "δεν ολοκληρώνεται όπως μια εικόνα JPEG (κομμένο ή άλλο αρχείο)"
    return ""


MB = 1_000_000  # the call's megabytes are decimal («10 MB» = 10,000,000 bytes, Πρόσκληση 004 §9)


def max_bytes() -> int:
    """The portal's own per-file ceiling, in bytes (decimal megabytes, as the calls state them)."""
    return int(getattr(settings, "APPLICATION_ATTACHMENT_MAX_MB", 10)) * MB


def _int(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _bytes(size: int) -> str:
    """«10.000.001 bytes (10,0 MB)»: the size in the unit the call states, Greek notation."""
    mb = f"{size / MB:.1f}".replace(".", ",")
    return f"{_int(size)} bytes ({mb} MB)"


def limits_source(call) -> str:
    """Where the file limits are written: call 004 §9, or the call's own terms elsewhere."""
    if call is not None and call.evaluation_method == "comparative":
        return "Πρόσκληση 004 §9"
    return "όροι της πρόσκλησης"


def total_limit_bytes(call) -> int | None:
    """Πρόσκληση 004 §9: all documents of one application «μικρότερο των 50 MB» (call config)."""
    mb = (call.config or {}).get("attachments_total_max_mb")
    return int(mb) * MB if mb else None


# The call's `allowed_extensions` per document, as the content types we recognise (MAGIC).
EXTENSION_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}


def document_limits(required: RequiredAttachment | None) -> dict:
    """What one upload of `required` may be: the smaller of the portal's and the call's size limit
    (`max_file_mb`), and the types the call allows for it (`allowed_extensions`, e.g. «pdf»). An
    extra document (no `required`) takes the portal's limits."""
    portal_mb = int(getattr(settings, "APPLICATION_ATTACHMENT_MAX_MB", 10))
    max_mb = (
        min(portal_mb, required.max_file_mb) if required is not None and required.max_file_mb else portal_mb
    )
    listed = [
        e.strip().lower().lstrip(".") for e in (required.allowed_extensions if required else "").split(",")
    ]
    types = [ctype for ctype in dict.fromkeys(EXTENSION_TYPES.get(e) for e in listed) if ctype]
    types = types or [ctype for _, ctype, _ in MAGIC]  # nothing recognisable listed: what we accept
    labels = [label for _, ctype, label in MAGIC if ctype in types]
    return {
        "max_mb": max_mb,
        "types": types,
        "label": " ή ".join([", ".join(labels[:-1]), labels[-1]] if len(labels) > 1 else labels),
        "accept": ",".join([f".{e}" for e, ctype in EXTENSION_TYPES.items() if ctype in types] + list(types)),
    }


def _field_error(message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={"file": [message]})


def _check_file(file, required: RequiredAttachment | None = None, call=None) -> tuple[str, str]:
    """(content type, sha256) of an acceptable file for `required`; else a Greek ValidationFailed."""
    if file is None or not getattr(file, "size", 0):
        raise _field_error("Επιλέξτε ένα αρχείο που δεν είναι κενό.", "attachment_empty")
    limits = document_limits(required)
    # «κάθε μεμονωμένο αρχείο θα πρέπει να είναι μικρότερο από 10 MB» (§9): the limit itself is out.
    if file.size >= limits["max_mb"] * MB:
        raise _field_error(
            f"Το αρχείο είναι {_bytes(file.size)}· κάθε αρχείο πρέπει να είναι μικρότερο από "
            f"{limits['max_mb']} MB ({_int(limits['max_mb'] * MB)} bytes) ({limits_source(call)}).",
            "attachment_too_large",
        )
    file.seek(0)
    content_type = sniff_content_type(file.read(8))
    if content_type is None or content_type not in limits["types"]:
        document = f" για το «{required.name}»" if required is not None else ""
        raise _field_error(
            f"Επιτρέπονται μόνο αρχεία {limits['label']}{document}· το αρχείο που επιλέξατε δεν είναι "
            "τέτοιο (ελέγχεται το περιεχόμενο, όχι μόνο η κατάληξη).",
            "attachment_wrong_type",
        )
    file.seek(0)
    content = file.read()  # below the size limit above (10 MB at most)
    file.seek(0)
    problem = content_problem(content, content_type)
    if problem:
        raise _field_error(
            f"Το αρχείο δεν γίνεται δεκτό: {problem}. Ελέγχεται ολόκληρο το περιεχόμενο· ανεβάστε το "
            "έγγραφο ξανά, αποθηκευμένο ως απλό αρχείο.",
            "attachment_not_plain",
        )
    return content_type, hashlib.sha256(content).hexdigest()


def _require_editable(app: Application) -> None:
    if not app.is_editable:
        raise Conflict(
            "Η αίτηση έχει οριστικοποιηθεί· τα δικαιολογητικά αλλάζουν μόνο μετά από επανεπεξεργασία "
            "(ΚΥΑ 7066 Άρθ. 6.6–6.7).",
            code="not_editable",
        )


def attachment_upload(
    *, actor, application_id: int, required_attachment_id: int | None, file, replaces_id: int | None = None
):
    """Upload a file of a document. It is one more file of the document, up to the document's
    `max_files`; with `replaces_id` it supersedes that one current file of the same document."""
    with transaction.atomic():
        app = _locked(application_id)
        _require(actor, app, SUBMIT_ROLES)
        _require_editable(app)
        required = None
        if required_attachment_id is not None:
            required = RequiredAttachment.objects.filter(
                pk=required_attachment_id, call_id=app.call_id, stage=RequiredAttachment.Stage.APPLICATION
            ).first()
            if required is None:
                raise ValidationFailed(
                    fields={"required_attachment": ["Το δικαιολογητικό δεν ανήκει σε αυτή την πρόσκληση."]}
                )
        content_type, sha256 = _check_file(file, required, app.call)
        # Every current file of the application, locked: the count per document and the total size
        # are checked against what is really there, not what another request is adding meanwhile.
        current = list(
            ApplicationAttachment.objects.select_for_update(of=("self",)).filter(
                application=app, is_current=True
            )
        )
        previous = None
        if replaces_id is not None:
            previous = next(
                (
                    a
                    for a in current
                    if a.pk == replaces_id and a.required_attachment_id == required_attachment_id
                ),
                None,
            )
            if previous is None:
                raise ValidationFailed(
                    fields={
                        "file": [
                            "Το αρχείο που θέλετε να αντικαταστήσετε δεν είναι τρέχον αρχείο αυτού του "
                            "δικαιολογητικού."
                        ]
                    },
                    code="attachment_replace_unknown",
                )
        _check_counts(app, required, file.size, [a for a in current if a is not previous])
        if previous is not None:
            previous.is_current = False
            previous.save(update_fields=["is_current"])
        attachment = ApplicationAttachment(
            application=app,
            required_attachment=required,
            original_name=(getattr(file, "name", "") or "αρχείο").rsplit("/", 1)[-1][:255],
            content_type=content_type,
            size=file.size,
            sha256=sha256,
            uploaded_by=actor,
        )
        attachment.file.save(attachment.original_name, file, save=False)
        try:
            _record_upload(actor, attachment, previous)
        except BaseException:
            # The row rolls back with the transaction; the stored file must not outlive it.
            attachment.file.delete(save=False)
            raise
    return attachment


def _files(n: int) -> str:
    return f"{n} αρχείο" if n == 1 else f"{n} αρχεία"


def _check_counts(app: Application, required: RequiredAttachment | None, size: int, kept: list) -> None:
    """Πρόσκληση 004 §9: at most `max_files` files per document; all files of the application
    together smaller than the call's total. `kept`: the current files that stay after this upload."""
    if required is not None and required.max_files:
        same = [a for a in kept if a.required_attachment_id == required.pk]
        if len(same) >= required.max_files:
            message = (
                f"Το δικαιολογητικό {required.opske_code} «{required.name}» έχει ήδη {_files(len(same))}· "
                f"η πρόσκληση επιτρέπει έως {_files(required.max_files)} ανά δικαιολογητικό "
                f"({limits_source(app.call)}). Αντικαταστήστε ή διαγράψτε ένα αρχείο."
            )
            raise ValidationFailed(message, code="attachment_too_many", fields={"file": [message]})
    limit = total_limit_bytes(app.call)
    if limit is not None:
        total = sum(a.size for a in kept) + size
        if total >= limit:
            message = (
                f"Με αυτό το αρχείο τα δικαιολογητικά της αίτησης θα έφταναν τα {_bytes(total)}· το σύνολο "
                f"πρέπει να είναι μικρότερο από {limit // MB} MB ({_int(limit)} bytes) "
                f"({limits_source(app.call)})."
            )
            raise ValidationFailed(message, code="attachments_total_too_large", fields={"file": [message]})


def _record_upload(actor, attachment: ApplicationAttachment, previous: ApplicationAttachment | None):
    attachment.save()
    after = {"code": attachment.code, **audit.snapshot(attachment, AUDIT_FIELDS)}
    if previous is None:
        audit.record(actor=actor, action="application.attachment_uploaded", obj=attachment, after=after)
        return
    previous.replaced_by = attachment
    previous.save(update_fields=["replaced_by"])
    audit.record(
        actor=actor,
        action="application.attachment_replaced",
        obj=attachment,
        before={"code": previous.code, **audit.snapshot(previous, AUDIT_FIELDS)},
        after=after,
    )


def attachment_delete(*, actor, application_id: int, attachment_id: int) -> ApplicationAttachment:
    """Withdraw an uploaded document from the draft; the row and file stay on record."""
    with transaction.atomic():
        app = _locked(application_id)
        _require(actor, app, SUBMIT_ROLES)
        _require_editable(app)
        attachment = (
            ApplicationAttachment.objects.select_for_update(of=("self",))
            .filter(pk=attachment_id, application=app, is_current=True)
            .select_related("required_attachment")
            .first()
        )
        if attachment is None:
            raise NotFound("Το συνημμένο δεν βρέθηκε.")
        before = {"code": attachment.code, **audit.snapshot(attachment, AUDIT_FIELDS)}
        attachment.is_current = False
        attachment.deleted_at = timezone.now()
        attachment.save(update_fields=["is_current", "deleted_at"])
        audit.record(
            actor=actor,
            action="application.attachment_deleted",
            obj=attachment,
            before=before,
            after={"code": attachment.code, **audit.snapshot(attachment, AUDIT_FIELDS)},
        )
    return attachment


# --- reads ------------------------------------------------------------------------------------------


def required_for(app: Application) -> list[RequiredAttachment]:
    """The call's application-stage documents that concern this applicant, in the call's order."""
    cluster_type = str(((app.data or {}).get("cluster") or {}).get("type") or "")
    rows = RequiredAttachment.objects.filter(call_id=app.call_id, stage=RequiredAttachment.Stage.APPLICATION)
    return [
        r
        for r in rows.order_by("position", "opske_code")
        if rules.attachment_applies(r.applies_to, cluster_type)
    ]


def current_attachments(app: Application) -> QuerySet[ApplicationAttachment]:
    return (
        ApplicationAttachment.objects.filter(application=app, is_current=True)
        .select_related("required_attachment")
        .order_by("required_attachment__position", "uploaded_at", "pk")
    )


def attachment_rows(app: Application) -> list[dict]:
    """One row per required document with its current files (`uploads`, oldest first; `upload` the
    latest, or None), then one row per extra upload."""
    current = list(current_attachments(app))
    by_required: dict[int, list] = {}
    for a in current:
        if a.required_attachment_id:
            by_required.setdefault(a.required_attachment_id, []).append(a)
    rows = []
    for r in required_for(app):
        uploads = by_required.get(r.pk, [])
        rows.append(
            {
                "required": r,
                "uploads": uploads,
                "upload": uploads[-1] if uploads else None,
                "limits": document_limits(r),
                "room": max((r.max_files or 0) - len(uploads), 0) if r.max_files else None,
            }
        )
    listed = {r["required"].pk for r in rows}
    rows += [
        {
            "required": a.required_attachment,
            "uploads": [a],
            "upload": a,
            "limits": document_limits(a.required_attachment),
            "room": 0,
        }
        for a in current
        if a.required_attachment_id is None or a.required_attachment_id not in listed
    ]
    return rows


def _current_rows(app: Application) -> list[dict]:
    """The current uploads as receipt rows (+ their required document's id): as final submission
    loaded them (`selectors.submission_load_locked`), else one query."""
    loaded = getattr(app, "_current_attachments", None)
    if loaded is not None:
        return loaded
    return [
        {
            "required_attachment_id": a.required_attachment_id,
            "code": a.code,
            "document": a.required_attachment.name if a.required_attachment_id else None,
            "name": a.original_name,
            "size": a.size,
            "sha256": a.sha256,
        }
        for a in current_attachments(app)
    ]


def submission_problems(app: Application) -> list[rules.Problem]:
    """Mandatory documents missing from `app`, as submission problems (the call's list is compiled
    with its rules, `call_data`; the uploads are read with the application)."""
    cluster_type = str(((app.data or {}).get("cluster") or {}).get("type") or "")
    required = [
        r
        for r in call_rule_data(app.call)["mandatory_attachments"]
        if rules.attachment_applies(r["applies_to"], cluster_type)
    ]
    current = _current_rows(app)
    uploaded = {a["required_attachment_id"] for a in current}
    problems = rules.attachment_problems(
        [{"code": r["code"], "name": r["name"], "citation": r["citation"]} for r in required],
        [r["code"] for r in required if r["id"] in uploaded],
    )
    # «Οι ανωτέρω περιορισμοί είναι υποχρεωτικοί και αποτρεπτικοί για την υποβολή» (§9): checked at
    # upload, and again here in case the call's total was lowered after the files were uploaded.
    limit = total_limit_bytes(app.call)
    total = sum(int(a["size"] or 0) for a in current)
    if limit is not None and total >= limit:
        problems.append(
            rules.Problem(
                "attachments_total_too_large",
                "attachments",
                f"Τα δικαιολογητικά της αίτησης είναι συνολικά {_bytes(total)}· το σύνολο πρέπει να είναι "
                f"μικρότερο από {limit // MB} MB ({limits_source(app.call)}).",
            )
        )
    return problems


def receipt_rows(app: Application) -> list[dict]:
    """What the receipt lists: code, document, file name and SHA-256 of each current upload."""
    return [
        {
            "code": a["code"],
            "document": a["document"] or "Πρόσθετο έγγραφο",
            "name": a["name"],
            "size": a["size"],
            "sha256": a["sha256"],
        }
        for a in _current_rows(app)
    ]


def may_download(user, application_id: int) -> bool:
    """Whether `user` may read the documents of the application: its applicant's members; those who
    oversee the programme, once it is submitted; a user assigned to evaluate it (the committee's
    members are assigned when it is appointed) who has signed the no-conflict declaration."""
    if not getattr(user, "is_authenticated", False):
        return False
    visible = Q(pk__in=applications_for_user(user).values("pk"))
    # Every submitted application's documents: those who oversee the programme. Evaluators and
    # committee members read only the applications assigned to them, whatever they may list.
    if user.has_role(*DOCUMENT_READ_ALL_ROLES):
        visible |= ~Q(status=Application.Status.DRAFT)
    # Through the reverse relation: applications never imports evaluation (layering).
    visible |= Q(evaluation_assignments__evaluator=user, evaluation_assignments__state__in=("active", "done"))
    return Application.objects.filter(visible, pk=application_id).exists()


def attachment_get_for_user(*, user, application_id, pk) -> ApplicationAttachment:
    """An attachment the user may download (`may_download`), else NotFound: another business's
    file, or an application not assigned to the evaluator, is a 404."""
    try:
        application_id, pk = int(application_id), int(pk)
    except (TypeError, ValueError):
        raise NotFound("Το συνημμένο δεν βρέθηκε.") from None
    if not may_download(user, application_id):
        raise NotFound("Το συνημμένο δεν βρέθηκε.")
    attachment = (
        ApplicationAttachment.objects.filter(application_id=application_id, pk=pk)
        .select_related("application", "required_attachment")
        .first()
    )
    if attachment is None:
        raise NotFound("Το συνημμένο δεν βρέθηκε.")
    return attachment
