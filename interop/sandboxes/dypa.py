"""Sandbox of the ΔΥΠΑ digital unemployment register, mounted at `/sandbox/dypa/`.

ΔΥΠΑ publishes no API for its register, so the portal defines this shape (the client is
`interop.dypa.DypaClient`):

`GET api/v1/unemployed/<ΑΜΚΑ>?as_on=YYYY-MM-DD` with `Authorization: Bearer <token>` (the service
token `sandbox-token`, the default of `settings.INTEROP["dypa"]["token"]`). `as_on` defaults to today.
    200 → {"amka", "as_on", "registered": bool, "registered_since": "YYYY-MM-DD",
           "registration_ended": "YYYY-MM-DD" | null, "continuous_months": int (full months of
           continuous registration up to as_on; 0 when not registered),
           "long_term_unemployed": bool (≥ 12 months), "kpa2": {"code", "name"},
           "card": {"number", "status": "active" | "revoked" | "not_renewed" | "none"},
           "individual_approach_completed": bool, "action_plan_agreed": bool,
           "birth_date", "age" (completed years on as_on), "citizenship" (ISO country),
           "education": "ΠΕ" | "ΤΕ" | "ΔΕ" | "ΥΕ",
           "income": {"tax_year", "individual": "1234.00", "family": "2345.00", "joint_return"},
           "minor_children": int, "disability_percent": int,
           "previous_employment": [{"employer_afm", "employer_name", "kad", "from", "to"}]}
Errors, always `{"error": {"code": …, "message": …}}`:
    400 `INVALID_AMKA` (not 11 digits) / `INVALID_DATE`; 401 `UNAUTHORIZED` (missing or wrong
    token); 404 `NOT_REGISTERED` (ΑΜΚΑ never registered with a ΚΠΑ2); 500 anything else.
Switches: slow/down as everywhere; "error" answers the format above with `error_code` (status
from the list above, or the number if error_code is one, else 500); two sandbox-only codes:
`malformed` (a body that is not JSON) and `mismatch` (the answer is about another ΑΜΚΑ).
"""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET

from .control import same_secret, sandbox_endpoint
from .data_people import DYPA_REGISTRATIONS, KPA2, SANDBOX_SERVICE_TOKEN
from .registry_data import PERSONS

ERROR_STATUS = {"INVALID_AMKA": 400, "INVALID_DATE": 400, "UNAUTHORIZED": 401, "NOT_REGISTERED": 404}


def _error(code: str, message: str, status: int | None = None) -> JsonResponse:
    status = status or ERROR_STATUS.get(code) or (int(code) if code.isdigit() else 500)
    return JsonResponse(
        {"error": {"code": code, "message": message}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def full_months(since: date, until: date) -> int:
    """Full calendar months from `since` to `until` (2025-01-13 → 2026-03-12 is 13, → 03-13 is 14)."""
    months = (until.year - since.year) * 12 + until.month - since.month
    return max(months - (1 if until.day < since.day else 0), 0)


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def status_of(amka: str, as_on: date) -> dict | None:
    """The register's answer about `amka` on `as_on`; None if the ΑΜΚΑ was never registered."""
    reg = DYPA_REGISTRATIONS.get(amka)
    if reg is None:
        return None
    person = PERSONS[amka]
    since = date.fromisoformat(reg["since"])
    ended = date.fromisoformat(reg["ended"]) if reg.get("ended") else None
    if as_on < since:
        registered, card = False, "none"
    elif ended and as_on >= ended:
        registered, card = False, reg["end_reason"]
    else:
        registered, card = True, "active"
    months = full_months(since, as_on) if registered else 0
    code, name = KPA2[reg["kpa2"]]
    birth = date.fromisoformat(person["birth_date"])
    return {
        "amka": amka,
        "as_on": as_on.isoformat(),
        "registered": registered,
        "registered_since": reg["since"],
        "registration_ended": reg.get("ended"),
        "continuous_months": months,
        "long_term_unemployed": months >= 12,
        "kpa2": {"code": code, "name": name},
        "card": {"number": reg["card_number"], "status": card},
        "individual_approach_completed": reg["individual_approach_completed"],
        "action_plan_agreed": reg["action_plan_agreed"],
        "birth_date": person["birth_date"],
        "age": _age(birth, as_on),
        "citizenship": reg["citizenship"],
        "education": reg["education"],
        "income": dict(reg["income"]),
        "minor_children": reg["minor_children"],
        "disability_percent": reg["disability_percent"],
        "previous_employment": [
            {"employer_afm": afm, "employer_name": name_, "kad": kad, "from": start, "to": end}
            for afm, name_, kad, start, end in reg["previous_employment"]
        ],
    }


@require_GET
@sandbox_endpoint("dypa")
def unemployed(request, amka: str):
    header = request.headers.get("Authorization", "")
    if not same_secret(header, f"Bearer {SANDBOX_SERVICE_TOKEN}"):
        return _error("UNAUTHORIZED", "Απαιτείται έγκυρο διακριτικό πρόσβασης.")
    mode = request.sandbox_mode
    if mode.mode == "error" and mode.error_code == "malformed":
        return HttpResponse('{"amka": "' + amka, content_type="application/json")
    if mode.mode == "error" and mode.error_code != "mismatch":
        return _error(mode.error_code or "SERVICE_ERROR", "Σφάλμα του μητρώου ΔΥΠΑ.")
    if len(amka) != 11 or not amka.isdigit():
        return _error("INVALID_AMKA", "Ο ΑΜΚΑ πρέπει να έχει 11 ψηφία.")
    try:
        as_on = date.fromisoformat(request.GET["as_on"]) if request.GET.get("as_on") else date.today()
    except ValueError:
        return _error("INVALID_DATE", "Η ημερομηνία as_on πρέπει να είναι ΕΕΕΕ-ΜΜ-ΗΗ.")
    answer = status_of(amka, as_on)
    if answer is None:
        return _error("NOT_REGISTERED", "Ο ΑΜΚΑ δεν είναι εγγεγραμμένος στο μητρώο ανέργων.")
    if mode.mode == "error":  # mismatch: the register answers about someone else
        other = next(a for a in DYPA_REGISTRATIONS if a != amka)
        answer["amka"] = other
    return JsonResponse(answer, json_dumps_params={"ensure_ascii": False})


urlpatterns = [path("api/v1/unemployed/<str:amka>", unemployed, name="unemployed")]
