"""The Greek working-day calendar and the arithmetic of legal deadlines.

Public holidays come from the `holidays` package (`holidays.Greece`): New Year, Epiphany, Clean
Monday (Καθαρά Δευτέρα), 25 March, Good Friday and Easter Monday (Orthodox Easter), 1 May, Whit
Monday (Αγίου Πνεύματος), 15 August, 28 October, 25-26 December. Saturdays and Sundays are never
working days. Local feast days of a municipality are not national holidays and are not modelled.

Every function takes and returns plain `datetime.date` values, so legal rules in higher layers can
use them without a database.
"""

from __future__ import annotations

import datetime
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

import holidays

ATHENS = ZoneInfo("Europe/Athens")
DeadlineKind = Literal["calendar", "working"]


@lru_cache(maxsize=64)
def _greek_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.Greece(years=year).keys())


def is_holiday(d: datetime.date) -> bool:
    """A national public holiday of Greece (αργία), whatever the weekday."""
    return d in _greek_holidays(d.year)


def is_working_day(d: datetime.date) -> bool:
    """Εργάσιμη ημέρα: Monday to Friday and not a national public holiday."""
    return d.weekday() < 5 and not is_holiday(d)


def next_working_day(d: datetime.date) -> datetime.date:
    """`d` itself when it is a working day, else the first working day after it."""
    while not is_working_day(d):
        d += datetime.timedelta(days=1)
    return d


def add_working_days(d: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `d` (`d` itself is not counted); n=0 returns `d`.

    «3 εργάσιμες ημέρες» (e.g. ΚΥΑ 16936 Art. 5(8)): weekends and public holidays are skipped.
    A negative n counts backwards.
    """
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    while remaining:
        d += datetime.timedelta(days=step)
        if is_working_day(d):
            remaining -= 1
    return d


def add_calendar_days(d: datetime.date, n: int) -> datetime.date:
    """`d` plus n calendar days (ημερολογιακές ημέρες), weekends and holidays included."""
    return d + datetime.timedelta(days=n)


def deadline_end(
    start: datetime.date,
    days: int,
    kind: DeadlineKind = "calendar",
    start_next_day: bool = True,
    roll_to_working_day: bool = True,
) -> datetime.date:
    """The last day on which an act is still in time.

    - `start` is the day of the triggering event (e.g. the day the e-mail notification was sent).
    - `start_next_day=True` reads the common wording «από την επομένη της κοινοποίησης»: the day
      after `start` is day 1, so «10 ημερολογιακές ημέρες από την επομένη» of a notice sent on
      2 June ends on 12 June (ΚΥΑ 7066 Art. 7.5, ένσταση). With `start_next_day=False`, `start`
      itself is day 1 (ends one day earlier).
    - `kind="working"` counts only working days: «15 εργάσιμες ημέρες» from an objection deadline
      (ΚΥΑ 7066 Art. 7.5), «3 εργάσιμες» (ΚΥΑ 16936 Art. 5(8)). The last day is then always a
      working day and no roll is needed.
    - `kind="calendar"` counts every day; when the last day falls on a Saturday, Sunday or public
      holiday, the Code of Administrative Procedure (ΚΔΔ, ν. 2690/1999 art. 10) moves the end to
      the next working day. `roll_to_working_day=True` (default) applies that rule; pass False
      where a call's text fixes the date regardless (e.g. a call closing at a stated date).
    """
    if days < 0:
        raise ValueError("days must not be negative")
    if kind == "working":
        if start_next_day:
            return add_working_days(start, days)
        # `start` is day 1 when it is itself a working day.
        first = next_working_day(start)
        return add_working_days(first, days - 1) if days else start
    if kind != "calendar":
        raise ValueError(f"unknown deadline kind: {kind!r}")
    end = add_calendar_days(start, days if start_next_day else max(days - 1, 0))
    return next_working_day(end) if roll_to_working_day else end


def end_of_day_athens(d: datetime.date) -> datetime.datetime:
    """23:59:59.999999 Athens time of `d`, as an aware datetime.

    A deadline «έως και» a day runs to the end of that day in Greek time, whatever the server's
    zone; daylight saving is handled by the zone database.
    """
    return datetime.datetime.combine(d, datetime.time.max, tzinfo=ATHENS)


@lru_cache(maxsize=16)
def _target2_closing_days(year: int) -> frozenset[datetime.date]:
    # The ECB's TARGET2 closing days: 1 January, (Western) Good Friday and Easter Monday, 1 May,
    # 25 and 26 December (`holidays` financial calendar «ECB»).
    return frozenset(holidays.financial_holidays("ECB", years=year).keys())


def is_payment_day(d: datetime.date) -> bool:
    """A day a SEPA credit transfer can be executed from a Greek account: a Greek working day
    that is also a TARGET2 business day (Western Easter may fall on a Greek working day)."""
    return is_working_day(d) and d not in _target2_closing_days(d.year)


def next_payment_day(d: datetime.date) -> datetime.date:
    while not is_payment_day(d):
        d += datetime.timedelta(days=1)
    return d
