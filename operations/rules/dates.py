"""Start and end of an operation's implementation, from the call's rules.

ΚΥΑ 7066 Art. 7.3, 2.18: the electronic notice of the approval is the grant date and starts the
implementation; Art. 7.4: the hirings within 60 days of the approval's notice; Art. 5.1.1: each
position is subsidised for 12 months from its hire date. The last position can therefore be
subsidised until T0 + 60 days + 12 months, never after the end of expenditure eligibility
(31/12/2029, Art. 1.5) — the reading this portal takes where the ΚΥΑ names no end date (note 001 §5.7).

Call 004 §6.5.2 as amended (2nd amendment Α.1): 40 months from T0, the end including any extension
never after 30/06/2029; T0 is the anchor the call's `implementation_start_anchor` setting chooses
(§10.3 against the 2nd amendment Α.2, note 004 §12 inconsistency 1).
"""

from __future__ import annotations

import calendar
import datetime

# calls.gaps `implementation_start_anchor` choices (Πρόσκληση 004 §10.3, 2η τροποποίηση Α.2).
ANCHOR_NOTIFICATION = "notification"
ANCHOR_APPROVAL_DECISION = "approval_decision"
ANCHOR_INCLUSION_DECISION = "inclusion_decision"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; a day the month lacks becomes its last day (31/01 + 1 → 28/02)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def implementation_start(
    anchor: str,
    *,
    notified_on: datetime.date,
    approval_issued_on: datetime.date | None = None,
    inclusion_issued_on: datetime.date | None = None,
) -> datetime.date:
    """T0 of a call 004 operation (Πρόσκληση 004 §10.3, 2η τροποποίηση Α.2).

    `notified_on`: the electronic notice of the final approval (or of the objections' result);
    `approval_issued_on`: the date the approval of the results was issued; `inclusion_issued_on`:
    the inclusion decision's date. An anchor whose date is not known falls back to the notice.
    """
    if anchor == ANCHOR_APPROVAL_DECISION and approval_issued_on is not None:
        return approval_issued_on
    if anchor == ANCHOR_INCLUSION_DECISION and inclusion_issued_on is not None:
        return inclusion_issued_on
    return notified_on


def implementation_end(
    *, start: datetime.date, duration_months: int, cap: datetime.date | None = None
) -> datetime.date:
    """Πρόσκληση 004 §6.5.2: «40 μήνες από την Τ0», and the end «δεν μπορεί να υπερβαίνει» the cap.

    15/03/2026 + 40 months = 15/07/2029, capped to 30/06/2029.
    """
    end = add_months(start, duration_months)
    return min(end, cap) if cap is not None else end


def subsidy_programme_end(
    *,
    start: datetime.date,
    hiring_days: int,
    subsidy_months: int,
    cap: datetime.date | None = None,
) -> datetime.date:
    """ΚΥΑ 7066 Art. 7.4 + 5.1.1: the last hire by T0 + 60 days, then 12 months of subsidy.

    Notice 20/05/2025: hires by 19/07/2025, subsidised until 19/07/2026.
    """
    end = add_months(start + datetime.timedelta(days=hiring_days), subsidy_months)
    return min(end, cap) if cap is not None else end


def call_deadline_due(
    *, anchor_on: datetime.date, length: int, unit: str, counting: str = "calendar", roll: bool = False
) -> datetime.date:
    """The last day of a call's deadline row counted from the operation's T0 or formal end.

    Πρόσκληση 004 §11.1.Α: the first verification request within 18 months of T0 (T0 15/03/2026
    → 15/09/2027); the final one within 30 days of the formal end, moved to the next working day
    (end 30/06/2029 → 30/07/2029, a Monday).
    """
    from opske.calendar import deadline_end, next_working_day

    if unit in ("months", "years"):
        due = add_months(anchor_on, length * (12 if unit == "years" else 1))
        return next_working_day(due) if roll else due
    return deadline_end(anchor_on, length, kind=counting, start_next_day=True, roll_to_working_day=roll)


def extension_problem(
    *, current_end: datetime.date | None, requested_end: datetime.date, cap: datetime.date | None
) -> str:
    """Πρόσκληση 004 §6.5.2 as amended (2η τροποποίηση Α.1): after the amendment an extension is
    granted by amending the call, never past 30/06/2029 «συμπεριλαμβανομένης της παράτασης».
    Returns the refusal, or "" when the new end is acceptable."""
    if current_end is not None and requested_end <= current_end:
        return f"Η νέα λήξη πρέπει να είναι μετά την τρέχουσα ({current_end:%d/%m/%Y})."
    if cap is not None and requested_end > cap:
        return (
            f"Η λήξη, μαζί με την παράταση, δεν μπορεί να υπερβαίνει τις {cap:%d/%m/%Y} "
            "(Πρόσκληση 004 §6.5.2)."
        )
    return ""
