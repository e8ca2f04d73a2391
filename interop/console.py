"""The staff registry console: look up an ΑΦΜ/ΑΜΚΑ in each registry, switch sandboxes, see waits.

The console is built from `LOOKUPS`, a table naming each registry client by dotted path and
importing it only when used: a registry whose client has not been built yet shows «δεν είναι
ακόμη διαθέσιμο» instead of breaking the page.
"""

from __future__ import annotations

import datetime
import importlib
import logging
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import Business, Role
from accounts.validators import normalise_afm, validate_afm, validate_amka
from opske import audit
from opske.errors import ApplicationError, PermissionDenied, RegistryRefused, RegistryUnavailable

from .sandboxes import control
from .waiting import CheckOutcome, run_registry_check, to_plain

logger = logging.getLogger(__name__)

CONSOLE_ROLES = (Role.PROGRAMME_ADMIN, Role.SUPERVISOR)


@dataclass(frozen=True)
class ConsoleLookup:
    key: str
    label: str
    module: str
    client: str
    method: str
    identifier: str  # "afm" | "amka" | "ada"
    with_date: bool = False
    # Name of a function in this module giving extra constructor kwargs for the identifier, or
    # None when the registry cannot be asked on the portal's own credentials.
    client_kwargs: str = ""


LOOKUPS: tuple[ConsoleLookup, ...] = (
    ConsoleLookup("aade", "ΑΑΔΕ · Μητρώο επιχείρησης", "interop.aade", "AadeRegistryClient", "lookup", "afm"),
    ConsoleLookup(
        "ergani",
        "ΕΡΓΑΝΗ · Απασχολούμενοι",
        "interop.ergani",
        "ErganiClient",
        "workforce",
        "afm",
        True,
        "ergani_sandbox_credentials",
    ),
    ConsoleLookup(
        "dypa", "ΔΥΠΑ · Κατάσταση ανεργίας", "interop.dypa", "DypaClient", "unemployment_status", "amka", True
    ),
    ConsoleLookup("idika", "ΗΔΙΚΑ · Στοιχεία ΑΜΚΑ", "interop.idika", "IdikaClient", "person", "amka"),
    ConsoleLookup(
        "clearance_tax",
        "Φορολογική ενημερότητα",
        "interop.clearance",
        "ClearanceClient",
        "tax_clearance",
        "afm",
    ),
    ConsoleLookup(
        "clearance_insurance",
        "Ασφαλιστική ενημερότητα",
        "interop.clearance",
        "ClearanceClient",
        "insurance_clearance",
        "afm",
    ),
    ConsoleLookup(
        "deminimis",
        "ΠΣΣΕΗΣ · de minimis ενιαίας επιχείρησης (τριετία)",
        "interop.deminimis",
        "DeminimisClient",
        "single_undertaking_aid",
        "afm",
        True,
    ),
    ConsoleLookup("gemi", "ΓΕΜΗ · Στοιχεία εταιρείας", "interop.gemi", "GemiClient", "company_by_afm", "afm"),
    ConsoleLookup("diavgeia", "Διαύγεια · Πράξη με ΑΔΑ", "interop.diavgeia", "DiavgeiaClient", "get", "ada"),
)
LOOKUPS_BY_KEY = {entry.key: entry for entry in LOOKUPS}

# Registries with a sandbox (interop/sandboxes/urls.py) and their Greek names.
REGISTRY_LABELS = {
    "gsis": "GSIS · TAXISnet (OAuth2)",
    "aade": "ΑΑΔΕ · RgWsPublic2",
    "ergani": "ΕΡΓΑΝΗ",
    "deminimis": "ΠΣΣΕΗΣ · de minimis",
    "dypa": "ΔΥΠΑ",
    "idika": "ΗΔΙΚΑ · ΑΜΚΑ",
    "clearance": "Ενημερότητες (ΑΑΔΕ / e-ΕΦΚΑ)",
    "gemi": "ΓΕΜΗ",
    "diavgeia": "Διαύγεια",
}
MODE_LABELS = {
    "normal": "Κανονική λειτουργία",
    "slow": "Αργή απόκριση",
    "error": "Σφάλμα μητρώου (με κωδικό)",
    "down": "Εκτός λειτουργίας (HTTP 503)",
}
_IDENTIFIER_LABELS = {"afm": "ΑΦΜ", "amka": "ΑΜΚΑ", "ada": "ΑΔΑ"}


@dataclass(frozen=True)
class LookupAnswer:
    status: str  # ok | refused | unavailable | not_available | invalid | error
    message: str = ""
    code: str = ""
    rows: tuple[tuple[str, str], ...] = ()
    data: Any = None


# -- permissions ------------------------------------------------------------------------------
def can_use_console(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*CONSOLE_ROLES))


def require_console_user(user) -> None:
    """The console is for programme administrators and supervisors; to anyone else it does not exist."""
    if not can_use_console(user):
        raise Http404


def business_for_console(*, user, pk: int) -> Business:
    require_console_user(user)
    try:
        return Business.objects.get(pk=pk)
    except Business.DoesNotExist:
        raise Http404 from None


# -- lookups ----------------------------------------------------------------------------------
def lookup_method(entry: ConsoleLookup):
    """The bound client method for `entry`, or None while that client is not built yet."""
    try:
        module = importlib.import_module(entry.module)
    except ImportError:
        return None
    client_cls = getattr(module, entry.client, None)
    if client_cls is None or not callable(getattr(client_cls, entry.method, None)):
        return None
    return client_cls, entry.method


def lookup_available(entry: ConsoleLookup) -> bool:
    return lookup_method(entry) is not None


def _validate_identifier(entry: ConsoleLookup, identifier: str) -> str:
    value = (identifier or "").strip()
    if entry.identifier == "afm":
        validate_afm(value)
        return normalise_afm(value)
    if entry.identifier == "amka":
        validate_amka(value)
        return value
    from .diavgeia import ADA_PATTERN

    if not ADA_PATTERN.match(value.upper()):
        raise ValidationError("Ο ΑΔΑ έχει τη μορφή «Ψ4ΛΖ46ΜΤΛ6-ΑΒΓ» (ελληνικά κεφαλαία και ψηφία).")
    return value.upper()


def console_lookup(*, actor, key: str, identifier: str, as_on: datetime.date | None = None) -> LookupAnswer:
    require_console_user(actor)
    entry = LOOKUPS_BY_KEY.get(key)
    if entry is None:
        return LookupAnswer("invalid", "Επιλέξτε μητρώο.")
    found = lookup_method(entry)
    if found is None:
        return LookupAnswer("not_available", f"Το μητρώο «{entry.label}» δεν είναι ακόμη διαθέσιμο.")
    try:
        value = _validate_identifier(entry, identifier)
    except ValidationError as exc:
        return LookupAnswer("invalid", exc.messages[0])
    client_cls, method = found
    args = [value, as_on or timezone.localdate()] if entry.with_date else [value]
    extra = globals()[entry.client_kwargs](value) if entry.client_kwargs else {}
    if extra is None:
        return LookupAnswer(
            "not_available",
            f"Το μητρώο «{entry.label}» απαντά μόνο με τα διαπιστευτήρια της ίδιας της επιχείρησης.",
        )
    try:
        client = client_cls(actor=actor, **extra)
        answer = getattr(client, method)(*args)
    except RegistryUnavailable as exc:
        return LookupAnswer("unavailable", exc.message, exc.code)
    except RegistryRefused as exc:
        return LookupAnswer("refused", exc.message, exc.code)
    except ApplicationError as exc:
        return LookupAnswer("refused", exc.message, exc.code)
    except Exception:  # a diagnostics page must survive a bug in any registry's client
        logger.exception("registry console lookup %s failed", key)
        return LookupAnswer("error", "Απρόβλεπτο σφάλμα στον πελάτη του μητρώου· καταγράφηκε για διερεύνηση.")
    data = to_plain(answer)
    return LookupAnswer("ok", "", "", tuple(flatten(data)), data)


def ergani_sandbox_credentials(afm: str) -> dict | None:
    """ΕΡΓΑΝΗ answers only on the employer's own account (interop.md §3). The sandbox gives every
    demo employer the account «ergani-<ΑΦΜ>»; against the real ΕΡΓΑΝΗ the console cannot ask."""
    from django.conf import settings

    if not settings.SANDBOXES_ENABLED or settings.INTEROP.get("ergani", {}).get("url"):
        return None
    from .ergani import ErganiCredentials
    from .sandboxes.data_people import ERGANI_PASSWORD

    return {"credentials": ErganiCredentials(username=f"ergani-{afm}", password=ERGANI_PASSWORD)}


def flatten(data, prefix: str = "") -> list[tuple[str, str]]:
    """Nested answer → (label, value) rows for a summary list: «awards 1 · gge_amount»."""
    rows: list[tuple[str, str]] = []
    if isinstance(data, dict):
        for k, v in data.items():
            rows += flatten(v, f"{prefix} · {k}" if prefix else str(k))
    elif isinstance(data, list):
        if not data:
            rows.append((prefix, "—"))
        for i, v in enumerate(data, 1):
            rows += flatten(v, f"{prefix} {i}")
    else:
        shown = (
            "—" if data in (None, "") else ("ναι" if data is True else "όχι" if data is False else str(data))
        )
        rows.append((prefix, shown))
    return rows


# -- sandbox switches -------------------------------------------------------------------------
def sandbox_modes() -> list[tuple[str, str, control.SandboxMode]]:
    return [(name, label, control.get_mode(name)) for name, label in REGISTRY_LABELS.items()]


def sandbox_switch(
    *, actor, registry: str, mode: str, delay: float = 0.0, error_code: str = ""
) -> control.SandboxMode:
    """Make a sandbox answer normally, slowly, with an error or not at all (audited)."""
    from django.conf import settings

    require_console_user(actor)
    if not settings.SANDBOXES_ENABLED:
        raise PermissionDenied("Τα δοκιμαστικά μητρώα είναι απενεργοποιημένα σε αυτό το περιβάλλον.")
    before = control.get_mode(registry)
    with transaction.atomic():
        after = control.set_mode(registry, mode, delay=delay, error_code=error_code)
        audit.record(
            actor=actor,
            action="interop.sandbox.switch",
            before={"registry": registry, "mode": before.mode, "error_code": before.error_code},
            after={
                "registry": registry,
                "mode": after.mode,
                "delay": after.delay,
                "error_code": after.error_code,
            },
        )
    return after


# -- the demo path: check a business's registries -------------------------------------------
def check_gemi_company(afm: str):
    from .gemi import GemiClient

    return GemiClient().company_by_afm(afm)


def check_deminimis_aid(afm: str, as_on: str):
    from .deminimis import DeminimisClient

    return DeminimisClient().single_undertaking_aid(afm, datetime.date.fromisoformat(as_on), regulation=None)


BUSINESS_CHECKS = (
    ("gemi", "company_by_afm", "interop.console.check_gemi_company", "ΓΕΜΗ"),
    ("deminimis", "single_undertaking_aid", "interop.console.check_deminimis_aid", "ΠΣΣΕΗΣ · de minimis"),
)


def business_registry_check(*, actor, business: Business) -> list[tuple[str, CheckOutcome]]:
    """Ask ΓΕΜΗ and the de minimis register about `business`; a registry that is down leaves a
    RegistryWait that the beat task resolves when it is back."""
    require_console_user(actor)
    outcomes = []
    for registry, operation, call, label in BUSINESS_CHECKS:
        params = {"afm": business.afm}
        if registry == "deminimis":
            params["as_on"] = timezone.localdate().isoformat()
        outcome = run_registry_check(
            obj=business,
            registry=registry,
            operation=operation,
            call=call,
            params=params,
            on_result="interop.store_only",
        )
        outcomes.append((label, outcome))
    return outcomes


# -- forms ------------------------------------------------------------------------------------
class LookupForm(forms.Form):
    registry = forms.ChoiceField(label="Μητρώο", choices=[(e.key, e.label) for e in LOOKUPS])
    identifier = forms.CharField(
        label="ΑΦΜ, ΑΜΚΑ ή ΑΔΑ", max_length=40, help_text="Ό,τι ζητά το μητρώο που επιλέξατε."
    )
    as_on = forms.DateField(
        label="Ημερομηνία αναφοράς",
        required=False,
        help_text="Για ΕΡΓΑΝΗ, ΔΥΠΑ και de minimis· κενό = σήμερα.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class SandboxSwitchForm(forms.Form):
    mode = forms.ChoiceField(label="Λειτουργία", choices=list(MODE_LABELS.items()))
    delay = forms.FloatField(label="Καθυστέρηση (δευτερόλεπτα)", required=False, min_value=0, max_value=30)
    error_code = forms.CharField(label="Κωδικός σφάλματος", required=False, max_length=60)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("mode") == "error" and not (data.get("error_code") or "").strip():
            self.add_error("error_code", "Δώστε τον κωδικό σφάλματος που θα επιστρέφει το μητρώο.")
        return data


class ManualCheckForm(forms.Form):
    reason = forms.CharField(label="Αιτιολόγηση", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    values = forms.CharField(
        label="Τιμές που ελέγχθηκαν",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Μία ανά γραμμή, «πεδίο: τιμή» (π.χ. «σύνολο ΑΙΕ: 290000.00»).",
    )

    def clean_values(self) -> dict:
        values = {}
        for line in self.cleaned_data["values"].splitlines():
            if not line.strip():
                continue
            name, sep, value = line.partition(":")
            if not sep or not name.strip() or not value.strip():
                raise ValidationError(f"Η γραμμή «{line.strip()}» δεν έχει τη μορφή «πεδίο: τιμή».")
            values[name.strip()] = value.strip()
        if not values:
            raise ValidationError("Καταχωρίστε τουλάχιστον μία τιμή.")
        return values
