"""Switches that make a sandbox answer normally, slowly, with a registry error, or not at all.

State lives in the Django cache (in-memory in one process, Redis when REDIS_URL is set), so a test,
the registry console and the sandbox views all see the same switch.
"""

from __future__ import annotations

import functools
import secrets
import time
from dataclasses import asdict, dataclass

from django.core.cache import cache
from django.http import HttpResponse

MODES = ("normal", "slow", "error", "down", "flaky")
_KEY = "sandbox:mode:{}"
_CALLS = "sandbox:calls:{}"


@dataclass(frozen=True)
class SandboxMode:
    mode: str = "normal"  # normal | slow | error | down | flaky (every other call answers 503)
    delay: float = 0.0  # seconds, for "slow"
    error_code: str = ""  # the registry's own error code, for "error"


def get_mode(registry: str) -> SandboxMode:
    data = cache.get(_KEY.format(registry))
    return SandboxMode(**data) if data else SandboxMode()


def set_mode(registry: str, mode: str = "normal", *, delay: float = 0.0, error_code: str = "") -> SandboxMode:
    if mode not in MODES:
        raise ValueError(f"unknown sandbox mode {mode!r}")
    value = SandboxMode(mode=mode, delay=float(delay), error_code=error_code)
    if mode == "normal":
        cache.delete(_KEY.format(registry))
    else:
        cache.set(_KEY.format(registry), asdict(value), timeout=None)
    return value


def reset_all(registries) -> None:
    cache.delete_many([_KEY.format(r) for r in registries])


def sandbox_endpoint(registry: str):
    """Apply the registry's switch before the view: "slow" sleeps, "down" answers 503.

    "error" is passed to the view as `request.sandbox_mode`, because each registry reports its
    errors in its own wire format (AADE: HTTP 200 with error_rec; Diavgeia: 400 errors[]; ...).
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            mode = get_mode(registry)
            request.sandbox_mode = mode
            if mode.mode == "slow" and mode.delay:
                time.sleep(min(mode.delay, 30.0))
            if mode.mode == "down" or (mode.mode == "flaky" and _odd_call(registry)):
                return HttpResponse("Service Unavailable", status=503, content_type="text/plain")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _odd_call(registry: str) -> bool:
    """A fault drill's registry that fails half the time: the 1st, 3rd, 5th... call fails."""
    key = _CALLS.format(registry)
    cache.add(key, 0, timeout=None)
    return cache.incr(key) % 2 == 1


def same_secret(given: str | None, expected: str) -> bool:
    """Constant-time comparison that also accepts non-ASCII input (a Greek password is a wrong
    password, not a crash: `secrets.compare_digest` refuses non-ASCII str)."""
    return secrets.compare_digest((given or "").encode("utf-8"), expected.encode("utf-8"))
