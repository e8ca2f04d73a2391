"""ΗΔΙΚΑ client: confirm a person's identity from the ΑΜΚΑ register.

The ΟΠΣ interoperability map lists «Επιβεβαίωση στοιχείων ΑΜΚΑ» of the people an operation
benefits (seed 000); the programmes use it to confirm who applies or is hired (name, birth date
for the age criterion, alive). Wire format: `interop/sandboxes/idika.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stdnum.gr import amka as stdnum_amka

from opske.errors import RegistryUnavailable

from .base import RegistryClient, cached_result


@dataclass(frozen=True)
class AmkaPerson:
    amka: str
    afm: str
    last_name: str
    first_name: str
    father_name: str
    mother_name: str
    birth_date: date
    sex: str  # "M" | "F"
    alive: bool
    death_date: date | None


class IdikaClient(RegistryClient):
    name = "idika"
    label = "ΗΔΙΚΑ (Μητρώο ΑΜΚΑ)"

    def person(self, amka: str) -> AmkaPerson:
        amka = (amka or "").strip()
        # A wrong check digit is a typo: refuse before spending a registry call on it.
        if not stdnum_amka.is_valid(amka):
            raise self.refused(
                "idika_invalid_amka",
                f"ο ΑΜΚΑ «{amka}» δεν είναι έγκυρος (ημερομηνία γέννησης ή ψηφίο ελέγχου).",
            )

        def fetch(ctx):
            response = self.http(
                ctx,
                "GET",
                f"{self.base_url}/api/v1/amka/{amka}",
                headers={"X-Api-Key": str(self.config.get("token", ""))},
            )
            body = self.json_body(response)
            if response.status_code != 200:
                raise self._error(response.status_code, body, amka)
            return self._parse(body, amka)

        return cached_result(f"interop:idika:person:{amka}", lambda: self.call("person", amka, fetch))

    def _error(self, status: int, body, amka: str):
        if not isinstance(body, dict) or "errorCode" not in body:
            return self.malformed(f"HTTP {status} χωρίς περιγραφή σφάλματος")
        code = str(body["errorCode"])
        if status >= 500:
            return RegistryUnavailable(
                f"Το μητρώο «{self.label}» απάντησε με σφάλμα ({code}). Δοκιμάστε ξανά αργότερα.",
                code="idika_unavailable",
            )
        if code == "AMKA_NOT_FOUND":
            return self.refused("idika_not_found", f"ο ΑΜΚΑ {amka} δεν υπάρχει στο μητρώο ΑΜΚΑ.")
        if code == "API_KEY_INVALID":
            return self.refused("idika_auth", "η πύλη δεν έχει έγκυρο κλειδί πρόσβασης στο μητρώο.")
        if code == "AMKA_INVALID":
            return self.refused("idika_invalid_amka", f"ο ΑΜΚΑ «{amka}» δεν είναι έγκυρος.")
        return self.refused(
            f"idika_{code.lower()}", str(body.get("errorMessage") or "το αίτημα απορρίφθηκε.")
        )

    def _parse(self, body, amka: str) -> AmkaPerson:
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            raise self.malformed("λείπει το data")
        if str(data.get("amka", "")) != amka:
            raise self.refused(
                "idika_mismatch",
                f"η απάντηση αφορά άλλον ΑΜΚΑ ({data.get('amka') or '—'}) από αυτόν που ζητήθηκε.",
            )
        try:
            status = str(data["status"])
            if status not in ("alive", "deceased"):
                raise ValueError(status)
            return AmkaPerson(
                amka=amka,
                afm=str(data.get("afm") or ""),
                last_name=str(data["last_name"]),
                first_name=str(data["first_name"]),
                father_name=str(data.get("father_name") or ""),
                mother_name=str(data.get("mother_name") or ""),
                birth_date=date.fromisoformat(data["birth_date"]),
                sex=str(data["sex"]),
                alive=status == "alive",
                death_date=date.fromisoformat(data["death_date"]) if data.get("death_date") else None,
            )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise self.malformed("ελλιπή στοιχεία προσώπου") from exc
