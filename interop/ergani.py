"""ΕΡΓΑΝΗ ΙΙ client: an employer's headcount, ΕΜΕ, Ε3 hires and Ε5 departures.

The ΕΡΓΑΝΗ Web Services API acts only for the employer who owns the credentials (interop.md §3),
so the portal cannot read a business's staff with credentials of its own. The business authorises
the portal by registering its ΕΡΓΑΝΗ credentials (`ErganiCredentials`), or uploads an export of
its «Πίνακας Προσωπικού» instead (`parse_ergani_export`). Both give the same `WorkforceReport`.

Wire format (see `interop/sandboxes/ergani.py` for the full contract): JWT login at
`POST {url}/api/Authentication`, then `Authorization: Bearer` calls to
`POST {url}/api/WebServices/ExecuteService`; dates `DD/MM/YYYY`, decimals with a comma.
An expired token (401 + `api-token-expired: true`) is renewed by logging in once more.
"""

from __future__ import annotations

import calendar
import csv
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.cache import cache
from stdnum.gr import amka as stdnum_amka
from stdnum.gr import vat as stdnum_vat

from opske.errors import RegistryUnavailable, ValidationFailed

from .base import CallContext, RegistryClient, cached_result, redact

# ΕΜΕ (annual work units) weight a part-timer by hours over the full-time week (40 h, the
# statutory week of the private sector); a full-timer counts 1. Reg. 651/2014 Annex I art. 5.
FULL_TIME_WEEKLY_HOURS = Decimal("40")
_CENT = Decimal("0.01")

SERVICE_WORKFORCE = "EX_BASE_04"  # monthly employment status (headcount, ΕΜΕ)
SERVICE_HIRES = "EX_E3_01"  # Ε3 hiring announcements of a period
SERVICE_DEPARTURES = "EX_E5_01"  # Ε5/Ε6/Ε7 departures of a period

# ΕΡΓΑΝΗ departure codes -> our kind; the form is what the employer filed.
DEPARTURE_KIND = {
    "0": "resignation",
    "1": "dismissal",
    "2": "fixed_term_end",
    "3": "retirement",
    "4": "death",
}


# --- results -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ErganiCredentials:
    """An employer's ΕΡΓΑΝΗ account, registered by the business to authorise the portal."""

    username: str
    password: str
    usertype: str = "02"  # 02: ΕΡΓΑΝΗ credentials (01 external, 03 construction projects)

    def __repr__(self):  # never print the password in a traceback or log
        return f"ErganiCredentials(username={self.username!r})"


@dataclass(frozen=True)
class MonthlyWorkforce:
    month: date  # first day of the month
    headcount: int  # staff on the last day of the month (or on `as_on` for its month)
    awu: Decimal  # ΕΜΕ of the month, 2 decimals
    full_time: int
    part_time: int


@dataclass(frozen=True)
class WorkforceReport:
    employer_afm: str
    employer_name: str
    as_on: date
    months: tuple[MonthlyWorkforce, ...]  # oldest first, the month of `as_on` last
    source: str  # "api" | "export"

    @property
    def headcount(self) -> int:
        return self.months[-1].headcount if self.months else 0

    def month(self, year: int, month: int) -> MonthlyWorkforce | None:
        return next((m for m in self.months if (m.month.year, m.month.month) == (year, month)), None)


@dataclass(frozen=True)
class Hire:
    """One Ε3 announcement (αναγγελία πρόσληψης)."""

    amka: str
    afm: str
    last_name: str
    first_name: str
    hired_on: date
    contract: str  # "full" | "part" | "rotational" | "on_demand" (ΕΡΓΑΝΗ f_kathestosapasxolisis)
    fixed_term: bool  # f_sxeshapasxolisis 1 = ορισμένου χρόνου
    weekly_hours: Decimal
    specialty_code: str
    specialty: str
    protocol: str


@dataclass(frozen=True)
class Departure:
    """One departure (Ε5 resignation, Ε6 dismissal, Ε7 end of fixed term)."""

    amka: str
    afm: str
    last_name: str
    first_name: str
    left_on: date
    kind: str  # resignation | dismissal | fixed_term_end | retirement | death
    form: str  # Ε5 | Ε6 | Ε7
    protocol: str


@dataclass(frozen=True)
class Employment:
    """One row of a staff table: what the monthly headcount and ΕΜΕ are computed from."""

    amka: str
    hired_on: date
    left_on: date | None  # last day of employment
    full_time: bool
    weekly_hours: Decimal


# --- the arithmetic shared by the export parser and the sandbox ----------------------------
def _month_start(d: date, back: int = 0) -> date:
    index = d.year * 12 + d.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _employed_on(e: Employment, day: date) -> bool:
    return e.hired_on <= day and (e.left_on is None or day <= e.left_on)


def monthly_workforce(employments: Iterable[Employment], as_on: date, months: int = 12) -> tuple:
    """Headcount and ΕΜΕ for each of the `months` months ending with the month of `as_on`.

    Headcount is the staff on the month's last day (ΚΥΑ 7066 counts «αριθμός προσωπικού», not
    ΕΜΕ: Art. 4.1.2). ΕΜΕ is the days employed over the month's days, weighted by weekly hours.
    """
    staff = list(employments)
    rows = []
    for back in range(months - 1, -1, -1):
        start = _month_start(as_on, back)
        end = min(date(start.year, start.month, calendar.monthrange(start.year, start.month)[1]), as_on)
        window = (end - start).days + 1
        present = [e for e in staff if _employed_on(e, end)]
        awu = Decimal(0)
        for e in staff:
            first, last = max(e.hired_on, start), min(e.left_on or end, end)
            if last < first:
                continue
            weight = Decimal(1) if e.full_time else min(e.weekly_hours / FULL_TIME_WEEKLY_HOURS, Decimal(1))
            awu += weight * Decimal((last - first).days + 1) / Decimal(window)
        rows.append(
            MonthlyWorkforce(
                month=start,
                headcount=len(present),
                awu=awu.quantize(_CENT, rounding=ROUND_HALF_UP),
                full_time=sum(1 for e in present if e.full_time),
                part_time=sum(1 for e in present if not e.full_time),
            )
        )
    return tuple(rows)


# --- wire helpers --------------------------------------------------------------------------
def ergani_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def parse_ergani_date(value: str) -> date:
    return datetime.strptime(value.strip(), "%d/%m/%Y").date()


def greek_decimal(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def parse_greek_decimal(value) -> Decimal:
    text = str(value).strip().replace(".", "").replace(",", ".") if "," in str(value) else str(value).strip()
    return Decimal(text)


_CODE_IN_LABEL = re.compile(r"\((\d+)\)\s*$")


def label_code(value) -> str:
    """ΕΡΓΑΝΗ sends coded values as "LABEL (code)" or as the bare code; return the code."""
    text = str(value or "").strip()
    match = _CODE_IN_LABEL.search(text)
    return match.group(1) if match else text


CONTRACT_BY_CODE = {"0": "full", "1": "part", "2": "rotational", "3": "on_demand"}


# --- the client ----------------------------------------------------------------------------
class ErganiClient(RegistryClient):
    name = "ergani"
    label = "ΕΡΓΑΝΗ ΙΙ"

    def __init__(self, *, credentials: ErganiCredentials, actor=None, session=None):
        super().__init__(actor=actor, session=session)
        self.credentials = credentials

    # -- operations ---------------------------------------------------------------------------
    def workforce(self, afm: str, as_on: date) -> WorkforceReport:
        """Headcount and ΕΜΕ per month for the 12 months ending with the month of `as_on`."""
        afm = self._valid_afm(afm)
        since = _month_start(as_on, 11)
        params = {"Afm": afm, "DateFrom": ergani_date(since), "DateTo": ergani_date(as_on)}

        def fetch(ctx):
            body = self._execute(ctx, SERVICE_WORKFORCE, params)
            data = self._service_body(body, SERVICE_WORKFORCE, afm)
            try:
                months = tuple(
                    MonthlyWorkforce(
                        month=datetime.strptime(row["Month"], "%m/%Y").date(),
                        headcount=int(row["Headcount"]),
                        awu=parse_greek_decimal(row["EME"]).quantize(_CENT),
                        full_time=int(row.get("FullTime") or 0),
                        part_time=int(row.get("PartTime") or 0),
                    )
                    for row in data["Months"]
                )
            except (AttributeError, KeyError, TypeError, ValueError, InvalidOperation) as exc:
                raise self.malformed("στοιχεία μηνιαίας απασχόλησης") from exc
            return WorkforceReport(
                employer_afm=afm,
                employer_name=str(data["Ergodotis"].get("Eponimia", "")),
                as_on=as_on,
                months=tuple(sorted(months, key=lambda m: m.month)),
                source="api",
            )

        return cached_result(self._key("workforce", afm, as_on), lambda: self.call("workforce", afm, fetch))

    def hires(self, afm: str, since: date, until: date) -> tuple[Hire, ...]:
        """Ε3 announcements with a hire date in [since, until]."""
        afm = self._valid_afm(afm)
        params = {"Afm": afm, "DateFrom": ergani_date(since), "DateTo": ergani_date(until)}

        def fetch(ctx):
            data = self._service_body(self._execute(ctx, SERVICE_HIRES, params), SERVICE_HIRES, afm)
            try:
                return tuple(
                    Hire(
                        amka=str(row["f_amka"]),
                        afm=str(row.get("f_afm", "")),
                        last_name=str(row.get("f_eponymo", "")),
                        first_name=str(row.get("f_onoma", "")),
                        hired_on=parse_ergani_date(row["f_proslipsidate"]),
                        contract=CONTRACT_BY_CODE[label_code(row["f_kathestosapasxolisis"])],
                        fixed_term=label_code(row.get("f_sxeshapasxolisis")) == "1",
                        weekly_hours=parse_greek_decimal(row["f_week_hours"]),
                        specialty_code=label_code(row.get("f_eidikothta")),
                        specialty=str(row.get("f_eidikothta_descr", "")),
                        protocol=str(row.get("protocol", "")),
                    )
                    for row in data.get("Anaggelies") or []
                )
            except (AttributeError, KeyError, TypeError, ValueError, InvalidOperation) as exc:
                raise self.malformed("αναγγελίες Ε3") from exc

        return cached_result(self._key("hires", afm, since, until), lambda: self.call("hires", afm, fetch))

    def departures(self, afm: str, since: date, until: date) -> tuple[Departure, ...]:
        """Departures (Ε5 and the other termination forms) dated in [since, until]."""
        afm = self._valid_afm(afm)
        params = {"Afm": afm, "DateFrom": ergani_date(since), "DateTo": ergani_date(until)}

        def fetch(ctx):
            data = self._service_body(self._execute(ctx, SERVICE_DEPARTURES, params), SERVICE_DEPARTURES, afm)
            try:
                return tuple(
                    Departure(
                        amka=str(row["f_amka"]),
                        afm=str(row.get("f_afm", "")),
                        last_name=str(row.get("f_eponymo", "")),
                        first_name=str(row.get("f_onoma", "")),
                        left_on=parse_ergani_date(row["f_apoxwrisidate"]),
                        kind=DEPARTURE_KIND[label_code(row["f_eidos_apoxorisis"])],
                        form=str(row.get("form", "")),
                        protocol=str(row.get("protocol", "")),
                    )
                    for row in data.get("Apoxorhseis") or []
                )
            except (AttributeError, KeyError, TypeError, ValueError) as exc:
                raise self.malformed("αναγγελίες αποχώρησης") from exc

        return cached_result(
            self._key("departures", afm, since, until), lambda: self.call("departures", afm, fetch)
        )

    # -- plumbing -------------------------------------------------------------------------------
    def _key(self, operation: str, afm: str, *dates: date) -> str:
        # The account is part of the key: an answer obtained with one employer's credentials is
        # never served to a caller holding another's.
        account = hashlib.sha256(self.credentials.username.encode()).hexdigest()[:12]
        return f"interop:ergani:{operation}:{afm}:{account}:" + ":".join(f"{d:%Y%m%d}" for d in dates)

    def _valid_afm(self, afm: str) -> str:
        afm = (afm or "").strip()
        if not stdnum_vat.is_valid(afm):
            raise self.refused("ergani_invalid_afm", f"ο ΑΦΜ «{afm}» δεν είναι έγκυρος.")
        return afm

    @property
    def _token_key(self) -> str:
        return "interop:ergani:token:" + hashlib.sha256(self.credentials.username.encode()).hexdigest()[:16]

    def _login(self, ctx: CallContext) -> str:
        response = self.http(
            ctx,
            "POST",
            f"{self.base_url}/api/Authentication",
            json={
                "Username": self.credentials.username,
                "Password": self.credentials.password,
                "Usertype": self.credentials.usertype,
            },
        )
        if response.status_code in (400, 401, 403):
            raise self.refused(
                "ergani_auth",
                "οι κωδικοί ΕΡΓΑΝΗ της επιχείρησης δεν έγιναν δεκτοί. Ελέγξτε το όνομα χρήστη και "
                "τον κωδικό που έχετε καταχωρίσει.",
            )
        self._raise_for_server_error(response)
        body = self.json_body(response)
        token = body.get("accessToken") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise self.malformed("χωρίς accessToken")
        try:
            lifetime = int(float(body.get("accessTokenExpired") or 0))
        except (TypeError, ValueError):
            lifetime = 0
        # Renew a minute early; a token of unknown life is used for this call only.
        if lifetime > 60:
            cache.set(self._token_key, token, lifetime - 60)
        ctx.response_payload = redact(body)  # the call log must not keep the access token
        return token

    def _execute(self, ctx: CallContext, service_code: str, params: dict) -> dict:
        payload = {
            "ServiceCode": service_code,
            "Parameters": [{"ParameterName": k, "ParameterValue": v} for k, v in params.items()],
        }
        url = f"{self.base_url}/api/WebServices/ExecuteService"
        token = cache.get(self._token_key) or self._login(ctx)
        response = self.http(ctx, "POST", url, json=payload, headers={"Authorization": f"Bearer {token}"})
        if self._token_expired(response):
            cache.delete(self._token_key)
            token = self._login(ctx)
            response = self.http(ctx, "POST", url, json=payload, headers={"Authorization": f"Bearer {token}"})
            if self._token_expired(response):
                raise self.refused(
                    "ergani_token_expired", "το διακριτικό πρόσβασης έληξε αμέσως μετά την έκδοσή του."
                )
        return self._answer(response)

    @staticmethod
    def _token_expired(response) -> bool:
        return response.status_code == 401 and response.headers.get("api-token-expired", "").lower() == "true"

    def _answer(self, response) -> dict:
        status = response.status_code
        if status == 204:
            return {}
        if status == 401:
            cache.delete(self._token_key)
            raise self.refused("ergani_auth", "οι κωδικοί ΕΡΓΑΝΗ της επιχείρησης δεν έγιναν δεκτοί.")
        if status == 403:
            raise self.refused(
                "ergani_foreign_employer",
                "οι κωδικοί ΕΡΓΑΝΗ που καταχωρίσατε ανήκουν σε άλλον εργοδότη. Το ΕΡΓΑΝΗ δίνει στοιχεία "
                "μόνο του εργοδότη στον οποίο ανήκουν οι κωδικοί.",
            )
        if status in (400, 404, 422):
            body = self.json_body(response)
            detail = body.get("message") if isinstance(body, dict) else None
            raise self.refused("ergani_refused", f"το αίτημα απορρίφθηκε ({detail or f'HTTP {status}'}).")
        self._raise_for_server_error(response)
        if status != 200:
            raise self.malformed(f"HTTP {status}")
        body = self.json_body(response)
        if not isinstance(body, dict):
            raise self.malformed("η απάντηση δεν είναι αντικείμενο JSON")
        return body

    def _raise_for_server_error(self, response) -> None:
        if response.status_code >= 500:
            raise RegistryUnavailable(
                f"Το μητρώο «{self.label}» απάντησε με σφάλμα (HTTP {response.status_code}). "
                "Δοκιμάστε ξανά αργότερα.",
                code=f"{self.name}_unavailable",
            )

    def _service_body(self, body: dict, service_code: str, afm: str) -> dict:
        data = body.get(service_code) if body else {"Ergodotis": {"Afm": afm}}
        if not isinstance(data, dict) or not isinstance(data.get("Ergodotis"), dict):
            raise self.malformed(f"λείπει το {service_code}")
        answered = str(data["Ergodotis"].get("Afm", "")).strip()
        if answered != afm:
            raise self.refused(
                "ergani_mismatch",
                f"η απάντηση αφορά άλλον εργοδότη (ΑΦΜ {answered or '—'}) από αυτόν που ζητήθηκε ({afm}).",
            )
        return data


# --- the uploaded export -------------------------------------------------------------------
EXPORT_TITLE = "ΠΙΝΑΚΑΣ ΠΡΟΣΩΠΙΚΟΥ"
EXPORT_META = {"ΑΦΜ ΕΡΓΟΔΟΤΗ": "afm", "ΕΠΩΝΥΜΙΑ": "name", "ΗΜΕΡΟΜΗΝΙΑ ΑΝΑΦΟΡΑΣ": "as_on"}
EXPORT_COLUMNS = {
    "ΑΜΚΑ": "amka",
    "ΕΠΩΝΥΜΟ": "last_name",
    "ΟΝΟΜΑ": "first_name",
    "ΗΜΕΡΟΜΗΝΙΑ ΠΡΟΣΛΗΨΗΣ": "hired_on",
    "ΗΜΕΡΟΜΗΝΙΑ ΑΠΟΧΩΡΗΣΗΣ": "left_on",
    "ΚΑΘΕΣΤΩΣ ΑΠΑΣΧΟΛΗΣΗΣ": "regime",
    "ΩΡΕΣ ΕΒΔΟΜΑΔΙΑΙΩΣ": "weekly_hours",
}
_MAX_ERRORS = 20


def parse_ergani_export(file_bytes: bytes) -> WorkforceReport:
    """Read a business's uploaded ΕΡΓΑΝΗ «Πίνακας Προσωπικού» export into a `WorkforceReport`.

    Layout (CSV with `;`, UTF-8 or Windows-1253, or the first sheet of an XLSX), modelled on the
    ΕΡΓΑΝΗ staff-table export; the header lines come first, then one row per employee, including
    those who left in the 12 months before the reference date:

        ΠΙΝΑΚΑΣ ΠΡΟΣΩΠΙΚΟΥ
        ΑΦΜ ΕΡΓΟΔΟΤΗ;804773470
        ΕΠΩΝΥΜΙΑ;ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ ΜΟΝΟΠΡΟΣΩΠΗ ΙΚΕ
        ΗΜΕΡΟΜΗΝΙΑ ΑΝΑΦΟΡΑΣ;31/03/2026
        Α/Α;ΑΦΜ;ΑΜΚΑ;ΕΠΩΝΥΜΟ;ΟΝΟΜΑ;ΗΜΕΡΟΜΗΝΙΑ ΠΡΟΣΛΗΨΗΣ;ΗΜΕΡΟΜΗΝΙΑ ΑΠΟΧΩΡΗΣΗΣ;
            ΣΧΕΣΗ ΑΠΑΣΧΟΛΗΣΗΣ;ΚΑΘΕΣΤΩΣ ΑΠΑΣΧΟΛΗΣΗΣ;ΩΡΕΣ ΕΒΔΟΜΑΔΙΑΙΩΣ;ΕΙΔΙΚΟΤΗΤΑ
        1;...;15038580948;ΠΑΠΑΔΟΠΟΥΛΟΥ;ΜΑΡΙΑ;02/05/2019;;ΑΟΡΙΣΤΟΥ ΧΡΟΝΟΥ (0);ΠΛΗΡΗΣ (0);40,00;...

    Columns are found by their heading (the order does not matter); ΑΦΜ, Α/Α, ΣΧΕΣΗ and
    ΕΙΔΙΚΟΤΗΤΑ are optional. Dates are DD/MM/YYYY, ΚΑΘΕΣΤΩΣ is "ΠΛΗΡΗΣ (0)" or "ΜΕΡΙΚΗ (1)"
    (or the bare code), hours use a decimal comma. Every problem is reported with its row and
    column, in one ValidationFailed (code `ergani_export_invalid`, field `file`).
    """
    rows = _export_rows(file_bytes)
    errors: list[str] = []
    meta: dict[str, str] = {}
    header_at = None
    for i, row in enumerate(rows):
        cells = [c.strip() for c in row]
        if "ΑΜΚΑ" in (c.upper() for c in cells):
            header_at = i
            break
        if cells and cells[0].upper() in EXPORT_META:
            meta[EXPORT_META[cells[0].upper()]] = cells[1] if len(cells) > 1 else ""
    if header_at is None:
        _fail(["Δεν βρέθηκε η γραμμή επικεφαλίδων του πίνακα (με στήλη «ΑΜΚΑ»)."])
    afm = _zero_padded(meta.get("afm", ""), 9)
    if not stdnum_vat.is_valid(afm):
        errors.append(f"Η γραμμή «ΑΦΜ ΕΡΓΟΔΟΤΗ» λείπει ή δεν έχει έγκυρο ΑΦΜ («{afm}»).")
    try:
        as_on = parse_ergani_date(meta.get("as_on", ""))
    except ValueError:
        as_on = None
        errors.append("Η γραμμή «ΗΜΕΡΟΜΗΝΙΑ ΑΝΑΦΟΡΑΣ» λείπει ή δεν έχει ημερομηνία ΗΗ/ΜΜ/ΕΕΕΕ.")

    headings = [c.strip().upper() for c in rows[header_at]]
    position = {EXPORT_COLUMNS[h]: n for n, h in enumerate(headings) if h in EXPORT_COLUMNS}
    missing = [h for h, key in EXPORT_COLUMNS.items() if key not in position]
    if missing:
        errors.append("Λείπουν οι στήλες: " + ", ".join(f"«{h}»" for h in missing) + ".")
        _fail(errors)

    employments = []
    for line_no, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not any(c.strip() for c in row):
            continue
        cell = {key: (row[n].strip() if n < len(row) else "") for key, n in position.items()}
        cell["amka"] = _zero_padded(cell["amka"], 11)
        employment, row_errors = _export_employment(cell, line_no)
        errors.extend(row_errors)
        if employment:
            employments.append(employment)
        if len(errors) >= _MAX_ERRORS:
            break
    if not employments and not errors:
        errors.append("Ο πίνακας δεν έχει καμία γραμμή εργαζομένου.")
    if errors:
        _fail(errors)
    return WorkforceReport(
        employer_afm=afm,
        employer_name=meta.get("name", "").strip(),
        as_on=as_on,
        months=monthly_workforce(employments, as_on),
        source="export",
    )


def _export_employment(cell: dict, line_no: int) -> tuple[Employment | None, list[str]]:
    errors = []

    def bad(column: str, value: str, expected: str):
        errors.append(f"Γραμμή {line_no}, στήλη «{column}»: «{value}» {expected}.")

    if not stdnum_amka.is_valid(cell["amka"]):
        bad("ΑΜΚΑ", cell["amka"], "δεν είναι έγκυρος ΑΜΚΑ")
    hired_on = left_on = None
    try:
        hired_on = parse_ergani_date(cell["hired_on"])
    except ValueError:
        bad("ΗΜΕΡΟΜΗΝΙΑ ΠΡΟΣΛΗΨΗΣ", cell["hired_on"], "δεν είναι ημερομηνία ΗΗ/ΜΜ/ΕΕΕΕ")
    if cell["left_on"]:
        try:
            left_on = parse_ergani_date(cell["left_on"])
        except ValueError:
            bad("ΗΜΕΡΟΜΗΝΙΑ ΑΠΟΧΩΡΗΣΗΣ", cell["left_on"], "δεν είναι ημερομηνία ΗΗ/ΜΜ/ΕΕΕΕ")
    if hired_on and left_on and left_on < hired_on:
        bad("ΗΜΕΡΟΜΗΝΙΑ ΑΠΟΧΩΡΗΣΗΣ", cell["left_on"], "είναι πριν από την ημερομηνία πρόσληψης")
    regime = label_code(cell["regime"])
    if regime not in CONTRACT_BY_CODE:
        bad("ΚΑΘΕΣΤΩΣ ΑΠΑΣΧΟΛΗΣΗΣ", cell["regime"], "δεν είναι «ΠΛΗΡΗΣ (0)» ή «ΜΕΡΙΚΗ (1)»")
    try:
        hours = parse_greek_decimal(cell["weekly_hours"])
        if not Decimal(0) < hours <= Decimal(48):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        hours = None
        bad("ΩΡΕΣ ΕΒΔΟΜΑΔΙΑΙΩΣ", cell["weekly_hours"], "δεν είναι αριθμός ωρών από 1 έως 48")
    if errors:
        return None, errors
    return Employment(
        amka=cell["amka"], hired_on=hired_on, left_on=left_on, full_time=regime == "0", weekly_hours=hours
    ), []


def _zero_padded(value: str, width: int) -> str:
    """A spreadsheet turns ΑΦΜ 097464499 or ΑΜΚΑ 02079014649 into a number; put the zero back."""
    value = value.strip()
    return value.zfill(width) if value.isdigit() and len(value) < width else value


def _fail(errors: list[str]):
    raise ValidationFailed(
        "Το αρχείο ΕΡΓΑΝΗ δεν μπορεί να διαβαστεί: " + errors[0],
        code="ergani_export_invalid",
        fields={"file": errors},
    )


def _export_rows(file_bytes: bytes) -> list[list[str]]:
    if not file_bytes:
        _fail(["Το αρχείο είναι κενό."])
    if file_bytes[:4] == b"PK\x03\x04":
        return _xlsx_rows(file_bytes)
    for encoding in ("utf-8-sig", "cp1253"):
        try:
            text = file_bytes.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1253 decodes almost anything; kept for clarity
        _fail(["Το αρχείο δεν είναι κείμενο CSV σε UTF-8 ή Windows-1253."])
    if "\x00" in text:
        _fail(["Το αρχείο δεν είναι CSV ούτε XLSX."])
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _xlsx_rows(file_bytes: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(file_bytes), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationFailed(
            "Το αρχείο XLSX είναι κατεστραμμένο ή δεν είναι υπολογιστικό φύλλο.",
            code="ergani_export_invalid",
            fields={"file": ["Το αρχείο XLSX είναι κατεστραμμένο ή δεν είναι υπολογιστικό φύλλο."]},
        ) from exc
    sheet = book.worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        rows.append([_xlsx_cell(v) for v in values])
    book.close()
    return rows


def _xlsx_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return ergani_date(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


__all__ = [
    "Departure",
    "Employment",
    "ErganiClient",
    "ErganiCredentials",
    "Hire",
    "MonthlyWorkforce",
    "WorkforceReport",
    "monthly_workforce",
    "parse_ergani_export",
]
