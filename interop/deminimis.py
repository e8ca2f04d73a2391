"""Client for ΠΣΣΕΗΣ / ΚΠΣΚΕ, the de minimis and state-aid register (interop.md §5).

The register has no public API; the wire shape is the one defined in
`interop/sandboxes/deminimis.py`. The client returns what the register holds for the single
undertaking (members, awards, their gross grant equivalent) as plain values. Whether a new grant
fits under the ceiling (Reg. 2023/2831 Art. 3(2): €300,000 over three years) is the domain app's
rule, not this module's.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from .base import RegistryClient, cached_result

# Art. 3(2) "any period of three years": a rolling window of 3×365 days ending on the grant date.
WINDOW_DAYS = 3 * 365


@dataclass(frozen=True)
class Award:
    registry_id: str
    measure_code: str
    sa_number: str
    regulation: str
    beneficiary_afm: str
    beneficiary_name: str
    single_undertaking_group_id: str
    granting_authority: str
    grant_date: datetime.date
    instrument: str
    nominal_amount: Decimal
    gge_amount: Decimal
    currency: str
    nace: str
    nuts: str
    ada: str
    status: str
    paid_amount: Decimal = Decimal("0.00")  # what the granting authority reported as disbursed
    recovered_amount: Decimal = Decimal("0.00")  # what it reported as paid back (a recovery repaid)


@dataclass(frozen=True)
class UndertakingMember:
    afm: str
    name: str
    link: str  # the Art. 2(2) link (α)-(δ), or «μητρική» for the undertaking asked about


@dataclass(frozen=True)
class SingleUndertakingAid:
    """De minimis aid to a single undertaking (ενιαία επιχείρηση) in the three years before `as_on`.

    `window_after` is the last day *not* counted: an award on exactly as_on − 1,095 days is outside.
    """

    afm: str
    group_id: str
    as_on: datetime.date
    window_after: datetime.date
    regulation: str
    members: tuple[UndertakingMember, ...]
    awards: tuple[Award, ...]
    total_gge: Decimal
    total_paid: Decimal = Decimal("0.00")
    total_recovered: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class PaymentRecord:
    registry_id: str
    payment_reference: str
    paid_amount: Decimal
    total_paid: Decimal  # every payment recorded on the grant so far
    created: bool  # False when the register already had this payment (a retried update)


@dataclass(frozen=True)
class RecoveryRecord:
    registry_id: str
    recovery_reference: str
    recovered_amount: Decimal
    total_recovered: Decimal  # every recovery recorded on the grant so far
    created: bool


@dataclass(frozen=True)
class GrantRegistration:
    registry_id: str
    external_reference: str
    created: bool  # False when the register already had this reference (a retried registration)


_FIELD_LABELS = {
    "afm": "ΑΦΜ",
    "beneficiary_afm": "ΑΦΜ δικαιούχου",
    "as_on": "ημερομηνία αναφοράς",
    "regulation": "κανονισμός",
    "external_reference": "αναφορά του ΟΠΣΚΕ",
    "measure_code": "κωδικός μέτρου",
    "granting_authority": "χορηγούσα αρχή",
    "grant_date": "ημερομηνία χορήγησης",
    "nominal_amount": "ονομαστικό ποσό",
    "gge_amount": "ακαθάριστο ισοδύναμο επιχορήγησης (ΑΙΕ)",
}


class DeminimisClient(RegistryClient):
    name = "deminimis"
    label = "ΠΣΣΕΗΣ (μητρώο de minimis)"

    def _headers(self) -> dict:
        return {"Authorization": f"Bearer {self.config.get('token', '')}", "Accept": "application/json"}

    # -- reads --------------------------------------------------------------------------------
    def single_undertaking_aid(
        self, afm: str, as_on: datetime.date, regulation: str | None = "2023/2831"
    ) -> SingleUndertakingAid:
        """The single undertaking of `afm` and its de minimis awards granted after as_on − 1,095 days
        up to and including `as_on`. `regulation=None` returns every de minimis regulation."""
        reg = regulation or "de_minimis"
        key = f"interop:deminimis:su:{afm}:{as_on.isoformat()}:{reg}"
        return cached_result(
            key, lambda: self.call("single_undertaking_aid", afm, lambda ctx: self._aid(ctx, afm, as_on, reg))
        )

    def _aid(self, ctx, afm: str, as_on: datetime.date, regulation: str) -> SingleUndertakingAid:
        response = self.http(
            ctx,
            "GET",
            f"{self.base_url}/undertakings/{afm}/awards",
            params={"as_on": as_on.isoformat(), "regulation": regulation},
            headers=self._headers(),
        )
        self._raise_for_errors(response)
        body = self.json_body(response)
        try:
            if body["beneficiary_afm"] != afm:
                raise self.refused(
                    "deminimis_mismatch",
                    f"η απάντηση αφορά άλλο ΑΦΜ ({body['beneficiary_afm']}) από αυτό που ζητήθηκε ({afm}).",
                )
            window_after = as_on - datetime.timedelta(days=WINDOW_DAYS)
            awards = tuple(self._award(a) for a in body["awards"])
            members = tuple(
                UndertakingMember(
                    afm=str(m["afm"]), name=str(m.get("name") or ""), link=str(m.get("link") or "")
                )
                for m in body["members"]
            )
            total = sum((a.gge_amount for a in awards), Decimal("0.00"))
            reported = Decimal(str(body["total_gge"]))
            total_paid = sum((a.paid_amount for a in awards), Decimal("0.00"))
            total_recovered = sum((a.recovered_amount for a in awards), Decimal("0.00"))
        except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
            raise self.malformed(f"λείπει ή είναι άκυρο το πεδίο {exc}") from exc
        # Our own arithmetic is the one a decision rests on; a register that disagrees with
        # itself, or returns awards outside the window asked for, is not trusted.
        if total != reported:
            raise self.malformed(f"το άθροισμα ΑΙΕ {reported} δεν συμφωνεί με τις ενισχύσεις ({total})")
        if any(not (window_after < a.grant_date <= as_on) for a in awards):
            raise self.malformed("περιλαμβάνει ενίσχυση εκτός της τριετίας που ζητήθηκε")
        return SingleUndertakingAid(
            afm=afm,
            group_id=str(body.get("single_undertaking_group_id") or ""),
            as_on=as_on,
            window_after=window_after,
            regulation=regulation,
            members=members,
            awards=awards,
            total_gge=total,
            total_paid=total_paid,
            total_recovered=total_recovered,
        )

    @staticmethod
    def _award(a: dict) -> Award:
        return Award(
            registry_id=str(a["registry_id"]),
            measure_code=str(a.get("measure_code") or ""),
            sa_number=str(a.get("sa_number") or ""),
            regulation=str(a["regulation"]),
            beneficiary_afm=str(a["beneficiary_afm"]),
            beneficiary_name=str(a.get("beneficiary_name") or ""),
            single_undertaking_group_id=str(a.get("single_undertaking_group_id") or ""),
            granting_authority=str(a.get("granting_authority") or ""),
            grant_date=datetime.date.fromisoformat(a["grant_date"]),
            instrument=str(a.get("instrument") or ""),
            nominal_amount=Decimal(str(a["nominal_amount"])),
            gge_amount=Decimal(str(a["gge_amount"])),
            currency=str(a.get("currency") or "EUR"),
            nace=str(a.get("nace") or ""),
            nuts=str(a.get("nuts") or ""),
            ada=str(a.get("ada") or ""),
            status=str(a.get("status") or ""),
            paid_amount=Decimal(str(a.get("paid_amount") or "0.00")),
            recovered_amount=Decimal(str(a.get("recovered_amount") or "0.00")),
        )

    # -- writes -------------------------------------------------------------------------------
    def register_grant(
        self,
        *,
        external_reference: str,
        measure_code: str,
        regulation: str,
        beneficiary_afm: str,
        granting_authority: str,
        grant_date: datetime.date,
        nominal_amount: Decimal,
        gge_amount: Decimal,
        instrument: str = "grant",
        beneficiary_name: str = "",
        sa_number: str = "",
        nace: str = "",
        nuts: str = "",
        ada: str = "",
    ) -> GrantRegistration:
        """Record a granted aid (Reg. 2023/2831 Art. 6). Idempotent by `external_reference`:
        registering the same reference again returns the same registry id."""
        payload = {
            "external_reference": external_reference,
            "measure_code": measure_code,
            "regulation": regulation,
            "beneficiary_afm": beneficiary_afm,
            "beneficiary_name": beneficiary_name,
            "granting_authority": granting_authority,
            "grant_date": grant_date.isoformat(),
            "instrument": instrument,
            "nominal_amount": f"{Decimal(nominal_amount):.2f}",
            "gge_amount": f"{Decimal(gge_amount):.2f}",
            "currency": "EUR",
            "sa_number": sa_number,
            "nace": nace,
            "nuts": nuts,
            "ada": ada,
        }

        def run(ctx):
            response = self.http(
                ctx, "POST", f"{self.base_url}/awards", json=payload, headers=self._headers()
            )
            self._raise_for_errors(response)
            body = self.json_body(response)
            try:
                return GrantRegistration(
                    registry_id=str(body["registry_id"]),
                    external_reference=str(body["external_reference"]),
                    created=bool(body.get("created")),
                )
            except (KeyError, TypeError) as exc:
                raise self.malformed(f"λείπει το πεδίο {exc}") from exc

        return self.call("register_grant", beneficiary_afm, run)

    def record_payment(
        self, *, registry_id: str, payment_reference: str, paid_amount: Decimal, paid_on: datetime.date
    ) -> PaymentRecord:
        """Tell the register what a payment on the grant `registry_id` actually paid. Idempotent by
        `payment_reference` (the payment's own code): a retry after a timeout records nothing twice."""
        payload = {"paid_amount": f"{Decimal(paid_amount):.2f}", "paid_on": paid_on.isoformat()}
        award, ref = quote(registry_id, safe=""), quote(payment_reference, safe="")
        url = f"{self.base_url}/awards/{award}/payments/{ref}"

        def run(ctx):
            response = self.http(ctx, "PUT", url, json=payload, headers=self._headers())
            if response.status_code == 404:
                raise self.refused(
                    "deminimis_unknown_grant", f"το μητρώο δεν έχει την καταχώριση {registry_id}."
                )
            self._raise_for_errors(response)
            body = self.json_body(response)
            try:
                return PaymentRecord(
                    registry_id=str(body["registry_id"]),
                    payment_reference=str(body["payment_reference"]),
                    paid_amount=Decimal(str(body["paid_amount"])),
                    total_paid=Decimal(str(body["total_paid"])),
                    created=bool(body.get("created")),
                )
            except (KeyError, TypeError, InvalidOperation) as exc:
                raise self.malformed(f"λείπει ή είναι άκυρο το πεδίο {exc}") from exc

        return self.call("record_payment", registry_id, run)

    def record_recovery(
        self,
        *,
        registry_id: str,
        recovery_reference: str,
        recovered_amount: Decimal,
        recovered_on: datetime.date,
    ) -> RecoveryRecord:
        """Tell the register that aid granted under `registry_id` was paid back (a clawback or a
        correction repaid), so cumulation sees what the undertaking really kept. Idempotent by
        `recovery_reference` (the recovery's own code)."""
        payload = {
            "recovered_amount": f"{Decimal(recovered_amount):.2f}",
            "recovered_on": recovered_on.isoformat(),
        }
        award, ref = quote(registry_id, safe=""), quote(recovery_reference, safe="")
        url = f"{self.base_url}/awards/{award}/recoveries/{ref}"

        def run(ctx):
            response = self.http(ctx, "PUT", url, json=payload, headers=self._headers())
            if response.status_code == 404:
                raise self.refused(
                    "deminimis_unknown_grant", f"το μητρώο δεν έχει την καταχώριση {registry_id}."
                )
            self._raise_for_errors(response)
            body = self.json_body(response)
            try:
                return RecoveryRecord(
                    registry_id=str(body["registry_id"]),
                    recovery_reference=str(body["recovery_reference"]),
                    recovered_amount=Decimal(str(body["recovered_amount"])),
                    total_recovered=Decimal(str(body["total_recovered"])),
                    created=bool(body.get("created")),
                )
            except (KeyError, TypeError, InvalidOperation) as exc:
                raise self.malformed(f"λείπει ή είναι άκυρο το πεδίο {exc}") from exc

        return self.call("record_recovery", registry_id, run)

    # -- errors -------------------------------------------------------------------------------
    def _raise_for_errors(self, response) -> None:
        if response.status_code < 400:
            return
        if response.status_code in (401, 403):
            raise self.refused(
                "deminimis_unauthorized",
                "το μητρώο δεν δέχτηκε τα διαπιστευτήρια του ΟΠΣΚΕ (έλεγχος ρυθμίσεων).",
            )
        try:
            errors = response.json().get("errors") or []
        except (ValueError, AttributeError):
            errors = []
        fields: dict[str, list[str]] = {}
        parts = []
        for err in errors:
            field = str(err.get("field") or "")
            text = str(err.get("message") or err.get("code") or "")
            label = _FIELD_LABELS.get(field, field)
            parts.append(f"{label}: {text}" if label else text)
            if field:
                fields.setdefault(field, []).append(text)
        code = "deminimis_conflict" if response.status_code == 409 else "deminimis_rejected"
        if response.status_code == 422 and errors:
            code = f"deminimis_{errors[0].get('code') or 'rejected'}"
        exc = self.refused(code, "; ".join(parts) or f"το μητρώο απάντησε HTTP {response.status_code}.")
        exc.fields = fields
        raise exc
