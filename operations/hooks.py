"""operations/ reacts to evaluation's notices (evaluation/hooks.py)."""

from __future__ import annotations

from operations import services


def start_operation_on_notice(decision) -> None:
    """A notified funding decision starts the operation, in the notice's own transaction."""
    services.operation_start_from_decision(decision=decision)
