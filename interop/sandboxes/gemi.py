"""Sandbox for the ΓΕΜΗ Open Data API (businessportal), interop.md §6.

- Auth header ``api_key`` (Swagger) or ``api-key`` (Kong gateway): both accepted. Django's own
  servers drop headers with underscores, so only ``api-key`` reaches us through them; the client
  sends both. A bad or missing key answers 401.
- Rate limit: ``settings.INTEROP["gemi"]["per_minute"]`` requests per key per calendar minute;
  beyond it 429 with ``Retry-After`` (seconds to the next minute).
- ``GET /companies?afm=<9 digits>&resultsSize=1`` → ``{"searchMetadata": {...}, "searchResults": [Company]}``
  (empty results for an unknown ΑΦΜ or a sole trader: ΓΕΜΗ holds companies only).
- ``GET /companies/<arGemi>`` → Company, 404 if unknown.
- Company records come from `data_business.gemi_companies()`; one of them (809616685) is served
  with flat ``activities[]`` items as an older gateway did.
- Switch "error": a numeric code answers with that HTTP status; ``malformed`` answers a non-JSON
  body; ``mismatch`` answers a company with another ΑΦΜ.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET

from interop.sandboxes.control import sandbox_endpoint
from interop.sandboxes.data_business import gemi_companies

_RATE_KEY = "sandbox:gemi:rate:{}:{}"


def _json(body, status=200, **headers) -> JsonResponse:
    response = JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _guard(request):
    """Auth, rate limit and the error switch, in the order the real gateway applies them."""
    expected = settings.INTEROP.get("gemi", {}).get("api_key") or ""
    key = request.headers.get("Api-Key") or request.META.get("HTTP_API_KEY") or ""
    if not expected or key != expected:
        return _json({"message": "Invalid authentication credentials"}, status=401)
    per_minute = int(settings.INTEROP.get("gemi", {}).get("per_minute") or 8)
    now = time.time()
    bucket = _RATE_KEY.format(key, int(now // 60))
    cache.add(bucket, 0, timeout=120)
    if cache.incr(bucket) > per_minute:
        retry_after = max(1, int(60 - now % 60))
        return _json({"message": "API rate limit exceeded"}, status=429, Retry_After=str(retry_after))
    mode = request.sandbox_mode
    if mode.mode == "error":
        if mode.error_code == "malformed":
            return HttpResponse("{'searchResults': [", content_type="application/json")
        if mode.error_code.isdigit():
            return _json({"message": f"Sandbox error {mode.error_code}"}, status=int(mode.error_code))
        if mode.error_code != "mismatch":
            return _json({"message": mode.error_code or "Internal error"}, status=500)
    return None


def _maybe_mismatched(request, company: dict) -> dict:
    if request.sandbox_mode.mode == "error" and request.sandbox_mode.error_code == "mismatch":
        return {**company, "afm": "090000045"}
    return company


@sandbox_endpoint("gemi")
@require_GET
def companies(request):
    refused = _guard(request)
    if refused is not None:
        return refused
    afm = (request.GET.get("afm") or "").strip()
    if not afm:
        return _json({"message": "Απαιτείται τουλάχιστον ένα κριτήριο αναζήτησης"}, status=400)
    found = [c for c in gemi_companies().values() if c["afm"] == afm.zfill(9)]
    size = int(request.GET.get("resultsSize") or 10)
    results = [_maybe_mismatched(request, c) for c in found[:size]]
    return _json(
        {
            "searchMetadata": {"totalCount": len(found), "resultsFrom": 0, "resultsSize": size},
            "searchResults": results,
        }
    )


@sandbox_endpoint("gemi")
@require_GET
def company(request, ar_gemi: str):
    refused = _guard(request)
    if refused is not None:
        return refused
    match = next((c for c in gemi_companies().values() if c["arGemi"] == ar_gemi), None)
    if match is None:
        return _json({"message": "Not found"}, status=404)
    return _json(_maybe_mismatched(request, match))


urlpatterns = [
    path("companies", companies, name="companies"),
    path("companies/<str:ar_gemi>", company, name="company"),
]
