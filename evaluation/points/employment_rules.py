"""ΚΥΑ 16936: the rules of a placement's employment, as pure functions over dates and numbers.

- Ε3 within 60 calendar days of the day the beneficiary brings the referral note (Art. 6(4));
- 12 months of employment that end by themselves (Art. 3(3), 6(11));
- a replacement's contract length, where the decision is silent (setting `replacement_contract_length`,
  note 002 §5.6 [GAP], question 7);
- the monthly attendance record the service keeps after each month (Art. 7(6), 8(1)).
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from opske.calendar import deadline_end

E3_DAYS = 60  # Art. 6(4): «εντός εξήντα (60) ημερολογιακών ημερών»
EMPLOYMENT_MONTHS = 12  # Art. 3(3): «δώδεκα (12) μήνες»


def e3_deadline(note_brought_on: datetime.date) -> datetime.date:
    """Last day for the Ε3 (Art. 6(4)): 60 calendar days «από την ημερομηνία που ο ωφελούμενος
    προσκομίσει … το συστατικό σημείωμα». The day of delivery is not counted (day 1 is the next
    day); a last day on a Saturday, Sunday or holiday moves to the next working day (ΚΔΔ art. 10).
    Note brought Thu 05/02/2026 → day 60 is Mon 06/04/2026, a working day → 06/04/2026."""
    return deadline_end(note_brought_on, E3_DAYS, "calendar")


def e3_overdue(*, due_on: datetime.date | None, filed_on: datetime.date | None, today: datetime.date) -> bool:
    """Late only once the whole last day has passed: on the deadline day itself the Ε3 is in time."""
    if due_on is None:
        return False
    if filed_on is not None:
        return filed_on > due_on
    return today > due_on


def employment_end(started_on: datetime.date, months: int) -> datetime.date:
    """The last day of employment: `months` months from the start, the day before the same date
    (started 01/02/2026, 12 months → 31/01/2027). Art. 3(3), 6(11): it ends by itself."""
    return started_on + relativedelta(months=months) - datetime.timedelta(days=1)


def months_used(started_on: datetime.date | None, ended_on: datetime.date | None) -> int:
    """Months of the position the departing person used: each month begun counts (its pay went to
    them). Never started → 0. Started 01/02/2026, last day 15/04/2026 → 3."""
    if started_on is None or ended_on is None or ended_on < started_on:
        return 0
    used = 0
    while started_on + relativedelta(months=used) <= ended_on:
        used += 1
    return used


def replacement_contract_months(
    setting: str,
    *,
    replaced_started_on: datetime.date | None,
    replaced_ended_on: datetime.date | None,
    replaced_months: int = EMPLOYMENT_MONTHS,
) -> int:
    """How long the replacement is employed (note 002 §5.6 [GAP]; Art. 6(5), 6(8) say nothing).

    - «remaining_months» (default: the budget is €18,600 per position for 12 months, Rec. 35):
      the months the departing person did not use; one who never started leaves all 12.
    - «full_12»: a full 12 months (Art. 3(3)) for every beneficiary.
    """
    if setting == "full_12":
        return EMPLOYMENT_MONTHS
    used = months_used(replaced_started_on, replaced_ended_on)
    return max(replaced_months - used, 0)


def month_start(value: datetime.date) -> datetime.date:
    return value.replace(day=1)


def month_end(value: datetime.date) -> datetime.date:
    return value.replace(day=calendar.monthrange(value.year, value.month)[1])


@dataclass(frozen=True)
class AttendanceEntry:
    month: datetime.date  # any day of the month
    days_worked: int
    unjustified_absence_days: int
    justified_leave_days: int


def attendance_problems(
    entry: AttendanceEntry,
    *,
    started_on: datetime.date | None,
    ends_on: datetime.date | None,
    today: datetime.date,
) -> dict[str, str]:
    """Field → message for a monthly record that cannot be right (Art. 8(1): submitted «μετά τη
    λήξη κάθε μήνα απασχόλησης»; the days cannot exceed the employment days of that month)."""
    errors: dict[str, str] = {}
    first, last = month_start(entry.month), month_end(entry.month)
    if started_on is None:
        return {"month": "Η απασχόληση δεν έχει ξεκινήσει."}
    if last >= today:
        errors["month"] = "Ο μήνας καταχωρίζεται μετά τη λήξη του (ΚΥΑ 16936 Άρθ. 8(1))."
    elif last < started_on or (ends_on is not None and first > ends_on):
        errors["month"] = "Ο μήνας είναι εκτός της περιόδου απασχόλησης."
    for name in ("days_worked", "unjustified_absence_days", "justified_leave_days"):
        if getattr(entry, name) < 0:
            errors[name] = "Ο αριθμός ημερών δεν μπορεί να είναι αρνητικός."
    if "month" not in errors:
        span_from = max(first, started_on)
        span_to = min(last, ends_on) if ends_on else last
        span = (span_to - span_from).days + 1
        total = entry.days_worked + entry.unjustified_absence_days + entry.justified_leave_days
        if total > span:
            errors["days_worked"] = (
                f"Οι ημέρες ({total}) υπερβαίνουν τις {span} ημέρες απασχόλησης του μήνα "
                f"({span_from:%d/%m/%Y}–{span_to:%d/%m/%Y})."
            )
    return errors
