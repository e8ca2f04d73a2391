"""Sandbox for ΠΣΣΕΗΣ / ΚΠΣΚΕ, the state-aid and de minimis register.

No public API exists for the Greek register (interop.md §5), so this module *defines* the shape
the portal's client speaks, modelled on the EU Transparency Award Module and Reg. 2023/2831 Art. 6.

Auth: ``Authorization: Bearer <token>`` (settings.INTEROP["deminimis"]["token"]); otherwise 401.
Amounts are JSON strings with two decimals ("290000.00"), dates ISO ``YYYY-MM-DD``.

Award record::

    {"registry_id": "ΠΣΣΕΗΣ-2026-000001", "external_reference": "opske:application:17",
     "measure_code": "ΜΚΕ-2025-0001", "sa_number": "SA.123456" | "",
     "regulation": "2023/2831" | "2023/2832" | "1407/2013" | "1408/2013" | "717/2014" | "GBER …",
     "beneficiary_afm": "808982626", "beneficiary_name": "…", "single_undertaking_group_id": "ΕΕ-808982626",
     "granting_authority": "…", "grant_date": "2025-03-01", "instrument": "grant" | "loan" | "guarantee" | …,
     "nominal_amount": "14220.00", "gge_amount": "14220.00", "currency": "EUR",
     "nace": "16.23", "nuts": "EL531", "ada": "Ψ4ΛΖ46ΜΤΛ6-ΑΒΓ", "status": "active" | "revoked"}

``GET /undertakings/<afm>/awards?as_on=YYYY-MM-DD[&regulation=2023/2831|de_minimis]``
    The single undertaking of <afm> (Art. 2(2)) and the awards to any of its members granted in
    the rolling three years before ``as_on``: ``as_on - 1095 days < grant_date <= as_on``. An award
    exactly 1,095 days back is *outside* (interop.md §5: ``grant_date > D-3y``). ``regulation``
    narrows to one regulation; ``de_minimis`` (or absent) keeps every de minimis regulation; GBER
    awards are never returned here. Answer::

        {"beneficiary_afm", "single_undertaking_group_id", "as_on",
         "window": {"after": "YYYY-MM-DD", "until": "YYYY-MM-DD"},
         "members": [{"afm", "name", "link"}], "awards": [Award…], "total_gge": "…", "currency": "EUR"}

``POST /awards`` (JSON award record without registry_id/status, with ``external_reference``)
    201 ``{"registry_id", "external_reference", "status": "active", "created": true}``. The same
    external_reference again answers 200 with the same registry_id and ``created: false`` (a
    retried registration never makes a duplicate); the same reference with different amounts,
    beneficiary or date answers 409.

``PUT /awards/<registry_id>/payments/<payment_reference>`` ``{"paid_amount": "1659.00", "paid_on":
    "YYYY-MM-DD"}``
    What a payment on the grant actually paid (issue 13 «de minimis at payment»), one record per
    payment of the granting authority, keyed by its own reference (so a retried update is the same
    record: 200 ``created: false``; the same reference with another amount answers 409). Answer
    201 ``{"registry_id", "payment_reference", "paid_amount", "total_paid", "created": true}``.
    From then on the award, wherever it is returned (the cumulation read above included), carries
    ``paid_amount`` (the sum of its payments, "0.00" before any) and ``payments`` [{"payment_reference",
    "paid_amount", "paid_on"}], and the cumulation answer a ``total_paid``. The gross grant
    equivalent stays the amount granted (the aid counts when the right to it arises, Art. 3(4)); the
    paid figures are what the register knows was really disbursed. 404 for an unknown registry_id.

Errors: 400/409/422 ``{"errors": [{"field": "…", "code": "…", "message": "…"}]}``; 401 ``{"errors":
[{"code": "unauthorized", …}]}``. Switch "error" answers 422 with the switch's code, except the
codes ``malformed`` (a non-JSON body) and ``mismatch`` (an answer about another ΑΦΜ).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.validators import validate_afm
from interop.sandboxes.control import sandbox_endpoint
from interop.sandboxes.data_business import AWARDS, company_name, single_undertaking_of

WINDOW_DAYS = 3 * 365
DE_MINIMIS_REGULATIONS = frozenset(
    {"2023/2831", "2023/2832", "1407/2013", "1408/2013", "717/2014", "360/2012"}
)
_REF_KEY = "sandbox:deminimis:ref:{}"
_INDEX_KEY = "sandbox:deminimis:refs"
_SEQ_KEY = "sandbox:deminimis:seq"
_PAID_KEY = "sandbox:deminimis:paid:{}"
_RECOVERED_KEY = "sandbox:deminimis:recovered:{}"
_REQUIRED = (
    "external_reference",
    "measure_code",
    "regulation",
    "beneficiary_afm",
    "granting_authority",
    "grant_date",
    "nominal_amount",
    "gge_amount",
)
# What must match for a replayed registration to be "the same grant".
_IDENTITY = ("beneficiary_afm", "grant_date", "gge_amount", "nominal_amount", "regulation", "measure_code")


def _errors(status: int, *errors: tuple[str, str, str]) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"field": f, "code": c, "message": m} for f, c, m in errors]},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _authorised(request) -> bool:
    expected = settings.INTEROP.get("deminimis", {}).get("token") or ""
    return bool(expected) and request.headers.get("Authorization", "") == f"Bearer {expected}"


def _demo_awards(today: datetime.date) -> list[dict]:
    out = []
    for days_back, fields in AWARDS:
        group_id, _members = single_undertaking_of(fields["beneficiary_afm"])
        out.append(
            {
                **fields,
                "external_reference": "",
                "beneficiary_name": company_name(fields["beneficiary_afm"]),
                "single_undertaking_group_id": group_id,
                "grant_date": (today - datetime.timedelta(days=days_back)).isoformat(),
                "currency": "EUR",
                "status": "active",
            }
        )
    return out


def _registered_awards() -> list[dict]:
    refs = cache.get(_INDEX_KEY) or []
    found = cache.get_many([_REF_KEY.format(r) for r in refs])
    return list(found.values())


def _switch_error(request):
    mode = request.sandbox_mode
    if mode.mode != "error":
        return None
    if mode.error_code == "malformed":
        return HttpResponse("<html>Σφάλμα διακομιστή</html>", content_type="application/json")
    if mode.error_code == "mismatch":
        return "mismatch"
    return _errors(422, ("", mode.error_code or "internal_error", "Σφάλμα του μητρώου (δοκιμαστικό)."))


@sandbox_endpoint("deminimis")
@require_GET
def undertaking_awards(request, afm: str):
    if not _authorised(request):
        return _errors(401, ("", "unauthorized", "Λείπει ή δεν είναι έγκυρο το διακριτικό πρόσβασης."))
    switched = _switch_error(request)
    if switched is not None and switched != "mismatch":
        return switched
    try:
        validate_afm(afm)
    except ValidationError as exc:
        return _errors(400, ("afm", "invalid_afm", exc.messages[0]))
    try:
        as_on = datetime.date.fromisoformat(request.GET.get("as_on", ""))
    except ValueError:
        return _errors(400, ("as_on", "invalid_date", "Η ημερομηνία as_on πρέπει να είναι ΕΕΕΕ-ΜΜ-ΗΗ."))
    regulation = request.GET.get("regulation") or "de_minimis"
    if regulation != "de_minimis" and regulation not in DE_MINIMIS_REGULATIONS:
        return _errors(
            400, ("regulation", "invalid_regulation", f"Άγνωστος κανονισμός de minimis: {regulation}")
        )

    group_id, members = single_undertaking_of(afm)
    member_afms = {m for m, _link in members}
    after = as_on - datetime.timedelta(days=WINDOW_DAYS)
    awards = []
    for award in _demo_awards(timezone.localdate()) + _registered_awards():
        granted = datetime.date.fromisoformat(award["grant_date"])
        if award["beneficiary_afm"] not in member_afms or not (after < granted <= as_on):
            continue
        if award["regulation"] not in DE_MINIMIS_REGULATIONS or award["status"] != "active":
            continue
        if regulation != "de_minimis" and award["regulation"] != regulation:
            continue
        awards.append(award)
    awards = [_with_payments(a) for a in awards]
    awards.sort(key=lambda a: a["grant_date"])
    total = sum((Decimal(a["gge_amount"]) for a in awards), Decimal("0.00"))
    total_paid = sum((Decimal(a["paid_amount"]) for a in awards), Decimal("0.00"))
    total_recovered = sum((Decimal(a["recovered_amount"]) for a in awards), Decimal("0.00"))
    body = {
        "beneficiary_afm": "000000000" if switched == "mismatch" else afm,
        "single_undertaking_group_id": group_id,
        "as_on": as_on.isoformat(),
        "window": {"after": after.isoformat(), "until": as_on.isoformat()},
        "members": [{"afm": m, "name": company_name(m), "link": link} for m, link in members],
        "awards": awards,
        "total_gge": f"{total:.2f}",
        "total_paid": f"{total_paid:.2f}",
        "total_recovered": f"{total_recovered:.2f}",
        "total_net_paid": f"{total_paid - total_recovered:.2f}",
        "currency": "EUR",
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def _payments_of(registry_id: str) -> dict:
    return cache.get(_PAID_KEY.format(registry_id)) or {}


def _recoveries_of(registry_id: str) -> dict:
    return cache.get(_RECOVERED_KEY.format(registry_id)) or {}


def _with_payments(award: dict) -> dict:
    payments = _payments_of(award.get("registry_id") or "")
    recoveries = _recoveries_of(award.get("registry_id") or "")
    paid = sum((Decimal(p["paid_amount"]) for p in payments.values()), Decimal("0.00"))
    recovered = sum((Decimal(r["recovered_amount"]) for r in recoveries.values()), Decimal("0.00"))
    return {
        **award,
        "paid_amount": f"{paid:.2f}",
        "payments": [{"payment_reference": ref, **p} for ref, p in sorted(payments.items())],
        "recovered_amount": f"{recovered:.2f}",
        "recoveries": [{"recovery_reference": ref, **r} for ref, r in sorted(recoveries.items())],
        "net_paid_amount": f"{paid - recovered:.2f}",
    }


def _validate_award(data: dict) -> list[tuple[str, str, str]]:
    errors = []
    for name in _REQUIRED:
        if not str(data.get(name) or "").strip():
            errors.append((name, "required", f"Το πεδίο {name} είναι υποχρεωτικό."))
    if data.get("beneficiary_afm"):
        try:
            validate_afm(str(data["beneficiary_afm"]))
        except ValidationError as exc:
            errors.append(("beneficiary_afm", "invalid_afm", exc.messages[0]))
    if data.get("grant_date"):
        try:
            datetime.date.fromisoformat(str(data["grant_date"]))
        except ValueError:
            errors.append(
                ("grant_date", "invalid_date", "Η ημερομηνία χορήγησης πρέπει να είναι ΕΕΕΕ-ΜΜ-ΗΗ.")
            )
    for name in ("nominal_amount", "gge_amount"):
        if data.get(name):
            try:
                value = Decimal(str(data[name]))
            except InvalidOperation:
                value = None
            if value is None or not value.is_finite() or value <= 0:
                errors.append((name, "invalid_amount", f"Το ποσό {name} πρέπει να είναι θετικός αριθμός."))
    return errors


@csrf_exempt
@sandbox_endpoint("deminimis")
@require_POST
def register_award(request):
    if not _authorised(request):
        return _errors(401, ("", "unauthorized", "Λείπει ή δεν είναι έγκυρο το διακριτικό πρόσβασης."))
    switched = _switch_error(request)
    if switched is not None and switched != "mismatch":
        return switched
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return _errors(400, ("", "invalid_json", "Το σώμα του αιτήματος δεν είναι έγκυρο JSON."))
    if not isinstance(data, dict):
        return _errors(400, ("", "invalid_json", "Αναμενόταν αντικείμενο JSON."))
    errors = _validate_award(data)
    if errors:
        return _errors(400, *errors)

    ref = str(data["external_reference"])
    existing = cache.get(_REF_KEY.format(ref))
    if existing is None:
        cache.add(_SEQ_KEY, 0, timeout=None)
        seq = cache.incr(_SEQ_KEY)
        group_id, _members = single_undertaking_of(data["beneficiary_afm"])
        award = {
            **{k: str(data.get(k) or "") for k in ("sa_number", "instrument", "nace", "nuts", "ada")},
            "registry_id": f"ΠΣΣΕΗΣ-{timezone.localdate().year}-{seq:06d}",
            "external_reference": ref,
            "measure_code": str(data["measure_code"]),
            "regulation": str(data["regulation"]),
            "beneficiary_afm": str(data["beneficiary_afm"]),
            "beneficiary_name": str(data.get("beneficiary_name") or company_name(data["beneficiary_afm"])),
            "single_undertaking_group_id": group_id,
            "granting_authority": str(data["granting_authority"]),
            "grant_date": str(data["grant_date"]),
            "nominal_amount": f"{Decimal(str(data['nominal_amount'])):.2f}",
            "gge_amount": f"{Decimal(str(data['gge_amount'])):.2f}",
            "currency": "EUR",
            "status": "active",
        }
        award["instrument"] = award["instrument"] or "grant"
        # add() is atomic: of two concurrent first registrations only one is stored.
        if cache.add(_REF_KEY.format(ref), award, timeout=None):
            # The index is only a listing aid; a lost append would hide an award from reads,
            # which a sandbox can live with.
            cache.set(_INDEX_KEY, [*(cache.get(_INDEX_KEY) or []), ref], timeout=None)
            return JsonResponse(
                {
                    "registry_id": award["registry_id"],
                    "external_reference": ref,
                    "status": "active",
                    "created": True,
                },
                status=201,
                json_dumps_params={"ensure_ascii": False},
            )
        existing = cache.get(_REF_KEY.format(ref))
    normalised = {
        **data,
        "nominal_amount": f"{Decimal(str(data['nominal_amount'])):.2f}",
        "gge_amount": f"{Decimal(str(data['gge_amount'])):.2f}",
    }
    if any(str(normalised.get(k)) != str(existing.get(k)) for k in _IDENTITY):
        return _errors(
            409,
            (
                "external_reference",
                "conflict",
                f"Η αναφορά {ref} έχει ήδη καταχωριστεί με άλλα στοιχεία ({existing['registry_id']}).",
            ),
        )
    return JsonResponse(
        {
            "registry_id": existing["registry_id"],
            "external_reference": ref,
            "status": existing["status"],
            "created": False,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _award_by_registry_id(registry_id: str) -> dict | None:
    for award in _registered_awards() + _demo_awards(timezone.localdate()):
        if award.get("registry_id") == registry_id:
            return award
    return None


@dataclass(frozen=True)
class _Movement:
    """What a payment or a recovery record of a grant is called on the wire and in the cache."""

    kind: str  # "paid" | "recovered"
    cache_key: str
    noun: str  # in the error messages
    sign: str  # «θετικό ποσό» for the amount's message

    @property
    def amount(self) -> str:
        return f"{self.kind}_amount"

    @property
    def on(self) -> str:
        return f"{self.kind}_on"

    @property
    def reference(self) -> str:
        return "payment_reference" if self.kind == "paid" else "recovery_reference"


_PAID = _Movement("paid", _PAID_KEY, "Η πληρωμή", "Το ποσό πληρωμής πρέπει να είναι θετικό.")
_RECOVERED = _Movement("recovered", _RECOVERED_KEY, "Η ανάκτηση", "Το ποσό ανάκτησης πρέπει να είναι θετικό.")


def _record(request, registry_id: str, reference: str, movement: _Movement):
    if request.method != "PUT":
        return _errors(405, ("", "method_not_allowed", "Επιτρέπεται μόνο PUT."))
    if not _authorised(request):
        return _errors(401, ("", "unauthorized", "Λείπει ή δεν είναι έγκυρο το διακριτικό πρόσβασης."))
    switched = _switch_error(request)
    if switched is not None and switched != "mismatch":
        return switched
    if _award_by_registry_id(registry_id) is None:
        return _errors(404, ("registry_id", "not_found", f"Δεν υπάρχει καταχώριση {registry_id}."))
    try:
        data = json.loads(request.body or b"{}")
        amount = Decimal(str(data[movement.amount]))
        on = datetime.date.fromisoformat(str(data[movement.on]))
    except (ValueError, KeyError, TypeError, InvalidOperation):
        message = f"Απαιτούνται {movement.amount} (θετικό ποσό) και {movement.on} (ΕΕΕΕ-ΜΜ-ΗΗ)."
        return _errors(400, (movement.amount, "invalid", message))
    if not amount.is_finite() or amount <= 0:
        return _errors(400, (movement.amount, "invalid_amount", movement.sign))
    record = {movement.amount: f"{amount:.2f}", movement.on: on.isoformat()}
    key = movement.cache_key.format(registry_id)
    # A sandbox's read-modify-write: two records of one grant in the same instant could lose one,
    # which the portal's retry of a still-PENDING report would then restore.
    records = cache.get(key) or {}
    existing = records.get(reference)
    if existing is not None and existing != record:
        message = f"{movement.noun} {reference} έχει ήδη καταχωριστεί με άλλο ποσό."
        return _errors(409, (movement.reference, "conflict", message))
    created = existing is None
    if created:
        records[reference] = record
        cache.set(key, records, timeout=None)
    total = sum((Decimal(r[movement.amount]) for r in records.values()), Decimal("0.00"))
    return JsonResponse(
        {
            "registry_id": registry_id,
            movement.reference: reference,
            movement.amount: record[movement.amount],
            f"total_{movement.kind}": f"{total:.2f}",
            "created": created,
        },
        status=201 if created else 200,
        json_dumps_params={"ensure_ascii": False},
    )


@csrf_exempt
@sandbox_endpoint("deminimis")
def record_payment(request, registry_id: str, reference: str):
    return _record(request, registry_id, reference, _PAID)


@csrf_exempt
@sandbox_endpoint("deminimis")
def record_recovery(request, registry_id: str, reference: str):
    return _record(request, registry_id, reference, _RECOVERED)


urlpatterns = [
    path("undertakings/<str:afm>/awards", undertaking_awards, name="undertaking-awards"),
    path("awards", register_award, name="register-award"),
    # A payment code holds «/» (ΠΡΞ-…/ΠΛΗ-1): the reference is the rest of the path.
    path("awards/<str:registry_id>/payments/<path:reference>", record_payment, name="record-payment"),
    path("awards/<str:registry_id>/recoveries/<path:reference>", record_recovery, name="record-recovery"),
]
