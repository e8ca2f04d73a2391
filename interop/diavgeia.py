"""Client for the Diavgeia (Δι@ύγεια) Opendata API: publish a decision, read it, ask to revoke it.

interop.md §2. Writes are multipart with HTTP Basic auth; reads are JSON with epoch-ms times.
Publishing is idempotent by protocol number (the register returns the ΑΔΑ it already gave), so a
retried publishing task never puts the same decision up twice.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache

from opske.errors import RegistryRefused, RegistryUnavailable

from .base import RegistryClient, cached_result

# Loose on purpose (interop.md §2 "ADA format"): prefixes of 5, 7 and 10 characters are all seen.
ADA_PATTERN = re.compile(r"^[Α-Ω0-9]{4,12}-[Α-Ω0-9]{3}$")

_FIELD_LABELS = {
    "protocolNumber": "Αριθμός πρωτοκόλλου",
    "subject": "Θέμα",
    "issueDate": "Ημερομηνία έκδοσης",
    "organizationId": "Φορέας",
    "unitIds": "Μονάδες",
    "signerIds": "Υπογράφοντες",
    "decisionTypeId": "Είδος πράξης",
    "thematicCategoryIds": "Θεματικές κατηγορίες",
    "decisionFile": "Αρχείο πράξης (PDF)",
    "metadata": "Μεταδεδομένα",
    "comment": "Αιτιολογία",
}
_KIND_TEXT = {"required": "είναι υποχρεωτικό", "invalid": "δεν είναι έγκυρο"}


@dataclass(frozen=True)
class DecisionAttachment:
    id: str
    description: str
    filename: str
    mime_type: str
    checksum: str


@dataclass(frozen=True)
class PublishedDecision:
    ada: str
    protocol_number: str
    subject: str
    issue_date: datetime.date | None
    organization_id: str
    decision_type_id: str
    status: str  # PUBLISHED | PENDING_REVOCATION | REVOKED | …
    version_id: str
    url: str
    document_url: str
    document_checksum: str
    publish_timestamp: datetime.datetime | None
    attachments: tuple[DecisionAttachment, ...]


def _from_ms(value) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    return datetime.datetime.fromtimestamp(int(value) / 1000, tz=datetime.UTC)


def _iso(value) -> str:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, datetime.date):
        return f"{value.isoformat()}T00:00:00.000Z"
    return value


class DiavgeiaClient(RegistryClient):
    name = "diavgeia"
    label = "Διαύγεια"

    @property
    def _auth(self) -> tuple[str, str]:
        return (str(self.config.get("username") or ""), str(self.config.get("password") or ""))

    def publish(self, metadata: dict, pdf: bytes, attachments: Iterable = ()) -> PublishedDecision:
        """Publish a decision (`publish: true`) and return it with its ΑΔΑ.

        `attachments` are `(filename, content, description)` tuples. `organizationId` defaults
        to the portal's organisation; dates may be given as date/datetime.
        """
        meta = {k: _iso(v) for k, v in metadata.items()}
        meta.setdefault("organizationId", self.config.get("organization_id"))
        meta["publish"] = True
        attachments = list(attachments)
        # The content type says what the bytes are; the register refuses anything but a PDF.
        pdf_type = "application/pdf" if pdf.startswith(b"%PDF") else "application/octet-stream"
        files = [("decisionFile", (f"{meta.get('protocolNumber') or 'decision'}.pdf", pdf, pdf_type))]
        files += [("attachments", (name, content, _guess_type(name))) for name, content, _d in attachments]
        data = {"metadata": json.dumps(meta, ensure_ascii=False)}
        if attachments:
            data["attachmentDescr"] = json.dumps([d for _n, _c, d in attachments], ensure_ascii=False)

        def run(ctx):
            response = self.http(
                ctx, "POST", f"{self.base_url}/decisions", data=data, files=files, auth=self._auth
            )
            self._raise_for_errors(response)
            decision = self._decision(self.json_body(response))
            if not ADA_PATTERN.match(decision.ada or ""):
                raise self.malformed(f"το ΑΔΑ «{decision.ada}» δεν έχει τη μορφή ΑΔΑ")
            if decision.protocol_number != str(meta.get("protocolNumber")):
                raise self.refused(
                    "diavgeia_mismatch",
                    f"η απάντηση αφορά άλλη πράξη (αρ. πρωτ. {decision.protocol_number}).",
                )
            return decision

        return self.call("publish", str(meta.get("protocolNumber") or ""), run)

    def get(self, ada: str) -> PublishedDecision:
        def run(ctx):
            response = self.http(
                ctx, "GET", f"{self.base_url}/decisions/{ada}", headers={"Accept": "application/json"}
            )
            self._raise_for_errors(response, ada=ada)
            decision = self._decision(self.json_body(response))
            if decision.ada != ada:
                raise self.refused("diavgeia_mismatch", f"η απάντηση αφορά άλλο ΑΔΑ ({decision.ada}).")
            return decision

        return cached_result(f"interop:diavgeia:ada:{ada}", lambda: self.call("get", ada, run))

    def revoke_request(self, ada: str, comment: str) -> PublishedDecision:
        """Ask Diavgeia to revoke a published decision; its status becomes PENDING_REVOCATION."""

        def run(ctx):
            response = self.http(
                ctx,
                "POST",
                f"{self.base_url}/decisions/requests/revocations",
                json={"ada": ada, "comment": comment},
                auth=self._auth,
            )
            self._raise_for_errors(response, ada=ada)
            return self._decision(self.json_body(response))

        result = self.call("revoke_request", ada, run)
        cache.delete(f"interop:diavgeia:ada:{ada}")  # the cached read now has a stale status
        return result

    # -- parsing and errors -------------------------------------------------------------------
    def _decision(self, d) -> PublishedDecision:
        try:
            issued = _from_ms(d.get("issueDate"))
            return PublishedDecision(
                ada=str(d.get("ada") or ""),
                protocol_number=str(d["protocolNumber"]),
                subject=str(d.get("subject") or ""),
                issue_date=issued.date() if issued else None,
                organization_id=str(d.get("organizationId") or ""),
                decision_type_id=str(d.get("decisionTypeId") or ""),
                status=str(d["status"]),
                version_id=str(d.get("versionId") or ""),
                url=str(d.get("url") or ""),
                document_url=str(d.get("documentUrl") or ""),
                document_checksum=str(d.get("documentChecksum") or ""),
                publish_timestamp=_from_ms(d.get("publishTimestamp")),
                attachments=tuple(
                    DecisionAttachment(
                        id=str(a.get("id") or ""),
                        description=str(a.get("description") or ""),
                        filename=str(a.get("filename") or ""),
                        mime_type=str(a.get("mimeType") or ""),
                        checksum=str(a.get("checksum") or ""),
                    )
                    for a in d.get("attachments") or []
                ),
            )
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise self.malformed(f"πράξη: {exc}") from exc

    def _raise_for_errors(self, response, *, ada: str = "") -> None:
        status = response.status_code
        if status < 400:
            return
        if status == 401:
            raise self.refused(
                "diavgeia_unauthorized", "τα διαπιστευτήρια του ΟΠΣΚΕ (χρήστης API) δεν έγιναν δεκτά."
            )
        if status == 403:
            raise self.refused("diavgeia_forbidden", "ο χρήστης API δεν έχει δικαίωμα για αυτή την ενέργεια.")
        if status == 404:
            raise self.refused("diavgeia_not_found", f"δεν βρέθηκε πράξη με ΑΔΑ {ada}.")
        if status >= 500:
            raise RegistryUnavailable(
                f"Το μητρώο «{self.label}» απάντησε HTTP {status}. Δοκιμάστε ξανά αργότερα.",
                code="diavgeia_unavailable",
            )
        try:
            errors = response.json().get("errors") or []
        except (ValueError, AttributeError):
            errors = []
        messages, fields = [], {}
        for err in errors:
            code = str(err.get("errorCode") or "")
            kind, _, field = code.partition(":")
            if field:
                label = _FIELD_LABELS.get(field, field)
                text = f"το πεδίο «{label}» ({field}) {_KIND_TEXT.get(kind, 'απορρίφθηκε')}"
                fields.setdefault(field, []).append(text)
            else:
                text = str(err.get("errorMessage") or code)
            messages.append(text)
        message = "; ".join(messages) or f"η Διαύγεια απέρριψε την πράξη (HTTP {status})."
        raise RegistryRefused(f"{self.label}: {message}.", code="diavgeia_rejected", fields=fields)


def _guess_type(filename: str) -> str:
    lower = filename.lower()
    if lower.endswith(".pdf"):
        return "application/pdf"
    if lower.endswith((".jpg", ".jpeg")):
        return "image/jpeg"
    if lower.endswith(".png"):
        return "image/png"
    return "application/octet-stream"
