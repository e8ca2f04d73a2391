"""Sandbox of the ΗΔΙΚΑ ΑΜΚΑ register (identity confirmation), mounted at `/sandbox/idika/`.

ΗΔΙΚΑ's interoperability service is not public, so the portal defines this shape (the client is
`interop.idika.IdikaClient`):

`GET api/v1/amka/<ΑΜΚΑ>` with header `X-Api-Key: <key>` (`sandbox-token`, the default of
`settings.INTEROP["idika"]["token"]`).
    200 → {"data": {"amka", "afm", "last_name", "first_name", "father_name", "mother_name",
           "birth_date": "YYYY-MM-DD", "sex": "M" | "F", "status": "alive" | "deceased",
           "death_date": "YYYY-MM-DD" | null}}
Errors, always `{"errorCode": …, "errorMessage": …}`:
    400 `AMKA_INVALID` (not 11 digits or wrong check digit); 401 `API_KEY_INVALID`;
    404 `AMKA_NOT_FOUND`; 500 anything else.
Who is known: the persons of `registry_data`, the demo businesses' staff (`data_people`) and one
deceased person (`data_people.DECEASED_AMKA`).
Switches: slow/down as everywhere; "error" answers the format above with `error_code` (status
from the list above, or the number if error_code is one, else 500); sandbox-only codes
`malformed` (not JSON) and `mismatch` (the record of another ΑΜΚΑ).
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET
from stdnum.gr import amka as stdnum_amka

from .control import same_secret, sandbox_endpoint
from .data_people import AMKA_REGISTER, SANDBOX_SERVICE_TOKEN

ERROR_STATUS = {"AMKA_INVALID": 400, "API_KEY_INVALID": 401, "AMKA_NOT_FOUND": 404}


def _error(code: str, message: str) -> JsonResponse:
    status = ERROR_STATUS.get(code) or (int(code) if code.isdigit() else 500)
    return JsonResponse(
        {"errorCode": code, "errorMessage": message}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def record(amka: str) -> dict | None:
    person = AMKA_REGISTER.get(amka)
    if person is None:
        return None
    fields = ("afm", "last_name", "first_name", "father_name", "mother_name", "birth_date", "sex")
    return {
        "amka": amka,
        **{f: person[f] for f in fields},
        "status": person["status"],
        "death_date": person["death_date"],
    }


@require_GET
@sandbox_endpoint("idika")
def amka_lookup(request, amka: str):
    if not same_secret(request.headers.get("X-Api-Key", ""), SANDBOX_SERVICE_TOKEN):
        return _error("API_KEY_INVALID", "Μη έγκυρο κλειδί πρόσβασης.")
    mode = request.sandbox_mode
    if mode.mode == "error" and mode.error_code == "malformed":
        return HttpResponse("<error>internal</error>", content_type="application/json")
    if mode.mode == "error" and mode.error_code != "mismatch":
        return _error(mode.error_code or "SERVICE_ERROR", "Σφάλμα του μητρώου ΑΜΚΑ.")
    if not stdnum_amka.is_valid(amka):
        return _error("AMKA_INVALID", "Ο ΑΜΚΑ δεν είναι έγκυρος.")
    data = record(amka)
    if data is None:
        return _error("AMKA_NOT_FOUND", "Ο ΑΜΚΑ δεν βρέθηκε στο μητρώο.")
    if mode.mode == "error":  # mismatch
        data = record(next(a for a in AMKA_REGISTER if a != amka))
    return JsonResponse({"data": data}, json_dumps_params={"ensure_ascii": False})


urlpatterns = [path("api/v1/amka/<str:amka>", amka_lookup, name="amka")]
