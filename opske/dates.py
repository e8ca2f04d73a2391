"""Dates as Greek users type and read them: dd/mm/yyyy in, dd/mm/yyyy out (Europe/Athens).

One parser for every form and table input. ISO (yyyy-mm-dd) is still accepted, since a browser's
date picker and the API send it.
"""

from __future__ import annotations

import datetime

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


def format_date(value) -> str:
    """A date (or an ISO string) as dd/mm/yyyy; anything unreadable is returned as it was."""
    try:
        return parse_date(value).strftime(DATE_DISPLAY)
    except ValueError:
        return str(value or "")
