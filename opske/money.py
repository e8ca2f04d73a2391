"""Euro amounts: one place to read, round and show them (issue 9 «Greek amounts»).

Amounts are `Decimal` euros with two decimals, rounded half-up to the cent (domain README: amounts
are Decimal, half-up). Everything that reads an amount goes through one of two parsers and
everything that shows one goes through `format_eur`:

- `parse_amount(text)`: what a person types in a form, in Greek notation. The decimal separator is
  the comma and the thousands separator the full stop (or a space): «200.000» is 200.000,00 €,
  «1.234,56» is 1.234,56 €, «1234,5» is 1.234,50 €, «1 234,56» and «€ 1.234,56» are read too.
  Ambiguous readings, decided the way a Greek user writes numbers:
    * «1.234» is one thousand two hundred thirty-four euros: a full stop followed by groups of
      exactly three digits is a thousands separator (as on every Greek invoice and ΦΕΚ).
    * «12.5», «12.50», «1234.567»: a full stop NOT followed by groups of three digits is refused
      with a message asking for the comma. Reading it as a decimal point would make «12.500» and
      «12.50» differ by a factor of a thousand for one keystroke; refusing loses nothing.
    * «1,234» is refused as three decimals (a Greek reader sees 1,234 €, not 1.234 €).
  Refused with an `AmountError` (a code and a Greek message): more than two decimals, malformed
  groups («1.23.4»), NaN/Infinity/exponents («1e30»), more than 15 integer digits, a negative
  amount unless `allow_negative=True`.
- `parse_api_amount(value)`: what an API client sends: a JSON number, or a string with '.' as the
  decimal point and no grouping («1234.56»). Greek strings («1.234,56»), booleans and more than
  two decimals are refused.

`to_cents` rounds; `format_eur` («24.174,00 €», negative «-1.234,56 €» with an ASCII hyphen so
the text copies into a spreadsheet), `format_number` and `format_percent` show numbers with Greek
separators independently of the active locale (English pages show euros the same way: the
amounts are Greek legal figures). XLSX exports use `XLSX_EUR_FORMAT`.

This module is plain Python (no forms, no HTTP) so that rules modules may import it; the form
field lives in `opske.forms.AmountField`, the DRF field in `opske.serializers.AmountSerializerField`.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from opske.errors import ValidationFailed

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_INTEGER_DIGITS = 15
XLSX_EUR_FORMAT = '#,##0.00 "€"'
XLSX_NUMBER_FORMAT = "#,##0.00"

# Spaces people and word processors put between thousands: space, no-break, narrow no-break, thin.
_SPACES = (" ", "\u00a0", "\u202f", "\u2009")
_MINUS = ("-", "\u2212", "\u2013")
_DIGITS = re.compile(r"^\d+$")
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")
_API_TEXT = re.compile(r"^[+-]?\d+(\.\d+)?$")


class AmountError(ValidationFailed, ValueError):
    """An amount that cannot be read; `code` says why, `message` says it in Greek.

    Also a ValueError, so code that guarded the old parsers with `except ValueError` still holds.
    """

    code = "amount_invalid"
    default_message = "Το ποσό δεν είναι έγκυρο."

    def __init__(self, message: str | None = None, *, code: str | None = None, field: str = "amount"):
        super().__init__(message, code=code, fields={field: [message or self.default_message]})
        self.field = field


def _example(text) -> str:
    shown = str(text).strip()
    return shown if len(shown) <= 40 else shown[:37] + "…"


def _refuse(code: str, message: str) -> AmountError:
    return AmountError(message, code=code)


def _check_size(value: Decimal, text, *, allow_negative: bool, max_integer_digits: int) -> Decimal:
    if not value.is_finite():
        raise _refuse("amount_invalid", f"«{_example(text)}» δεν είναι ποσό.")
    if value.as_tuple().exponent < -2 and value != value.quantize(CENT):
        raise _refuse(
            "amount_too_many_decimals",
            f"Το ποσό «{_example(text)}» έχει περισσότερα από δύο δεκαδικά· "
            "τα ποσά σε ευρώ γράφονται με έως δύο δεκαδικά (π.χ. 1.234,56).",
        )
    integer_digits = value.adjusted() + 1 if abs(value) >= 1 else 0
    if integer_digits > max_integer_digits:
        raise _refuse(
            "amount_too_long",
            f"Το ποσό «{_example(text)}» είναι υπερβολικά μεγάλο (έως {max_integer_digits} ακέραια ψηφία).",
        )
    if value < 0 and not allow_negative:
        raise _refuse("amount_negative", "Το ποσό δεν μπορεί να είναι αρνητικό.")
    return to_cents(abs(value) if value == 0 else value)


def parse_amount(
    text, *, greek: bool = True, allow_negative: bool = False, max_integer_digits: int = MAX_INTEGER_DIGITS
) -> Decimal:
    """An amount typed in a form, in Greek notation (see the module docstring), as Decimal cents.

    Worked examples: «200.000» → 200000.00; «1.234,56» → 1234.56; «1234,5» → 1234.50;
    «1 234,56» → 1234.56; «200000» → 200000.00; «12.5» refused (amount_use_comma);
    «1.23.4» refused (amount_malformed); «1,234» refused (amount_too_many_decimals).
    With greek=False the text is read as an API string (parse_api_amount).
    A Decimal or int passes the same size checks; an empty text raises amount_required.
    """
    if isinstance(text, bool):
        raise _refuse("amount_invalid", "Το ποσό πρέπει να είναι αριθμός.")
    if isinstance(text, Decimal | int):
        return _check_size(
            Decimal(text), text, allow_negative=allow_negative, max_integer_digits=max_integer_digits
        )
    if not greek:
        return parse_api_amount(text, allow_negative=allow_negative, max_integer_digits=max_integer_digits)
    raw = str(text if text is not None else "").strip()
    if not raw:
        raise _refuse("amount_required", "Συμπληρώστε το ποσό.")
    if len(raw) > 64:
        raise _refuse("amount_too_long", "Το ποσό είναι υπερβολικά μεγάλο (έως 15 ακέραια ψηφία).")
    raw = raw.replace("€", "").replace("EUR", "").replace("eur", "")
    raw = raw.strip("".join(_SPACES))
    negative = False
    if raw[:1] in _MINUS:
        negative, raw = True, raw[1:]
    elif raw[:1] == "+":
        raw = raw[1:]
    raw = raw.strip("".join(_SPACES))
    # Spaces between digit groups are thousands separators like the full stop.
    if any(s in raw for s in _SPACES):
        if "." in raw:
            raise _refuse(
                "amount_malformed",
                f"«{_example(text)}»: χωρίστε τις χιλιάδες είτε με τελεία είτε με κενό, όχι και με τα δύο.",
            )
        raw = re.sub("[" + "".join(_SPACES) + "]", ".", raw)
    if raw.count(",") > 1:
        raise _refuse(
            "amount_malformed",
            f"«{_example(text)}» δεν είναι ποσό: το κόμμα χωρίζει τα δεκαδικά "
            "και γράφεται μία φορά (π.χ. 1.234,56).",
        )
    whole, comma, decimals = raw.partition(",")
    if comma and not _DIGITS.match(decimals):
        raise _refuse(
            "amount_malformed",
            f"«{_example(text)}» δεν είναι ποσό: μετά το κόμμα γράφονται μόνο τα δεκαδικά (π.χ. 1.234,56).",
        )
    if comma and len(decimals) > 2:
        raise _refuse(
            "amount_too_many_decimals",
            f"Το ποσό «{_example(text)}» έχει περισσότερα από δύο δεκαδικά· "
            "τα ποσά σε ευρώ γράφονται με έως δύο δεκαδικά (π.χ. 1.234,56). "
            "Οι χιλιάδες χωρίζονται με τελεία (1.234).",
        )
    if _DIGITS.match(whole):
        digits = whole
    elif _GROUPED.match(whole):
        digits = whole.replace(".", "")
    elif re.fullmatch(r"\d+\.\d{1,2}", whole) and not comma:
        raise _refuse(
            "amount_use_comma",
            f"Στο «{_example(text)}» η τελεία δεν χωρίζει χιλιάδες. Τα δεκαδικά γράφονται με κόμμα: "
            f"«{whole.replace('.', ',')}». Η τελεία χωρίζει μόνο τις χιλιάδες (π.χ. 1.234,56).",
        )
    elif re.fullmatch(r"[\d.]+", whole) and whole.strip("."):
        raise _refuse(
            "amount_malformed",
            f"«{_example(text)}» δεν είναι ποσό: οι χιλιάδες χωρίζονται ανά τρία ψηφία με τελεία "
            "(π.χ. 1.234.567,89) και τα δεκαδικά με κόμμα.",
        )
    else:
        raise _refuse(
            "amount_invalid",
            f"«{_example(text)}» δεν είναι ποσό. Γράψτε ψηφία, π.χ. 200.000 ή 1.234,56.",
        )
    value = Decimal(f"{'-' if negative else ''}{digits}.{decimals or '0'}")
    return _check_size(value, text, allow_negative=allow_negative, max_integer_digits=max_integer_digits)


def parse_api_amount(
    value, *, allow_negative: bool = False, max_integer_digits: int = MAX_INTEGER_DIGITS
) -> Decimal:
    """An amount sent to the API: a JSON number, or a string with '.' as the decimal point.

    Worked examples: 1234.56 → 1234.56; "1234.56" → 1234.56; 200000 → 200000.00;
    "1.234,56" refused (amount_invalid: API strings use '.'); 1.234 (three decimals) refused;
    true refused; "1e30" refused.
    """
    if isinstance(value, bool) or value is None:
        raise _refuse("amount_invalid", "Το ποσό πρέπει να είναι αριθμός (π.χ. 1234.56).")
    if isinstance(value, float):
        # The shortest repr is what the client wrote in the JSON («1234.56», not a binary expansion).
        text = repr(value)
        if value != value or value in (float("inf"), float("-inf")) or "e" in text.lower():
            raise _refuse("amount_invalid", f"«{text}» δεν είναι ποσό (π.χ. 1234.56).")
        return _check_size(
            Decimal(text), text, allow_negative=allow_negative, max_integer_digits=max_integer_digits
        )
    if isinstance(value, int | Decimal):
        return _check_size(
            Decimal(value), value, allow_negative=allow_negative, max_integer_digits=max_integer_digits
        )
    if not isinstance(value, str):
        raise _refuse("amount_invalid", "Το ποσό πρέπει να είναι αριθμός (π.χ. 1234.56).")
    raw = value.strip()
    if len(raw) > 64 or not _API_TEXT.match(raw):
        raise _refuse(
            "amount_invalid",
            f"«{_example(value)}» δεν είναι ποσό για το API: στείλτε αριθμό JSON ή κείμενο με τελεία "
            'για τα δεκαδικά και χωρίς διαχωριστικό χιλιάδων (π.χ. "1234.56").',
        )
    if "." in raw and len(raw.partition(".")[2]) > 2:
        raise _refuse(
            "amount_too_many_decimals",
            f'Το ποσό «{_example(value)}» έχει περισσότερα από δύο δεκαδικά (π.χ. "1234.56").',
        )
    return _check_size(
        Decimal(raw), value, allow_negative=allow_negative, max_integer_digits=max_integer_digits
    )


def parse_stored_amount(value, *, allow_negative: bool = False) -> Decimal:
    """An amount kept as text in JSON data: Python notation first («12500.00», what the portal
    stores since opske.money), Greek notation second (text stored as typed before: «12.500»).

    «12.50» → 12.50; «12.500» → 12500.00 (three decimals cannot be Python notation of euros);
    «1.234,56» → 1234.56. Refused like parse_amount.
    """
    try:
        return parse_api_amount(value, allow_negative=allow_negative)
    except AmountError:
        return parse_amount(value, allow_negative=allow_negative)


def to_cents(value) -> Decimal:
    """Euros as Decimal rounded half-up to the cent: 0.005 → 0.01, 2.675 → 2.68, -0.005 → -0.01.

    Accepts Decimal, int, str in Python notation («1234.5») and float (through its repr); None and
    "" are 0.00. Text typed by a person goes through `parse_amount` first.
    """
    if value is None or value == "":
        return ZERO
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        raise _refuse("amount_invalid", f"«{_example(value)}» δεν είναι ποσό.") from None
    if not number.is_finite():
        raise _refuse("amount_invalid", f"«{_example(value)}» δεν είναι ποσό.")
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def _group(digits: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return ".".join(parts)


def format_number(value, decimals: int = 2, *, empty: str = "—") -> str:
    """Greek separators: 1234567.891 → «1.234.567,89» (decimals=2), «1.234.568» (decimals=0)."""
    if value is None or value == "":
        return empty
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    exp = Decimal(1).scaleb(-decimals) if decimals > 0 else Decimal(1)
    number = number.quantize(exp, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    text = _group(whole)
    if decimals > 0:
        text += "," + fraction.ljust(decimals, "0")[:decimals]
    return sign + text if number != 0 else text


def format_eur(value, *, empty: str = "—") -> str:
    """24174 → «24.174,00 €»; -1234.56 → «-1.234,56 €»; None → «—»."""
    if value is None or value == "":
        return empty
    return f"{format_number(value, 2, empty=empty)} €"


def format_percent(value, decimals: int | None = None, *, empty: str = "—") -> str:
    """A percentage figure (70 means 70%): 70 → «70%», 25.5 → «25,5%», 33.333 → «33,33%».

    With decimals=None up to two decimals are shown, trailing zeros dropped.
    """
    if value is None or value == "":
        return empty
    if decimals is not None:
        return f"{format_number(value, decimals, empty=empty)}%"
    text = format_number(value, 2, empty=empty)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return f"{text}%"
