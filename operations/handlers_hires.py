"""Deadline handlers of the hires area, registered when the app is ready (operations/apps.py)."""

from __future__ import annotations

from opske.deadlines import deadline_handler


@deadline_handler("operations.hires.hiring_deadline")
def hiring_deadline_passed(deadline, operation) -> None:
    """ΚΥΑ 7066 Art. 7.4: the 60 days are over; unfilled positions are flagged."""
    from operations.services.hires import hiring_deadline_passed as flag

    if operation is not None:
        flag(operation=operation)


@deadline_handler("operations.hires.replacement_due")
def replacement_due(deadline, position) -> None:
    """ΚΥΑ 7066 Art. 10.2, 10.4α: a leaver not replaced in 30 (+30) days cuts the position."""
    from operations.services.hires import replacement_deadline_passed

    if position is not None:
        replacement_deadline_passed(position=position)
