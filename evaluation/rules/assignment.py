"""Who gives a submitted application its evaluator, and when (ΚΥΑ 7066 Art. 7.1α, 7.2)."""

from __future__ import annotations

AUTO = "auto"
MANUAL = "manual"
# Applications waiting for an evaluator: finally submitted, inside the budget or on the reserve list.
ASSIGNABLE_STATUSES = ("submitted", "reserve")


def assign_on_submission(*, method: str, setting: str, status: str, has_live_evaluator: bool) -> bool:
    """True when the submission itself should get its one evaluator at once.

    ΚΥΑ 7066 Art. 7.1α: «ένας (1) αξιολογητής ανά αίτηση»; Art. 7.2: examined in priority order.
    Only FCFS calls assign per application this way (the committee of call 004 and the points
    tables of ΚΥΑ 16936 work on the whole round). `setting` is the call's «assignment» choice
    (calls.gaps): «manual» leaves the application in the administrator's queue.
    """
    return (
        method == "fcfs_direct"
        and setting == AUTO
        and status in ASSIGNABLE_STATUSES
        and not has_live_evaluator
    )
