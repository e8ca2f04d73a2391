"""Sandbox of the ΕΡΓΑΝΗ ΙΙ Web Services API (interop.md §3), mounted at `/sandbox/ergani/`.

Contract (the client is `interop.ergani.ErganiClient`):

`POST api/Authentication`
    body `{"Username": "ergani-<ΑΦΜ>", "Password": "ergani-demo", "Usertype": "02"}` (keys are
    read case-insensitively). 200 → `{"accessToken": <JWT>, "accessTokenExpired": 10800,
    "refreshToken": "…", "refreshTokenExpired": "DD/MM/YYYY HH:mm"}`. Wrong credentials → 401
    `{"message": …}` (no `api-token-expired` header); missing fields → 400 `{"message": …}`.
    Every demo business of `registry_data` has an account (`data_people.ERGANI_EMPLOYERS`): the
    token is bound to that one employer, as in ΕΡΓΑΝΗ.

`POST api/WebServices/ExecuteService` with `Authorization: Bearer <accessToken>`
    body `{"ServiceCode": …, "Parameters": [{"ParameterName": …, "ParameterValue": …}]}`,
    parameters `Afm` (ΑΦΜ of the employer asked about; optional, defaults to the token's),
    `DateFrom`, `DateTo` (DD/MM/YYYY).
    - `EX_BASE_04` monthly employment status → `{"EX_BASE_04": {"Ergodotis": {"Afm", "Eponimia",
      "Ame"}, "Months": [{"Month": "MM/YYYY", "Headcount": "12", "FullTime": "11", "PartTime": "1",
      "EME": "11,50"}]}}`: one row per month of [DateFrom, DateTo]; headcount on the month's last
      day (or DateTo), ΕΜΕ weighted by weekly hours over 40.
    - `EX_E3_01` Ε3 announcements with a hire date in the period → `{"EX_E3_01": {"Ergodotis": …,
      "Anaggelies": [{"f_afm", "f_amka", "f_eponymo", "f_onoma", "f_proslipsidate",
      "f_sxeshapasxolisis": "ΑΟΡΙΣΤΟΥ ΧΡΟΝΟΥ (0)", "f_kathestosapasxolisis": "ΠΛΗΡΗΣ (0)",
      "f_week_hours": "40,00", "f_eidikothta", "f_eidikothta_descr", "protocol", "submitDate"}]}}`.
    - `EX_E5_01` departures in the period → `{"EX_E5_01": {"Ergodotis": …, "Apoxorhseis":
      [{"f_afm", "f_amka", "f_eponymo", "f_onoma", "f_apoxwrisidate",
      "f_eidos_apoxorisis": "ΟΙΚΕΙΟΘΕΛΗΣ ΑΠΟΧΩΡΗΣΗ (0)", "form": "Ε5", "protocol", "submitDate"}]}}`.
    Errors: 401 + header `api-token-expired: true` + `{"message": "api-token-expired"}` for an
    expired token; 401 `{"message": …}` for a missing or forged token; **403** `{"message": …}`
    when `Afm` is another employer than the token's; 400 `{"message": …}` for a bad body, an
    unknown ServiceCode or a bad date.

`GET api/WebServices/ServicesList` (Bearer) → the service codes above with Greek descriptions.

Switches (`control.set_mode("ergani", …)`): slow/down as everywhere; "error" answers
`{"message": <error_code>}` with HTTP 400 (or with the status, if error_code is a number), except
three sandbox-only codes: `api-token-expired` (the 401 above), `malformed` (an HTML page instead
of JSON) and `mismatch` (the answer names another employer). `expire_tokens()` makes every token
issued so far expired, so a test can exercise the client's one re-login.
"""

from __future__ import annotations

import json
import secrets
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

import jwt
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from interop.ergani import (
    Employment,
    ergani_date,
    greek_decimal,
    monthly_workforce,
    parse_ergani_date,
)

from .control import same_secret, sandbox_endpoint
from .data_people import DEPARTURE_KINDS, ERGANI_EMPLOYERS, ERGANI_USERS, ERGANI_USERTYPE, SPECIALTIES

TOKEN_SECONDS = 3 * 3600
_NOT_BEFORE_KEY = "sandbox:ergani:not_before"
SERVICES = {
    "EX_BASE_04": "Μηνιαία κατάσταση απασχόλησης (αριθμός προσωπικού, ΕΜΕ)",
    "EX_E3_01": "Αναγγελίες πρόσληψης Ε3 περιόδου",
    "EX_E5_01": "Αναγγελίες αποχώρησης (Ε5/Ε6/Ε7) περιόδου",
}


def expire_tokens() -> None:
    """Every access token issued until now counts as expired (tokens issued later are fine)."""
    cache.set(_NOT_BEFORE_KEY, time.time(), timeout=None)


def _secret() -> str:
    return f"{settings.SECRET_KEY}:ergani-sandbox"


def _message(text: str, status: int, headers: dict | None = None) -> JsonResponse:
    response = JsonResponse({"message": text}, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _expired() -> JsonResponse:
    return _message("api-token-expired", 401, {"api-token-expired": "true"})


def _json_body(request) -> dict | None:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


@csrf_exempt
@require_POST
@sandbox_endpoint("ergani")
def authentication(request):
    body = _json_body(request)
    if body is None:
        return _message("Το σώμα του αιτήματος δεν είναι έγκυρο JSON.", 400)
    fields = {k.lower(): str(v) for k, v in body.items()}
    username, password = fields.get("username", ""), fields.get("password", "")
    if not username or not password:
        return _message("Απαιτούνται τα πεδία Username και Password.", 400)
    afm = ERGANI_USERS.get(username)
    if (
        afm is None
        or not same_secret(password, ERGANI_EMPLOYERS[afm]["password"])
        or fields.get("usertype", ERGANI_USERTYPE) != ERGANI_USERTYPE
    ):
        return _message("Λάθος όνομα χρήστη ή κωδικός.", 401)
    now = time.time()
    token = jwt.encode(
        {"sub": username, "afm": afm, "issued": now, "exp": int(now) + TOKEN_SECONDS},
        _secret(),
        algorithm="HS256",
    )
    refresh_until = datetime.now() + timedelta(days=7)
    return JsonResponse(
        {
            "accessToken": token,
            "accessTokenExpired": TOKEN_SECONDS,
            "refreshToken": secrets.token_urlsafe(24),
            "refreshTokenExpired": refresh_until.strftime("%d/%m/%Y %H:%M"),
        }
    )


def _token_employer(request) -> str | JsonResponse:
    """The ΑΦΜ the bearer token acts for, or the 401 to answer."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return _message("Απαιτείται διακριτικό πρόσβασης (Bearer).", 401)
    try:
        claims = jwt.decode(header[7:], _secret(), algorithms=["HS256"])
    except jwt.ExpiredSignatureError:
        return _expired()
    except jwt.InvalidTokenError:
        return _message("Μη έγκυρο διακριτικό πρόσβασης.", 401)
    if float(claims.get("issued", 0)) < float(cache.get(_NOT_BEFORE_KEY, 0)):
        return _expired()
    return claims["afm"]


@csrf_exempt
@require_GET
@sandbox_endpoint("ergani")
def services_list(request):
    employer = _token_employer(request)
    if isinstance(employer, JsonResponse):
        return employer
    return JsonResponse(
        [{"ServiceCode": code, "Description": text} for code, text in SERVICES.items()],
        safe=False,
        json_dumps_params={"ensure_ascii": False},
    )


@csrf_exempt
@require_POST
@sandbox_endpoint("ergani")
def execute_service(request):
    mode = request.sandbox_mode
    if mode.mode == "error" and mode.error_code == "api-token-expired":
        return _expired()
    employer = _token_employer(request)
    if isinstance(employer, JsonResponse):
        return employer
    if mode.mode == "error" and mode.error_code == "malformed":
        return HttpResponse(
            "<html><body>Service temporarily degraded</body></html>", content_type="text/html"
        )
    if mode.mode == "error" and mode.error_code != "mismatch":
        status = int(mode.error_code) if mode.error_code.isdigit() else 400
        return _message(mode.error_code or "error", status)

    body = _json_body(request)
    if body is None:
        return _message("Το σώμα του αιτήματος δεν είναι έγκυρο JSON.", 400)
    code = body.get("ServiceCode")
    if code not in SERVICES:
        return _message(f"Άγνωστος κωδικός υπηρεσίας «{code}».", 400)
    try:
        params = {str(p["ParameterName"]): str(p["ParameterValue"]) for p in body.get("Parameters") or []}
        date_from = parse_ergani_date(params["DateFrom"])
        date_to = parse_ergani_date(params["DateTo"])
    except (KeyError, TypeError, ValueError):
        return _message("Απαιτούνται οι παράμετροι DateFrom και DateTo σε μορφή ΗΗ/ΜΜ/ΕΕΕΕ.", 400)
    if date_to < date_from:
        return _message("Η DateTo είναι πριν από τη DateFrom.", 400)
    asked = params.get("Afm", employer)
    if asked != employer:
        return _message(
            f"Ο χρήστης δεν έχει δικαίωμα πρόσβασης στα στοιχεία του εργοδότη με ΑΦΜ {asked}.", 403
        )

    account = ERGANI_EMPLOYERS[employer]
    shown_afm = "094019221" if mode.mode == "error" and mode.error_code == "mismatch" else employer
    ergodotis = {"Afm": shown_afm, "Eponimia": account["name"], "Ame": account["ame"]}
    build = {"EX_BASE_04": _months, "EX_E3_01": _hires, "EX_E5_01": _departures}[code]
    return JsonResponse(
        {code: {"Ergodotis": ergodotis, **build(account["staff"], date_from, date_to)}},
        json_dumps_params={"ensure_ascii": False},
    )


def _employments(staff) -> list[Employment]:
    return [
        Employment(
            amka=row["amka"],
            hired_on=row["hired_on"],
            left_on=row["left_on"],
            full_time=row["full_time"],
            weekly_hours=Decimal(row["weekly_hours"]),
        )
        for row in staff
    ]


def _months(staff, date_from: date, date_to: date) -> dict:
    count = (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1
    rows = monthly_workforce(_employments(staff), date_to, months=min(count, 60))
    return {
        "Months": [
            {
                "Month": m.month.strftime("%m/%Y"),
                "Headcount": str(m.headcount),
                "FullTime": str(m.full_time),
                "PartTime": str(m.part_time),
                "EME": greek_decimal(m.awu),
            }
            for m in rows
        ]
    }


def _person(row) -> dict:
    return {
        "f_afm": row["afm"],
        "f_amka": row["amka"],
        "f_eponymo": row["last_name"],
        "f_onoma": row["first_name"],
    }


def _submitted(day: date, hour: int) -> str:
    return f"{ergani_date(day)} {hour:02d}:{17 + hour:02d}"


def _hires(staff, date_from: date, date_to: date) -> dict:
    return {
        "Anaggelies": [
            {
                **_person(row),
                "f_proslipsidate": ergani_date(row["hired_on"]),
                "f_sxeshapasxolisis": "ΟΡΙΣΜΕΝΟΥ ΧΡΟΝΟΥ (1)" if row["fixed_term"] else "ΑΟΡΙΣΤΟΥ ΧΡΟΝΟΥ (0)",
                "f_kathestosapasxolisis": "ΠΛΗΡΗΣ (0)" if row["full_time"] else "ΜΕΡΙΚΗ (1)",
                "f_week_hours": greek_decimal(Decimal(row["weekly_hours"])),
                "f_eidikothta": row["specialty"],
                "f_eidikothta_descr": SPECIALTIES.get(row["specialty"], ""),
                "protocol": f"Ε3-{row['hired_on']:%Y}-{row['protocol_no']}",
                "submitDate": _submitted(row["hired_on"] - timedelta(days=1), 9),
            }
            for row in sorted(staff, key=lambda r: r["hired_on"])
            if date_from <= row["hired_on"] <= date_to
        ]
    }


def _departures(staff, date_from: date, date_to: date) -> dict:
    rows = []
    for row in sorted((r for r in staff if r["left_on"]), key=lambda r: r["left_on"]):
        if not date_from <= row["left_on"] <= date_to:
            continue
        _kind, form, label = DEPARTURE_KINDS[row["departure_code"]]
        rows.append(
            {
                **_person(row),
                "f_apoxwrisidate": ergani_date(row["left_on"]),
                "f_eidos_apoxorisis": f"{label} ({row['departure_code']})",
                "form": form,
                "protocol": f"{form}-{row['left_on']:%Y}-{row['protocol_no']}",
                "submitDate": _submitted(row["left_on"], 14),
            }
        )
    return {"Apoxorhseis": rows}


def staff_table_csv(afm: str, as_on: date) -> str:
    """The employer's «Πίνακας Προσωπικού» export as `parse_ergani_export` reads it.

    Lists everyone employed on a day of the 12 months up to `as_on` (leavers included), which
    is what the monthly headcount needs.
    """
    account = ERGANI_EMPLOYERS[afm]
    since = date(as_on.year - 1, as_on.month, 1)
    lines = [
        "ΠΙΝΑΚΑΣ ΠΡΟΣΩΠΙΚΟΥ",
        f"ΑΦΜ ΕΡΓΟΔΟΤΗ;{afm}",
        f"ΕΠΩΝΥΜΙΑ;{account['name']}",
        f"ΗΜΕΡΟΜΗΝΙΑ ΑΝΑΦΟΡΑΣ;{ergani_date(as_on)}",
        "Α/Α;ΑΦΜ;ΑΜΚΑ;ΕΠΩΝΥΜΟ;ΟΝΟΜΑ;ΗΜΕΡΟΜΗΝΙΑ ΠΡΟΣΛΗΨΗΣ;ΗΜΕΡΟΜΗΝΙΑ ΑΠΟΧΩΡΗΣΗΣ;ΣΧΕΣΗ ΑΠΑΣΧΟΛΗΣΗΣ;"
        "ΚΑΘΕΣΤΩΣ ΑΠΑΣΧΟΛΗΣΗΣ;ΩΡΕΣ ΕΒΔΟΜΑΔΙΑΙΩΣ;ΕΙΔΙΚΟΤΗΤΑ",
    ]
    staff = [
        r
        for r in account["staff"]
        if r["hired_on"] <= as_on and (r["left_on"] is None or r["left_on"] >= since)
    ]
    for n, row in enumerate(sorted(staff, key=lambda r: (r["hired_on"], r["amka"])), start=1):
        lines.append(
            ";".join(
                [
                    str(n),
                    row["afm"],
                    row["amka"],
                    row["last_name"],
                    row["first_name"],
                    ergani_date(row["hired_on"]),
                    ergani_date(row["left_on"]) if row["left_on"] else "",
                    "ΟΡΙΣΜΕΝΟΥ ΧΡΟΝΟΥ (1)" if row["fixed_term"] else "ΑΟΡΙΣΤΟΥ ΧΡΟΝΟΥ (0)",
                    "ΠΛΗΡΗΣ (0)" if row["full_time"] else "ΜΕΡΙΚΗ (1)",
                    greek_decimal(Decimal(row["weekly_hours"])),
                    SPECIALTIES.get(row["specialty"], row["specialty"]),
                ]
            )
        )
    return "\n".join(lines) + "\n"


urlpatterns = [
    path("api/Authentication", authentication, name="authentication"),
    path("api/WebServices/ExecuteService", execute_service, name="execute-service"),
    path("api/WebServices/ServicesList", services_list, name="services-list"),
]
