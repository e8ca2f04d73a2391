"""Ids typed by users: ASCII digits only. `str.isdigit()` is true for «²» and «٣», which `int()`
then refuses or reads as another number (issue 11): never `int()` on user text without these."""

from __future__ import annotations

MAX_ID_DIGITS = 18  # fits PostgreSQL's bigint


def is_ascii_digits(value) -> bool:
    return isinstance(value, str) and value.isascii() and value.isdigit()


def int_or_none(value) -> int | None:
    """The id `value` names, or None when it is not plain ASCII digits (or is absurdly long)."""
    text = value.strip() if isinstance(value, str) else ""
    return int(text) if is_ascii_digits(text) and len(text) <= MAX_ID_DIGITS else None


class IdConverter:
    """The `<id:...>` path converter every URL uses for a number in the path: 1 to 18 ASCII digits.

    Django's `<id:>` takes any run of digits, and a 23-digit id overflowed PostgreSQL's bigint in
    the lookup (a 500, found by schemathesis); here such an address simply does not resolve (404)."""

    regex = f"[0-9]{{1,{MAX_ID_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))
