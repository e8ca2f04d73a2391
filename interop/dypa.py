"""ΔΥΠΑ unemployment-register client: is a person a registered unemployed, since when, at which ΚΠΑ2.

Gives the facts both programmes read from the register, without judging them:
- ΚΥΑ 7066: registration at D_ref with a ΚΠΑ2 of Western Macedonia or ΚΠΑ2 Τρίπολης (P01), the
  individual approach and action plan (P02), work history for the 01.22/01.23 category (P18);
- ΚΥΑ 16936: continuous months of registration (criterion i), declared income individual and
  family (ii), age (iii), minor children (iv), card status at referral (Art. 5(10), 5(11)).
The rules that turn these into eligibility and points live in the programmes' rules modules.

Wire format: `interop/sandboxes/dypa.py` (ΔΥΠΑ publishes no API; the portal defines it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from stdnum.gr import amka as stdnum_amka

from opske.errors import RegistryUnavailable

from .base import RegistryClient, cached_result


@dataclass(frozen=True)
class PreviousEmployment:
    employer_afm: str
    employer_name: str
    kad: str  # the employer's ΚΑΔ, 8 digits
    started_on: date
    ended_on: date | None


@dataclass(frozen=True)
class UnemploymentStatus:
    amka: str
    as_on: date
    registered: bool
    registered_since: date | None
    registration_ended: date | None
    continuous_months: int  # full months of continuous registration up to as_on, uncapped
    long_term_unemployed: bool  # ≥ 12 months
    kpa2_code: str
    kpa2_name: str  # e.g. «ΚΠΑ2 Κοζάνης»
    card_number: str
    card_status: str  # active | revoked | not_renewed | none
    individual_approach_completed: bool
    action_plan_agreed: bool
    birth_date: date
    age: int  # completed years on as_on
    citizenship: str
    education: str  # ΠΕ | ΤΕ | ΔΕ | ΥΕ
    income_tax_year: int
    individual_income: Decimal
    family_income: Decimal
    joint_return: bool
    minor_children: int
    disability_percent: int
    previous_employment: tuple[PreviousEmployment, ...]


def _date(value) -> date | None:
    return date.fromisoformat(value) if value else None


class DypaClient(RegistryClient):
    name = "dypa"
    label = "ΔΥΠΑ (Μητρώο ανέργων)"

    def unemployment_status(self, amka: str, as_on: date) -> UnemploymentStatus:
        amka = (amka or "").strip()
        if not stdnum_amka.is_valid(amka):
            raise self.refused("dypa_invalid_amka", f"ο ΑΜΚΑ «{amka}» δεν είναι έγκυρος.")

        def fetch(ctx):
            response = self.http(
                ctx,
                "GET",
                f"{self.base_url}/api/v1/unemployed/{amka}",
                params={"as_on": as_on.isoformat()},
                headers={"Authorization": f"Bearer {self.config.get('token', '')}"},
            )
            body = self.json_body(response)
            if response.status_code != 200:
                raise self._error(response.status_code, body, amka)
            return self._parse(body, amka, as_on)

        return cached_result(
            f"interop:dypa:status:{amka}:{as_on:%Y%m%d}",
            lambda: self.call("unemployment_status", amka, fetch),
        )

    def _error(self, status: int, body, amka: str):
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return self.malformed(f"HTTP {status} χωρίς περιγραφή σφάλματος")
        code = str(error.get("code", ""))
        if status >= 500:
            return RegistryUnavailable(
                f"Το μητρώο «{self.label}» απάντησε με σφάλμα ({code}). Δοκιμάστε ξανά αργότερα.",
                code="dypa_unavailable",
            )
        if code == "NOT_REGISTERED":
            return self.refused(
                "dypa_not_registered",
                f"ο/η κάτοχος του ΑΜΚΑ {amka} δεν είναι εγγεγραμμένος/η στο μητρώο ανέργων.",
            )
        if code == "UNAUTHORIZED":
            return self.refused("dypa_auth", "η πύλη δεν έχει έγκυρο διακριτικό πρόσβασης στο μητρώο.")
        return self.refused(
            f"dypa_{code.lower() or 'refused'}", str(error.get("message") or "το αίτημα απορρίφθηκε.")
        )

    def _parse(self, body, amka: str, as_on: date) -> UnemploymentStatus:
        if not isinstance(body, dict):
            raise self.malformed("η απάντηση δεν είναι αντικείμενο JSON")
        if str(body.get("amka", "")) != amka:
            raise self.refused(
                "dypa_mismatch",
                f"η απάντηση αφορά άλλον ΑΜΚΑ ({body.get('amka') or '—'}) από αυτόν που ζητήθηκε.",
            )
        try:
            income = body["income"]
            return UnemploymentStatus(
                amka=amka,
                as_on=as_on,
                registered=bool(body["registered"]),
                registered_since=_date(body.get("registered_since")),
                registration_ended=_date(body.get("registration_ended")),
                continuous_months=int(body["continuous_months"]),
                long_term_unemployed=bool(body["long_term_unemployed"]),
                kpa2_code=str(body["kpa2"]["code"]),
                kpa2_name=str(body["kpa2"]["name"]),
                card_number=str(body["card"]["number"]),
                card_status=str(body["card"]["status"]),
                individual_approach_completed=bool(body["individual_approach_completed"]),
                action_plan_agreed=bool(body["action_plan_agreed"]),
                birth_date=date.fromisoformat(body["birth_date"]),
                age=int(body["age"]),
                citizenship=str(body.get("citizenship", "")),
                education=str(body.get("education", "")),
                income_tax_year=int(income["tax_year"]),
                individual_income=Decimal(str(income["individual"])),
                family_income=Decimal(str(income["family"])),
                joint_return=bool(income.get("joint_return")),
                minor_children=int(body["minor_children"]),
                disability_percent=int(body.get("disability_percent") or 0),
                previous_employment=tuple(
                    PreviousEmployment(
                        employer_afm=str(job["employer_afm"]),
                        employer_name=str(job.get("employer_name", "")),
                        kad=str(job.get("kad", "")),
                        started_on=date.fromisoformat(job["from"]),
                        ended_on=_date(job.get("to")),
                    )
                    for job in body.get("previous_employment") or []
                ),
            )
        except (AttributeError, KeyError, TypeError, ValueError, InvalidOperation) as exc:
            raise self.malformed("ελλιπή στοιχεία εγγραφής") from exc
