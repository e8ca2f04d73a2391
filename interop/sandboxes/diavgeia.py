"""Sandbox for the Diavgeia (Δι@ύγεια) Opendata API, interop.md §2.

- ``POST /decisions``: multipart with part ``metadata`` (DecisionStoreRequest JSON) and part
  ``decisionFile`` (the PDF, ``application/pdf``), optional repeated ``attachments`` plus
  ``attachmentDescr`` (JSON array of descriptions in the same order). HTTP Basic auth with
  settings.INTEROP["diavgeia"] username/password, otherwise 401. With ``publish: true`` the
  decision is published at once and gets an ΑΔΑ: 10 characters, '-', 3 characters, Greek
  capitals and digits (e.g. «Ψ4ΛΖ46ΜΤΛ6-ΑΒΓ»). With ``publish: false`` it is only checked and
  echoed back without an ΑΔΑ, as the official sample says. Publishing a protocolNumber the
  organisation has already published returns that decision (HTTP 200) instead of a second one.
- ``GET /decisions/<ada>``: the Decision with ``issueDate`` and timestamps in epoch milliseconds,
  ``url`` and ``documentUrl`` (served by ``GET /decisions/<ada>/document``). 404 if unknown.
- ``POST /decisions/requests/revocations`` ``{"ada", "comment"}``: the status becomes
  PENDING_REVOCATION.
- Errors: 400 ``{"errors": [{"errorCode", "errorMessage"}]}``. The catalogue of real error codes is
  not public; this sandbox uses ``<kind>:<field>`` codes (``required:subject``,
  ``invalid:decisionTypeId``, ``invalid:organizationId``, ``invalid:issueDate``,
  ``invalid:decisionFile``, ``required:decisionFile``, ``invalid:metadata``) so a client can say
  which field is wrong. 401 without or with wrong Basic credentials.
- Switch "error": a numeric code answers that HTTP status, ``malformed`` a non-JSON body, any
  other code a 400 ``errors[]`` carrying it.

Decisions and PDFs live in the cache, never in the database.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from interop.sandboxes.control import sandbox_endpoint

ADA_ALPHABET = "0123456789ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ"
DECISION_TYPES = {
    "Β.1.3": "ΑΝΑΛΗΨΗ ΥΠΟΧΡΕΩΣΗΣ",
    "Β.2.1": "ΕΓΚΡΙΣΗ ΔΑΠΑΝΗΣ",
    "Β.2.2": "ΟΡΙΣΤΙΚΟΠΟΙΗΣΗ ΠΛΗΡΩΜΗΣ",
    "Β.4": "ΔΩΡΕΑ – ΕΠΙΧΟΡΗΓΗΣΗ",
    "Ε.1": "ΠΡΑΞΗ ΥΠΑΓΩΓΗΣ ΕΠΕΝΔΥΣΕΩΝ",
    "Ε.2": "ΣΥΜΒΑΣΗ – ΠΡΑΞΕΙΣ ΑΝΑΠΤΥΞΙΑΚΩΝ ΝΟΜΩΝ",
    "Ε.3": "ΑΠΟΦΑΣΗ ΕΝΑΡΞΗΣ ΠΑΡΑΓΩΓΙΚΗΣ ΛΕΙΤΟΥΡΓΙΑΣ ΕΠΕΝΔΥΣΗΣ",
    "Ε.4": "ΑΛΛΗ ΠΡΑΞΗ ΑΝΑΠΤΥΞΙΑΚΟΥ ΝΟΜΟΥ",
    "2.4.7.1": "ΛΟΙΠΕΣ ΑΤΟΜΙΚΕΣ ΔΙΟΙΚΗΤΙΚΕΣ ΠΡΑΞΕΙΣ",
    "Α.2": "ΚΑΝΟΝΙΣΤΙΚΗ ΠΡΑΞΗ",
    "Γ.2": "ΠΡΑΞΗ ΣΥΛΛΟΓΙΚΟΥ ΟΡΓΑΝΟΥ",
}
_REQUIRED = ("protocolNumber", "subject", "issueDate", "organizationId", "decisionTypeId")
_REQUIRED_LISTS = ("signerIds", "thematicCategoryIds")
_DECISION = "sandbox:diavgeia:decision:{}"
_PDF = "sandbox:diavgeia:pdf:{}"
_ATTACHMENT = "sandbox:diavgeia:attachment:{}:{}"  # ΑΔΑ, attachment id: the uploaded bytes
_PROTOCOL = "sandbox:diavgeia:protocol:{}:{}"
_SEQ = "sandbox:diavgeia:seq"


def _json(body, status=200) -> JsonResponse:
    return JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _errors(*errors: tuple[str, str], status: int = 400) -> JsonResponse:
    return _json({"errors": [{"errorCode": c, "errorMessage": m} for c, m in errors]}, status=status)


def _authorised(request) -> bool:
    conf = settings.INTEROP.get("diavgeia", {})
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return False
    try:
        user, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return False
    return user == conf.get("username") and password == conf.get("password")


def _switched(request):
    mode = request.sandbox_mode
    if mode.mode != "error":
        return None
    if mode.error_code == "malformed":
        return HttpResponse("<html><body>Σφάλμα</body></html>", content_type="application/json")
    if mode.error_code.isdigit():
        return _json({"message": f"Sandbox error {mode.error_code}"}, status=int(mode.error_code))
    return _errors((mode.error_code or "internal.error", "Σφάλμα της Διαύγειας (δοκιμαστικό)."))


def _epoch_ms(moment: datetime.datetime) -> int:
    return int(moment.timestamp() * 1000)


def _new_ada(seed: str) -> str:
    cache.add(_SEQ, 0, timeout=None)
    digest = hashlib.sha256(f"{seed}:{cache.incr(_SEQ)}".encode()).digest()
    chars = [ADA_ALPHABET[b % len(ADA_ALPHABET)] for b in digest[:13]]
    return "".join(chars[:10]) + "-" + "".join(chars[10:13])


def _validate(meta: dict) -> list[tuple[str, str]]:
    errors = []
    for name in _REQUIRED:
        if not str(meta.get(name) or "").strip():
            errors.append((f"required:{name}", f"Το πεδίο {name} είναι υποχρεωτικό."))
    for name in _REQUIRED_LISTS:
        value = meta.get(name)
        if not isinstance(value, list) or not value:
            errors.append((f"required:{name}", f"Το πεδίο {name} πρέπει να είναι μη κενή λίστα."))
    if meta.get("decisionTypeId") and meta["decisionTypeId"] not in DECISION_TYPES:
        errors.append(("invalid:decisionTypeId", f"Άγνωστο είδος πράξης {meta['decisionTypeId']}."))
    org = settings.INTEROP.get("diavgeia", {}).get("organization_id")
    if meta.get("organizationId") and str(meta["organizationId"]) != str(org):
        errors.append(
            ("invalid:organizationId", f"Ο φορέας {meta['organizationId']} δεν αντιστοιχεί στον χρήστη.")
        )
    if meta.get("issueDate"):
        try:
            datetime.datetime.fromisoformat(str(meta["issueDate"]).replace("Z", "+00:00"))
        except ValueError:
            errors.append(("invalid:issueDate", "Η ημερομηνία έκδοσης δεν είναι έγκυρη (ISO 8601)."))
    return errors


def _decision_view(request, decision: dict) -> dict:
    ada = decision["ada"]
    base = request.build_absolute_uri(reverse("sandbox:diavgeia:decision", args=[ada])) if ada else ""
    return {**decision, "url": base, "documentUrl": f"{base}/document" if ada else ""}


def published_files(ada: str) -> list[tuple[str, bytes]]:
    """What Diavgeia shows the public for a published act: its PDF and every attachment (name, bytes)."""
    found = cache.get(_DECISION.format(ada)) or {}
    files = [(f"{ada}.pdf", cache.get(_PDF.format(ada)) or b"")]
    for att in found.get("attachments") or []:
        files.append((att["filename"], cache.get(_ATTACHMENT.format(ada, att["id"])) or b""))
    return files


def published_metadata(ada: str) -> dict:
    """The act's public metadata (subject, extra fields) as the sandbox stored it; {} when unknown."""
    return cache.get(_DECISION.format(ada)) or {}


@csrf_exempt
@sandbox_endpoint("diavgeia")
@require_POST
def decisions(request):
    if not _authorised(request):
        return _errors(("authentication.failed", "Αποτυχία πιστοποίησης."), status=401)
    switched = _switched(request)
    if switched is not None:
        return switched
    try:
        meta = json.loads(request.POST.get("metadata") or "")
    except ValueError:
        return _errors(("invalid:metadata", "Το τμήμα metadata λείπει ή δεν είναι έγκυρο JSON."))
    if not isinstance(meta, dict):
        return _errors(("invalid:metadata", "Το τμήμα metadata πρέπει να είναι αντικείμενο JSON."))
    errors = _validate(meta)
    upload = request.FILES.get("decisionFile")
    pdf = b""
    if upload is None:
        errors.append(("required:decisionFile", "Λείπει το αρχείο της πράξης (decisionFile)."))
    else:
        pdf = upload.read()
        if upload.content_type != "application/pdf" or not pdf.startswith(b"%PDF"):
            errors.append(
                ("invalid:decisionFile", "Το αρχείο της πράξης πρέπει να είναι PDF (application/pdf).")
            )
    if errors:
        return _errors(*errors)

    org = str(meta["organizationId"])
    existing = cache.get(_PROTOCOL.format(org, meta["protocolNumber"]))
    if existing and meta.get("publish"):
        return _json(_decision_view(request, cache.get(_DECISION.format(existing))))

    try:
        descriptions = json.loads(request.POST.get("attachmentDescr") or "[]")
    except ValueError:
        descriptions = []
    attachments, contents = [], {}
    for i, f in enumerate(request.FILES.getlist("attachments")):
        content = f.read()
        contents[f"att-{i + 1}"] = content
        attachments.append(
            {
                "id": f"att-{i + 1}",
                "description": descriptions[i] if i < len(descriptions) else "",
                "filename": f.name,
                "mimeType": f.content_type,
                "checksum": hashlib.sha256(content).hexdigest(),
            }
        )
    now = timezone.now()
    issued = datetime.datetime.fromisoformat(str(meta["issueDate"]).replace("Z", "+00:00"))
    if issued.tzinfo is None:
        issued = issued.replace(tzinfo=datetime.UTC)
    decision = {
        "ada": None,
        "protocolNumber": meta["protocolNumber"],
        "subject": meta["subject"],
        "issueDate": _epoch_ms(issued),
        "organizationId": org,
        "signerIds": meta["signerIds"],
        "unitIds": meta.get("unitIds") or [],
        "decisionTypeId": meta["decisionTypeId"],
        "thematicCategoryIds": meta["thematicCategoryIds"],
        "extraFieldValues": meta.get("extraFieldValues") or {},
        "privateData": bool(meta.get("privateData")),
        "submissionTimestamp": _epoch_ms(now),
        "publishTimestamp": None,
        "versionId": hashlib.sha256(f"{org}:{meta['protocolNumber']}:{now.isoformat()}".encode()).hexdigest()[
            :32
        ],
        "correctedVersionId": None,
        "status": "PENDING_PUBLICATION",
        "documentChecksum": hashlib.sha256(pdf).hexdigest(),
        "attachments": attachments,
    }
    if not meta.get("publish"):
        return _json(_decision_view(request, decision))
    ada = _new_ada(f"{org}:{meta['protocolNumber']}")
    decision.update(ada=ada, status="PUBLISHED", publishTimestamp=_epoch_ms(now))
    # First writer of a protocol number wins; a concurrent duplicate returns the winner's ΑΔΑ.
    if not cache.add(_PROTOCOL.format(org, meta["protocolNumber"]), ada, timeout=None):
        winner = cache.get(_PROTOCOL.format(org, meta["protocolNumber"]))
        return _json(_decision_view(request, cache.get(_DECISION.format(winner))))
    cache.set(_PDF.format(ada), pdf, timeout=None)
    for att_id, content in contents.items():
        cache.set(_ATTACHMENT.format(ada, att_id), content, timeout=None)
    cache.set(_DECISION.format(ada), decision, timeout=None)
    return _json(_decision_view(request, decision))


@sandbox_endpoint("diavgeia")
@require_GET
def decision(request, ada: str):
    switched = _switched(request)
    if switched is not None:
        return switched
    found = cache.get(_DECISION.format(ada))
    if found is None:
        return _errors(("decision.not.found", f"Δεν βρέθηκε πράξη με ΑΔΑ {ada}."), status=404)
    return _json(_decision_view(request, found))


@sandbox_endpoint("diavgeia")
@require_GET
def document(request, ada: str):
    pdf = cache.get(_PDF.format(ada))
    if pdf is None:
        return _errors(("decision.not.found", f"Δεν βρέθηκε πράξη με ΑΔΑ {ada}."), status=404)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{ada}.pdf"'
    return response


@csrf_exempt
@sandbox_endpoint("diavgeia")
@require_POST
def revocations(request):
    if not _authorised(request):
        return _errors(("authentication.failed", "Αποτυχία πιστοποίησης."), status=401)
    switched = _switched(request)
    if switched is not None:
        return switched
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return _errors(("invalid:body", "Το σώμα δεν είναι έγκυρο JSON."))
    ada, comment = str(body.get("ada") or ""), str(body.get("comment") or "").strip()
    if not comment:
        return _errors(("required:comment", "Η αιτιολογία της ανάκλησης είναι υποχρεωτική."))
    found = cache.get(_DECISION.format(ada))
    if found is None:
        return _errors(("decision.not.found", f"Δεν βρέθηκε πράξη με ΑΔΑ {ada}."), status=404)
    if found["status"] != "PUBLISHED":
        return _errors(("invalid:status", f"Η πράξη {ada} δεν είναι σε κατάσταση αναρτημένης."))
    found = {**found, "status": "PENDING_REVOCATION", "revocationComment": comment}
    cache.set(_DECISION.format(ada), found, timeout=None)
    return _json(_decision_view(request, found))


urlpatterns = [
    path("decisions", decisions, name="decisions"),
    path("decisions/requests/revocations", revocations, name="revocations"),
    path("decisions/<str:ada>", decision, name="decision"),
    path("decisions/<str:ada>/document", document, name="document"),
]
