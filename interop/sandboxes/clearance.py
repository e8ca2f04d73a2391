"""Sandbox of the clearance certificates, mounted at `/sandbox/clearance/`:
e-ΕΦΚΑ «ασφαλιστική ενημερότητα» and ΑΑΔΕ «φορολογική ενημερότητα», both for the purpose
«είσπραξη χρημάτων από Δημόσιο» (ΚΥΑ 7066 Art. 8.6; art. 61 ν. 4914/2022).

Neither service has a public API for a third party, so the portal defines this shape (the client
is `interop.clearance.ClearanceClient`):

`GET efka/api/v1/clearance/<ΑΦΜ>`  (insurance)  and  `GET aade/api/v1/clearance/<ΑΦΜ>`  (tax),
with header `X-Api-Token: <token>` (`sandbox-token`, the default of
`settings.INTEROP["clearance"]["token"]`).
    200 → {"afm", "name", "kind": "insurance" | "tax", "authority": "e-ΕΦΚΑ" | "ΑΑΔΕ",
           "valid": bool, "issued_on": "YYYY-MM-DD" | null, "valid_until": "YYYY-MM-DD" | null,
           "reference": "ΑΕ-…" | "ΦΕ-…" | null, "purpose": "είσπραξη χρημάτων από Δημόσιο",
           "reason": null | "Υπάρχουν ληξιπρόθεσμες οφειλές …"}
    A business with debts gets 200 with valid=false and a reason: the certificate is refused,
    the registry did answer.
Errors, always `{"status": "error", "code": …, "message": …}`:
    400 `AFM_INVALID` (not a valid ΑΦΜ); 401 `TOKEN_INVALID`; 404 `AFM_UNKNOWN`; 500 anything else.
Demo facts (`data_people.CLEARANCE_STATUS`): ΛΑΪΚΕΣ ΑΓΟΡΕΣ owes tax, ΠΑΛΑΙΑ ΕΜΠΟΡΙΚΗ owes both,
ΠΙΕΡΙΚΑ ΚΡΑΣΙΑ owes e-ΕΦΚΑ, ΓΡΕΒΕΝΑ ΞΥΛΟΤΕΧΝΙΚΗ's e-ΕΦΚΑ certificate expires in 5 days.
Switches: slow/down as everywhere; "error" answers the format above with `error_code` (status
from the list, the number if error_code is one, else 500); sandbox-only codes `malformed` and
`mismatch` (a certificate of another ΑΦΜ).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET
from stdnum.gr import vat as stdnum_vat

from .control import same_secret, sandbox_endpoint
from .data_people import CLEARANCE_STATUS, CLEARANCE_VALID_DAYS, SANDBOX_SERVICE_TOKEN
from .registry_data import TAXPAYERS

PURPOSE = "είσπραξη χρημάτων από Δημόσιο"
ERROR_STATUS = {"AFM_INVALID": 400, "TOKEN_INVALID": 401, "AFM_UNKNOWN": 404}
AUTHORITY = {"insurance": ("e-ΕΦΚΑ", "ΑΕ"), "tax": ("ΑΑΔΕ", "ΦΕ")}
DEBT_REASON = {
    "insurance": "Υπάρχουν ληξιπρόθεσμες οφειλές προς τον e-ΕΦΚΑ που δεν έχουν ρυθμιστεί.",
    "tax": "Υπάρχουν ληξιπρόθεσμες φορολογικές οφειλές που δεν έχουν ρυθμιστεί.",
}


def _error(code: str, message: str) -> JsonResponse:
    status = ERROR_STATUS.get(code) or (int(code) if code.isdigit() else 500)
    return JsonResponse(
        {"status": "error", "code": code, "message": message},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def certificate(afm: str, kind: str, today: date) -> dict:
    authority, prefix = AUTHORITY[kind]
    state = CLEARANCE_STATUS.get(afm, {}).get(kind, "ok")
    answer = {
        "afm": afm,
        "name": TAXPAYERS[afm]["onomasia"],
        "kind": kind,
        "authority": authority,
        "purpose": PURPOSE,
    }
    if state == "debts":
        return {
            **answer,
            "valid": False,
            "issued_on": None,
            "valid_until": None,
            "reference": None,
            "reason": DEBT_REASON[kind],
        }
    days_left = state[1] if isinstance(state, tuple) else CLEARANCE_VALID_DAYS[kind]
    issued = today - timedelta(days=CLEARANCE_VALID_DAYS[kind] - days_left)
    return {
        **answer,
        "valid": True,
        "issued_on": issued.isoformat(),
        "valid_until": (today + timedelta(days=days_left)).isoformat(),
        "reference": f"{prefix}-{issued:%Y%m%d}-{afm[-6:]}",
        "reason": None,
    }


def _view(kind: str):
    @require_GET
    @sandbox_endpoint("clearance")
    def view(request, afm: str):
        if not same_secret(request.headers.get("X-Api-Token", ""), SANDBOX_SERVICE_TOKEN):
            return _error("TOKEN_INVALID", "Μη έγκυρο διακριτικό πρόσβασης.")
        mode = request.sandbox_mode
        if mode.mode == "error" and mode.error_code == "malformed":
            return HttpResponse("valid=true", content_type="application/json")
        if mode.mode == "error" and mode.error_code != "mismatch":
            return _error(mode.error_code or "SERVICE_ERROR", "Σφάλμα της υπηρεσίας ενημερότητας.")
        if not stdnum_vat.is_valid(afm):
            return _error("AFM_INVALID", "Ο ΑΦΜ δεν είναι έγκυρος.")
        if afm not in TAXPAYERS:
            return _error("AFM_UNKNOWN", "Ο ΑΦΜ δεν είναι γνωστός.")
        if mode.mode == "error":  # mismatch
            afm = next(a for a in TAXPAYERS if a != afm)
        return JsonResponse(certificate(afm, kind, date.today()), json_dumps_params={"ensure_ascii": False})

    return view


urlpatterns = [
    path("efka/api/v1/clearance/<str:afm>", _view("insurance"), name="insurance"),
    path("aade/api/v1/clearance/<str:afm>", _view("tax"), name="tax"),
]
