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


def start_operation_on_notice(decision) -> None:
    """A notified funding decision starts the operation, in the notice's own transaction."""
    services.operation_start_from_decision(decision=decision)
