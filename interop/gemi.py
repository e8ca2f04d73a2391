"""Client for the ΓΕΜΗ Open Data API (businessportal), interop.md §6.

ΓΕΜΗ publishes a rate limit (8 requests per minute per key at the time of writing). The portal
keeps under it on its own side: every process shares one counter per key per calendar minute in
the Django cache (Redis in production), which is the window the gateway itself counts in, so a
request this client lets through is never one the gateway would refuse for the rate. A request
over the limit is not sent: it fails as RegistryUnavailable, so a case simply waits for the
registry. A 429 that still comes back (another system using the same key) is retried like any
other retryable answer, honouring Retry-After.
"""

from __future__ import annotations

import datetime
import hashlib
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import requests
from django.core.cache import cache

from accounts.validators import normalise_afm
from opske.errors import RegistryUnavailable

from .base import RegistryClient, cached_result

ACTIVE_STATUS = "Ενεργή"


@dataclass(frozen=True)
class GemiActivity:
    code: str  # ΚΑΔ as ΓΕΜΗ writes it, e.g. "16.23.10.00"
    description: str
    kind: str  # «Κύρια» | «Δευτερεύουσα»


@dataclass(frozen=True)
class GemiPerson:
    name: str
    role: str
    percentage: Decimal | None
    since: datetime.date | None
    represents_alone: bool


@dataclass(frozen=True)
class GemiCompany:
    ar_gemi: str
    afm: str
    name: str
    status: str
    is_active: bool
    legal_form: str
    incorporation_date: datetime.date | None
    municipality: str
    prefecture: str
    gemi_office: str
    activities: tuple[GemiActivity, ...]
    persons: tuple[GemiPerson, ...]


class RateLimiter:
    """At most `per_minute` requests per key per calendar minute, counted in the shared cache."""

    def __init__(self, key: str, per_minute: int):
        self.key = hashlib.sha256(key.encode()).hexdigest()[:16]
        self.per_minute = per_minute

    def acquire(self) -> None:
        now = time.time()
        slot = f"interop:gemi:rate:{self.key}:{int(now // 60)}"
        cache.add(slot, 0, timeout=120)
        if cache.incr(slot) > self.per_minute:
            wait = max(1, int(60 - now % 60))
            raise RegistryUnavailable(
                f"Το όριο των {self.per_minute} κλήσεων ανά λεπτό προς το ΓΕΜΗ εξαντλήθηκε. "
                f"Νέα προσπάθεια σε {wait} δευτερόλεπτα.",
                code="gemi_rate_limited",
            )


class _RateLimitedSession(requests.Session):
    def __init__(self, limiter: RateLimiter):
        super().__init__()
        self.limiter = limiter

    def request(self, *args, **kwargs):
        self.limiter.acquire()  # every attempt, retries included, spends a slot
        return super().request(*args, **kwargs)


class GemiClient(RegistryClient):
    name = "gemi"
    label = "ΓΕΜΗ"

    def __init__(self, *, actor=None, session: requests.Session | None = None):
        super().__init__(actor=actor, session=session)
        if session is None:
            limiter = RateLimiter(
                str(self.config.get("api_key") or ""), int(self.config.get("per_minute") or 8)
            )
            self.session = _RateLimitedSession(limiter)

    def _headers(self) -> dict:
        key = str(self.config.get("api_key") or "")
        # `api_key` is what the gateway documents; servers that drop underscored headers (Django,
        # gunicorn) still pass `api-key`.
        return {"api_key": key, "api-key": key, "Accept": "application/json"}

    def company_by_afm(self, afm: str) -> GemiCompany:
        afm = normalise_afm(afm)
        return cached_result(
            f"interop:gemi:afm:{afm}",
            lambda: self.call("company_by_afm", afm, lambda ctx: self._by_afm(ctx, afm)),
        )

    def company(self, ar_gemi: str) -> GemiCompany:
        ar_gemi = str(ar_gemi).strip()
        return cached_result(
            f"interop:gemi:ar:{ar_gemi}",
            lambda: self.call("company", ar_gemi, lambda ctx: self._by_number(ctx, ar_gemi)),
        )

    def _by_afm(self, ctx, afm: str) -> GemiCompany:
        response = self.http(
            ctx,
            "GET",
            f"{self.base_url}/companies",
            params={"afm": afm, "resultsSize": 1},
            headers=self._headers(),
        )
        self._raise_for_status(response, afm=afm)
        body = self.json_body(response)
        if not isinstance(body, dict) or not isinstance(body.get("searchResults"), list):
            raise self.malformed("λείπει το searchResults")
        if not body["searchResults"]:
            raise self._not_found(afm=afm)
        company = self._company(body["searchResults"][0])
        if company.afm != afm:
            raise self.refused(
                "gemi_mismatch", f"η απάντηση αφορά άλλο ΑΦΜ ({company.afm}) από αυτό που ζητήθηκε ({afm})."
            )
        return company

    def _by_number(self, ctx, ar_gemi: str) -> GemiCompany:
        response = self.http(ctx, "GET", f"{self.base_url}/companies/{ar_gemi}", headers=self._headers())
        self._raise_for_status(response, ar_gemi=ar_gemi)
        company = self._company(self.json_body(response))
        if company.ar_gemi != ar_gemi:
            raise self.refused("gemi_mismatch", f"η απάντηση αφορά άλλον αριθμό ΓΕΜΗ ({company.ar_gemi}).")
        return company

    def _not_found(self, *, afm: str = "", ar_gemi: str = ""):
        if afm:
            return self.refused(
                "gemi_not_found",
                f"δεν βρέθηκε στο ΓΕΜΗ εταιρεία με ΑΦΜ {afm}. Οι ατομικές επιχειρήσεις δεν εγγράφονται "
                "στο ΓΕΜΗ· τα στοιχεία τους προκύπτουν από την ΑΑΔΕ.",
            )
        return self.refused("gemi_not_found", f"δεν βρέθηκε στο ΓΕΜΗ εταιρεία με αριθμό ΓΕΜΗ {ar_gemi}.")

    def _raise_for_status(self, response, *, afm: str = "", ar_gemi: str = "") -> None:
        status = response.status_code
        if status < 400:
            return
        if status in (401, 403):
            raise self.refused(
                "gemi_unauthorized", "το κλειδί πρόσβασης (api_key) του ΟΠΣΚΕ δεν έγινε δεκτό."
            )
        if status == 404:
            raise self._not_found(afm=afm, ar_gemi=ar_gemi)
        if status >= 500:
            raise RegistryUnavailable(
                f"Το μητρώο «{self.label}» απάντησε HTTP {status}. Δοκιμάστε ξανά αργότερα.",
                code="gemi_unavailable",
            )
        raise self.refused("gemi_rejected", f"το ΓΕΜΗ απέρριψε το αίτημα (HTTP {status}).")

    def _company(self, c) -> GemiCompany:
        try:
            activities = []
            for item in c.get("activities") or []:
                # Nested `{activity: {id, descr}}` is the documented form; some gateways answer flat.
                inner = item.get("activity") if isinstance(item.get("activity"), dict) else item
                if item.get("dtTo"):
                    continue
                activities.append(
                    GemiActivity(
                        code=str(inner.get("id") or ""),
                        description=str(inner.get("descr") or ""),
                        kind=str(item.get("type") or ""),
                    )
                )
            persons = tuple(
                GemiPerson(
                    name=str(p.get("personName") or p.get("businessName") or ""),
                    role=str(p.get("role") or ""),
                    percentage=Decimal(str(p["percentage"]))
                    if p.get("percentage") not in (None, "")
                    else None,
                    since=_date(p.get("dtFrom")),
                    represents_alone=bool(p.get("isRepresentativeAlone")),
                )
                for p in c.get("persons") or []
                if not p.get("dtTo")
            )
            status = str((c.get("status") or {}).get("descr") or "")
            return GemiCompany(
                ar_gemi=str(c["arGemi"]),
                afm=str(c["afm"]).zfill(9),
                name=str(c.get("coNameEl") or ""),
                status=status,
                is_active=status == ACTIVE_STATUS,
                legal_form=str((c.get("legalType") or {}).get("descr") or ""),
                incorporation_date=_date(c.get("incorporationDate")),
                municipality=str((c.get("municipality") or {}).get("descr") or ""),
                prefecture=str((c.get("prefecture") or {}).get("descr") or ""),
                gemi_office=str((c.get("gemiOffice") or {}).get("descr") or ""),
                activities=tuple(activities),
                persons=persons,
            )
        except (KeyError, TypeError, AttributeError, ValueError, InvalidOperation) as exc:
            raise self.malformed(f"εγγραφή εταιρείας: {exc}") from exc


def _date(value) -> datetime.date | None:
    if not value:
        return None
    return datetime.date.fromisoformat(str(value)[:10])
