"""Hooks higher layers register to react to verification's outcomes.

`result_final(request)` runs inside the transaction in which a verification request's result
becomes final — accepted without a desk check, accepted by the beneficiary, accepted when the
objection window passed, or closed after the objection was decided — so the beneficiary gains
the right to payment (ΚΥΑ 7066 Art. 8.5, Πρόσκληση 004 §11.1.Γ). payments/ registers the payment
it opens; a hook writes its own rows in that transaction and schedules anything slow after commit.
"""

from __future__ import annotations

from collections.abc import Callable

RequestHook = Callable[[object], None]
_HOOKS: list[RequestHook] = []


def on_result_final(fn: RequestHook) -> RequestHook:
    """Register `fn(request)`; registering the same function twice keeps one."""
    if all(h.__qualname__ != fn.__qualname__ or h.__module__ != fn.__module__ for h in _HOOKS):
        _HOOKS.append(fn)
    return fn


def result_final(request) -> None:
    for hook in list(_HOOKS):
        hook(request)
