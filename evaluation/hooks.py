"""Hooks higher layers register to react to evaluation's outcomes.

`decision_notified(decision)` runs inside the transaction that records a decision's legal notice
(`services.decision_record_notified`); a hook writes its own rows in that transaction and schedules
anything slow after commit. operations/ registers the start of the funded project (Πράξη) here.
"""

from __future__ import annotations

from collections.abc import Callable

DecisionHook = Callable[[object], None]
_HOOKS: list[DecisionHook] = []


def on_decision_notified(fn: DecisionHook) -> DecisionHook:
    """Register `fn(decision)`; registering the same function twice keeps one."""
    if all(h.__qualname__ != fn.__qualname__ or h.__module__ != fn.__module__ for h in _HOOKS):
        _HOOKS.append(fn)
    return fn


def decision_notified(decision) -> None:
    for hook in list(_HOOKS):
        hook(decision)
