"""ΑΦΜ and ΑΜΚΑ validation through python-stdnum, with Greek messages."""

from django.core.exceptions import ValidationError
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.gr import amka as stdnum_amka
from stdnum.gr import vat as stdnum_vat

from opske.errors import ValidationFailed


def normalise_afm(value: str) -> str:
    """Strip spaces and an EL/GR prefix; pad a legacy 8-digit ΑΦΜ with a leading zero."""
    v = (value or "").strip().upper().replace(" ", "")
    if v.startswith(("EL", "GR")):
        v = v[2:]
    if len(v) == 8 and v.isdigit():
        v = "0" + v
    return v


def validate_afm(value: str) -> None:
    v = normalise_afm(value)
    if len(v) != 9 or not v.isdigit():
        raise ValidationError("Ο ΑΦΜ πρέπει να έχει 9 ψηφία.", code="afm_format")
    try:
        stdnum_vat.validate(v)
    except StdnumError as exc:
        raise ValidationError("Ο ΑΦΜ δεν είναι έγκυρος (λάθος ψηφίο ελέγχου).", code="afm_checksum") from exc


def validate_amka(value: str) -> None:
    v = (value or "").strip()
    if len(v) != 11 or not v.isdigit():
        raise ValidationError("Ο ΑΜΚΑ πρέπει να έχει 11 ψηφία.", code="amka_format")
    try:
        stdnum_amka.validate(v)
    except StdnumError as exc:
        raise ValidationError(
            "Ο ΑΜΚΑ δεν είναι έγκυρος (ημερομηνία γέννησης ή ψηφίο ελέγχου).", code="amka_checksum"
        ) from exc


def _as_validation_failed(field: str, check, value: str) -> str:
    try:
        check(value)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], fields={field: exc.messages}) from exc
    return value


def clean_afm(value: str) -> str:
    """The normalised ΑΦΜ, or ValidationFailed (field «afm») with the Greek reason."""
    return _as_validation_failed("afm", validate_afm, normalise_afm(value))


def clean_amka(value: str) -> str:
    """The ΑΜΚΑ without spaces, or ValidationFailed (field «amka») with the Greek reason."""
    return _as_validation_failed("amka", validate_amka, (value or "").strip().replace(" ", ""))


def clean_phone(value: str) -> str:
    """A Greek phone number as 10 digits (fixed 2…, mobile 69…); +30/0030 and separators dropped.

    Empty stays empty (the phone is optional). Anything else is refused at the field.
    """
    raw = (value or "").strip()
    if not raw:
        return ""
    digits = "".join(ch for ch in raw if ch not in " -./()")
    if digits.startswith("+30"):
        digits = digits[3:]
    elif digits.startswith("0030"):
        digits = digits[4:]
    if not (digits.isdigit() and len(digits) == 10 and (digits[0] == "2" or digits.startswith("69"))):
        raise ValidationFailed(
            "Μη έγκυρος αριθμός τηλεφώνου.",
            fields={"phone": "Γράψτε 10ψήφιο ελληνικό αριθμό (σταθερό 2… ή κινητό 69…), π.χ. 2461012345."},
        )
    return digits
