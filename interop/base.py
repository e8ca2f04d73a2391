"""The pattern every registry client follows.

- Settings per endpoint: `settings.INTEROP[name]` (url, credentials, timeout). With no url the
  client talks to the portal's own sandbox at `INTEROP_BASE_URL/<name>`.
- Every call is logged in `RegistryCall` with redacted payloads, duration and outcome.
- Retry with exponential backoff, only for failures that may pass: connection errors, timeouts,
  HTTP 429/502/503/504. A definite answer (unknown ΑΦΜ, bad credentials) is never retried.
- Failures surface as `RegistryUnavailable` (try later) or `RegistryRefused` (the registry said no,
  with its own code), each with a Greek message the UI can show as it is.

Clients take and return plain values; they know nothing of calls or applications.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass

import requests
from django.conf import settings
from django.utils import timezone

from opske.errors import RegistryRefused, RegistryUnavailable
from opske.middleware import current_request_id

from .models import RegistryCall

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
_SECRET_KEYS = re.compile(r"pass(word)?|secret|token|authorization|api[_-]?key|code_verifier", re.I)
_SECRET_XML = re.compile(r"(<(?:\w+:)?Password[^>]*>)(.*?)(</(?:\w+:)?Password>)", re.S)
_MAX_PAYLOAD = 8000


def redact(payload) -> str:
    """A loggable copy of a request/response body without credentials."""
    if payload is None:
        return ""
    if isinstance(payload, bytes):
        payload = payload.decode("utf-8", errors="replace")
    if isinstance(payload, dict | list):
        payload = json.dumps(_redact_obj(payload), ensure_ascii=False, default=str)
    text = str(payload)
    text = _SECRET_XML.sub(r"\1***\3", text)
    text = re.sub(
        r'("?(?:access_token|refresh_token|client_secret|password)"?\s*[:=]\s*"?)([^"&,\s]+)', r"\1***", text
    )
    return text[:_MAX_PAYLOAD]


def _redact_obj(obj):
    if isinstance(obj, dict):
        return {k: ("***" if _SECRET_KEYS.search(str(k)) else _redact_obj(v)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_redact_obj(v) for v in obj]
    return obj


@dataclass
class CallContext:
    """What is known about the call being made, filled in as it goes and logged at the end."""

    registry: str
    operation: str
    subject: str = ""
    attempts: int = 0
    http_status: int | None = None
    request_payload: str = ""
    response_payload: str = ""


class RegistryClient:
    """Base class. Subclasses set `name` and `label` and implement operations with `self.call()`."""

    name: str = ""
    label: str = ""  # Greek name shown to users, e.g. «ΑΑΔΕ (Μητρώο)»

    def __init__(self, *, actor=None, session: requests.Session | None = None):
        self.actor = actor
        self.config = dict(settings.INTEROP.get(self.name, {}))
        self.session = session or requests.Session()

    # -- configuration ----------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return (self.config.get("url") or f"{settings.INTEROP_BASE_URL}/{self.name}").rstrip("/")

    @property
    def timeout(self) -> float:
        return float(self.config.get("timeout") or settings.INTEROP_DEFAULT_TIMEOUT)

    @property
    def max_attempts(self) -> int:
        return int(self.config.get("max_attempts") or settings.INTEROP_MAX_ATTEMPTS)

    # -- the call ---------------------------------------------------------------------------
    def http(self, ctx: CallContext, method: str, url: str, **kwargs) -> requests.Response:
        """One HTTP exchange with retry on retryable failures. Returns the final response.

        Raises RegistryUnavailable when every attempt failed retryably.
        """
        kwargs.setdefault("timeout", self.timeout)
        headers = kwargs.pop("headers", {}) or {}
        headers.setdefault("X-Request-ID", current_request_id() or "")
        body = kwargs.get("json", kwargs.get("data"))
        ctx.request_payload = redact(body if body is not None else kwargs.get("params"))
        last_error = ""
        for attempt in range(1, self.max_attempts + 1):
            ctx.attempts = attempt
            try:
                response = self.session.request(method, url, headers=headers, **kwargs)
            except requests.Timeout:
                last_error = f"δεν απάντησε σε {kwargs['timeout']:g} δευτερόλεπτα"
            except requests.ConnectionError:
                last_error = "δεν ήταν δυνατή η σύνδεση"
            else:
                ctx.http_status = response.status_code
                ctx.response_payload = redact(response.content)
                if response.status_code not in RETRYABLE_STATUSES:
                    return response
                last_error = f"απάντησε HTTP {response.status_code}"
                retry_after = response.headers.get("Retry-After", "")
                if retry_after.isdigit() and attempt < self.max_attempts:
                    time.sleep(min(float(retry_after), 5.0))
                    continue
            if attempt < self.max_attempts:
                time.sleep(self.backoff(attempt))
        raise RegistryUnavailable(
            f"Το μητρώο «{self.label}» {last_error}. Δοκιμάστε ξανά αργότερα.",
            code=f"{self.name}_unavailable",
        )

    def backoff(self, attempt: int) -> float:
        return min(0.2 * (2 ** (attempt - 1)), 2.0)

    def call(self, operation: str, subject: str, fn):
        """Run `fn(ctx)` as one logged registry call; `fn` returns the parsed result or raises."""
        ctx = CallContext(registry=self.name, operation=operation, subject=subject or "")
        started = timezone.now()
        t0 = time.monotonic()
        outcome, code, message = RegistryCall.Outcome.OK, "", ""
        try:
            return fn(ctx)
        except RegistryUnavailable as exc:
            outcome, code, message = RegistryCall.Outcome.UNAVAILABLE, exc.code, exc.message
            raise
        except RegistryRefused as exc:
            malformed = exc.code.endswith("malformed") or exc.code.endswith("mismatch")
            outcome = RegistryCall.Outcome.MALFORMED if malformed else RegistryCall.Outcome.REFUSED
            code, message = exc.code, exc.message
            raise
        finally:
            RegistryCall.objects.create(
                registry=self.name,
                operation=operation,
                subject=ctx.subject,
                actor=self.actor if getattr(self.actor, "pk", None) else None,
                actor_label=str(self.actor or "σύστημα")[:200],
                started_at=started,
                duration_ms=int((time.monotonic() - t0) * 1000),
                attempts=max(ctx.attempts, 1),
                outcome=outcome,
                http_status=ctx.http_status,
                error_code=code[:100],
                error_message=message,
                request_payload=ctx.request_payload,
                response_payload=ctx.response_payload,
                request_id=current_request_id(),
            )

    # -- helpers for subclasses ---------------------------------------------------------------
    def refused(self, code: str, message: str) -> RegistryRefused:
        return RegistryRefused(f"{self.label}: {message}", code=code)

    def malformed(self, detail: str) -> RegistryRefused:
        return RegistryRefused(
            f"Το μητρώο «{self.label}» έδωσε απάντηση που δεν μπορεί να διαβαστεί ({detail}).",
            code=f"{self.name}_malformed",
        )

    def json_body(self, response: requests.Response):
        try:
            return response.json()
        except ValueError as exc:
            raise self.malformed("μη έγκυρο JSON") from exc


def cached_result(key: str, compute, *, seconds: int | None = None):
    """Return the cached value of `compute()` for `key`, computing and caching it on a miss.

    Only successful answers are cached (an exception propagates and nothing is stored). The time
    is `INTEROP_CACHE_SECONDS` unless given; 0 disables caching.
    """
    from django.core.cache import cache

    ttl = settings.INTEROP_CACHE_SECONDS if seconds is None else seconds
    if ttl <= 0:
        return compute()
    sentinel = object()
    value = cache.get(key, sentinel)
    if value is sentinel:
        value = compute()
        cache.set(key, value, ttl)
    return value
