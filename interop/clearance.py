"""Clearance client: e-ΕΦΚΑ «ασφαλιστική ενημερότητα» and ΑΑΔΕ «φορολογική ενημερότητα».

ΚΥΑ 7066 Art. 8.6 (art. 61 ν. 4914/2022): before each payment the Financial Services check ex
officio that the recipient holds both certificates valid «για είσπραξη χρημάτων από Δημόσιο»
(not needed when the operation's public expenditure is ≤ €10,000; that rule is the programme's).
A business with debts is an answer, not an error: `Clearance.valid` is False with the reason.

Wire format: `interop/sandboxes/clearance.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stdnum.gr import vat as stdnum_vat

from opske.errors import RegistryUnavailable

from .base import RegistryClient, cached_result

KINDS = {"insurance": ("efka", "ασφαλιστική ενημερότητα"), "tax": ("aade", "φορολογική ενημερότητα")}


@dataclass(frozen=True)
class Clearance:
    afm: str
    kind: str  # "insurance" (e-ΕΦΚΑ) | "tax" (ΑΑΔΕ)
    valid: bool
    issued_on: date | None
    valid_until: date | None
    reference: str  # certificate number; "" when refused
    purpose: str
    reason: str  # why it was refused; "" when valid

    def valid_on(self, day: date) -> bool:
        return self.valid and self.valid_until is not None and day <= self.valid_until


class ClearanceClient(RegistryClient):
    name = "clearance"
    label = "Ενημερότητα (e-ΕΦΚΑ / ΑΑΔΕ)"

    def insurance_clearance(self, afm: str) -> Clearance:
        return self._clearance(afm, "insurance")

    def tax_clearance(self, afm: str) -> Clearance:
        return self._clearance(afm, "tax")

    def _clearance(self, afm: str, kind: str) -> Clearance:
        afm = (afm or "").strip()
        if not stdnum_vat.is_valid(afm):
            raise self.refused("clearance_invalid_afm", f"ο ΑΦΜ «{afm}» δεν είναι έγκυρος.")
        service, _title = KINDS[kind]

        def fetch(ctx):
            response = self.http(
                ctx,
                "GET",
                f"{self.base_url}/{service}/api/v1/clearance/{afm}",
                headers={"X-Api-Token": str(self.config.get("token", ""))},
            )
            body = self.json_body(response)
            if response.status_code != 200:
                raise self._error(response.status_code, body, afm)
            return self._parse(body, afm, kind)

        # Keyed by day too: a certificate read yesterday says nothing about today's validity.
        key = f"interop:clearance:{kind}:{afm}:{date.today():%Y%m%d}"
        return cached_result(key, lambda: self.call(f"{kind}_clearance", afm, fetch))

    def _error(self, status: int, body, afm: str):
        if not isinstance(body, dict) or body.get("status") != "error":
            return self.malformed(f"HTTP {status} χωρίς περιγραφή σφάλματος")
        code = str(body.get("code", ""))
        if status >= 500:
            return RegistryUnavailable(
                f"Η υπηρεσία «{self.label}» απάντησε με σφάλμα ({code}). Δοκιμάστε ξανά αργότερα.",
                code="clearance_unavailable",
            )
        if code == "AFM_UNKNOWN":
            return self.refused("clearance_unknown_afm", f"ο ΑΦΜ {afm} δεν είναι γνωστός στην υπηρεσία.")
        if code == "AFM_INVALID":
            return self.refused("clearance_invalid_afm", f"ο ΑΦΜ «{afm}» δεν είναι έγκυρος.")
        if code == "TOKEN_INVALID":
            return self.refused(
                "clearance_auth", "η πύλη δεν έχει έγκυρο διακριτικό πρόσβασης στην υπηρεσία."
            )
        return self.refused(f"clearance_{code.lower()}", str(body.get("message") or "το αίτημα απορρίφθηκε."))

    def _parse(self, body, afm: str, kind: str) -> Clearance:
        if not isinstance(body, dict):
            raise self.malformed("η απάντηση δεν είναι αντικείμενο JSON")
        if str(body.get("afm", "")) != afm:
            raise self.refused(
                "clearance_mismatch",
                f"η βεβαίωση αφορά άλλον ΑΦΜ ({body.get('afm') or '—'}) από αυτόν που ζητήθηκε.",
            )
        try:
            if body["kind"] != kind or not isinstance(body["valid"], bool):
                raise ValueError(body.get("kind"))
            valid = body["valid"]
            valid_until = date.fromisoformat(body["valid_until"]) if body.get("valid_until") else None
            if valid and valid_until is None:
                raise ValueError("valid without valid_until")
            return Clearance(
                afm=afm,
                kind=kind,
                valid=valid,
                issued_on=date.fromisoformat(body["issued_on"]) if body.get("issued_on") else None,
                valid_until=valid_until,
                reference=str(body.get("reference") or ""),
                purpose=str(body.get("purpose") or ""),
                reason=str(body.get("reason") or ""),
            )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise self.malformed("ελλιπή στοιχεία βεβαίωσης") from exc
