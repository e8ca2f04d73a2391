"""Documents uploaded with an application (δικαιολογητικά): upload, replace, delete, read.

The call says which documents its applications need (`calls.RequiredAttachment`, with their ΟΠΣΚΕ
codes); the applicant's members with submit rights upload them while the application is a draft
(or reopened for re-editing). A file is accepted by what it is (its magic bytes), not by what its
name says. Replacing or deleting never erases a row: the earlier version stays for the audit trail
and is no longer current. Final submission is blocked while a mandatory document is missing
(`rules.attachment_problems`, hooked into `services.evaluate_submission`).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from applications import rules
from applications.call_data import call_rule_data
from applications.models import Application, ApplicationAttachment
from applications.selectors import applications_for_user, can_read_all
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
AUDIT_FIELDS = ["original_name", "content_type", "size", "sha256", "is_current"]


def sniff_content_type(head: bytes) -> str | None:
    """The content type the file's magic bytes declare, or None if it is not PDF/JPEG/PNG."""
    return next((ctype for magic, ctype, _ in MAGIC if head.startswith(magic)), None)


def max_bytes() -> int:
    return int(getattr(settings, "APPLICATION_ATTACHMENT_MAX_MB", 10)) * 1024 * 1024


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


def _check_file(file, required: RequiredAttachment | None = None) -> tuple[str, str]:
    """(content type, sha256) of an acceptable file for `required`; else a Greek ValidationFailed."""
    if file is None or not getattr(file, "size", 0):
        raise _field_error("Επιλέξτε ένα αρχείο που δεν είναι κενό.", "attachment_empty")
    limits = document_limits(required)
    if file.size > limits["max_mb"] * 1024 * 1024:
        raise _field_error(
            f"Το αρχείο είναι {file.size / 1024 / 1024:.1f} MB· το μέγιστο επιτρεπτό μέγεθος είναι "
            f"{limits['max_mb']} MB.",
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
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return content_type, digest.hexdigest()


def _require_editable(app: Application) -> None:
    if not app.is_editable:
        raise Conflict(
            "Η αίτηση έχει οριστικοποιηθεί· τα δικαιολογητικά αλλάζουν μόνο μετά από επανεπεξεργασία "
            "(ΚΥΑ 7066 Άρθ. 6.6–6.7).",
            code="not_editable",
        )


def attachment_upload(*, actor, application_id: int, required_attachment_id: int | None, file):
    """Upload a document; a previous upload of the same required document is superseded."""
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
        content_type, sha256 = _check_file(file, required)
        previous = (
            ApplicationAttachment.objects.select_for_update(of=("self",))
            .filter(application=app, required_attachment=required, is_current=True)
            .first()
            if required is not None
            else None
        )
        if previous is not None:
            # Free the «one current per document» slot before the new row takes it.
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
    """One row per required document with its current upload (or None), then extra uploads."""
    current = list(current_attachments(app))
    by_required = {a.required_attachment_id: a for a in current if a.required_attachment_id}
    rows = [
        {"required": r, "upload": by_required.get(r.pk), "limits": document_limits(r)}
        for r in required_for(app)
    ]
    listed = {r["required"].pk for r in rows}
    rows += [
        {"required": a.required_attachment, "upload": a, "limits": document_limits(a.required_attachment)}
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
    uploaded = {a["required_attachment_id"] for a in _current_rows(app)}
    return rules.attachment_problems(
        [{"code": r["code"], "name": r["name"], "citation": r["citation"]} for r in required],
        [r["code"] for r in required if r["id"] in uploaded],
    )


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


def attachment_get_for_user(*, user, application_id, pk) -> ApplicationAttachment:
    """An attachment the user may download, else NotFound (another business's file is a 404).

    The applicant's members; staff who may read submitted applications (selectors scoping); and a
    user assigned to evaluate that application who has signed the no-conflict declaration.
    """
    try:
        application_id, pk = int(application_id), int(pk)
    except (TypeError, ValueError):
        raise NotFound("Το συνημμένο δεν βρέθηκε.") from None
    if not getattr(user, "is_authenticated", False):
        raise NotFound("Το συνημμένο δεν βρέθηκε.")
    visible = Q(pk__in=applications_for_user(user).values("pk"))
    if can_read_all(user):
        visible |= ~Q(status=Application.Status.DRAFT)
    # Through the reverse relation: applications never imports evaluation (layering).
    visible |= Q(evaluation_assignments__evaluator=user, evaluation_assignments__state__in=("active", "done"))
    if not Application.objects.filter(visible, pk=application_id).exists():
        raise NotFound("Το συνημμένο δεν βρέθηκε.")
    attachment = (
        ApplicationAttachment.objects.filter(application_id=application_id, pk=pk)
        .select_related("application", "required_attachment")
        .first()
    )
    if attachment is None:
        raise NotFound("Το συνημμένο δεν βρέθηκε.")
    return attachment
