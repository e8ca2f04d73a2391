"""Dates and times as the portal shows them: dd/mm/yyyy, and «dd/mm/yyyy HH:MM» in Europe/Athens.

One place for every page, PDF, e-mail and export (issue 10 item 8): never ISO text, never
microseconds, never UTC. Naive datetimes are taken as already in Athens time.

Forms read dates in Greek notation through `parse_date` (dd/mm/yyyy first; ISO too, since a
browser's date picker and the API send it).
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

ATHENS = ZoneInfo("Europe/Athens")
DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
DATETIME_SECONDS_FORMAT = "%d/%m/%Y %H:%M:%S"
XLSX_DATE_FORMAT = "dd/mm/yyyy"
XLSX_DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


def to_athens(value: datetime.datetime) -> datetime.datetime:
    """An aware datetime converted to Athens time; a naive one is assumed to be Athens time."""
    if value.tzinfo is None:
        return value.replace(tzinfo=ATHENS)
    return value.astimezone(ATHENS)


def start_of_day_athens(day: datetime.date) -> datetime.datetime:
    """Midnight of `day` in Athens, as an aware datetime: a day's events are those from this instant
    to the next day's (a range on the column, which its index serves; `__date` casts every row)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=ATHENS)


def format_date(value, *, empty: str = "—") -> str:
    """date(2026, 3, 5) → «05/03/2026»; a datetime shows its Athens calendar day."""
    if value in (None, ""):
        return empty
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime.datetime):
        value = to_athens(value).date()
    return value.strftime(DATE_FORMAT)


def format_datetime(value, *, empty: str = "—") -> str:
    """An aware datetime in Athens time to the minute: 2026-03-05T10:15:30.123+00:00 → «05/03/2026 12:15».

    A plain date is shown as format_date.
    """
    if value in (None, ""):
        return empty
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, datetime.datetime):
        return format_date(value, empty=empty)
    return to_athens(value).strftime(DATETIME_FORMAT)


def format_timestamp(value, *, empty: str = "—") -> str:
    """A moment whose second matters (a final submission, a legal notice): «05/03/2026 12:15:30»
    in Athens time; never microseconds (the priority number, not the fraction, orders FCFS)."""
    if value in (None, ""):
        return empty
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, datetime.datetime):
        return format_date(value, empty=empty)
    return to_athens(value).strftime(DATETIME_SECONDS_FORMAT)


def xlsx_datetime(value: datetime.datetime | None) -> datetime.datetime | None:
    """A datetime as an XLSX cell takes it: naive, in Athens time, whole seconds."""
    if value is None:
        return None
    return to_athens(value).replace(tzinfo=None, microsecond=0)


# Forms (settings.DATE_INPUT_FORMATS) and `parse_date` accept these, Greek first.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%Y-%m-%d"]
DATE_DISPLAY = "%d/%m/%Y"


def parse_date(value) -> datetime.date:
    """«31/12/2025», «31-12-2025», «31.12.2025», «31/12/25» or «2025-12-31» → date; ValueError else."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    for fmt in DATE_INPUT_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"Μη έγκυρη ημερομηνία «{text}»· γράψτε ΗΗ/ΜΜ/ΕΕΕΕ, π.χ. 31/12/2025.")
