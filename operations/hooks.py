"""operations/ reacts to evaluation's notices (evaluation/hooks.py), and asks the layers above it
through checks they register (verification is above operations: it is never imported here)."""

from __future__ import annotations

from collections.abc import Callable

from operations import services

# (operation) -> True when a payment / verification request of the operation is open: submitted or
# later and not closed (ΚΥΑ 7066 Art. 9.2 ΙΙ, Πρόσκληση 004 §12.3). verification/apps.py registers it.
OpenPaymentRequestCheck = Callable[[object], bool]
_OPEN_PAYMENT_REQUEST_CHECKS: list[OpenPaymentRequestCheck] = []


def open_payment_request_check(fn: OpenPaymentRequestCheck) -> OpenPaymentRequestCheck:
    """Register a check; registering the same function twice (ready() in tests) keeps one."""
    if all(
        f.__qualname__ != fn.__qualname__ or f.__module__ != fn.__module__
        for f in _OPEN_PAYMENT_REQUEST_CHECKS
    ):
        _OPEN_PAYMENT_REQUEST_CHECKS.append(fn)
    return fn


def payment_request_open(operation) -> bool:
    return any(check(operation) for check in _OPEN_PAYMENT_REQUEST_CHECKS)


# (operation, amount, source, actor) -> None: the operation's approved total just went down by
# `amount` (ΚΥΑ 7066 Art. 10.4: a position cut), inside that change's transaction and before its
# audit event. payments/apps.py registers the ledger's decommitment.
TotalLoweredHook = Callable[..., None]
_TOTAL_LOWERED_HOOKS: list[TotalLoweredHook] = []


def on_approved_total_lowered(fn: TotalLoweredHook) -> TotalLoweredHook:
    """Register `fn(operation, *, amount, source, actor)`; the same function twice keeps one."""
    if all(f.__qualname__ != fn.__qualname__ or f.__module__ != fn.__module__ for f in _TOTAL_LOWERED_HOOKS):
        _TOTAL_LOWERED_HOOKS.append(fn)
    return fn


def approved_total_lowered(operation, *, amount, source: str, actor=None) -> None:
    for hook in list(_TOTAL_LOWERED_HOOKS):
        hook(operation, amount=amount, source=source, actor=actor)


def start_operation_on_notice(decision) -> None:
    """A notified funding decision starts the operation, in the notice's own transaction."""
    services.operation_start_from_decision(decision=decision)
