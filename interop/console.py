"""The staff registry console: look up an ΑΦΜ/ΑΜΚΑ in each registry, switch sandboxes, see waits.

The console is built from `LOOKUPS`, a table naming each registry client by dotted path and
importing it only when used: a registry whose client has not been built yet shows «δεν είναι
ακόμη διαθέσιμο» instead of breaking the page.

No registry is called inside a page request. A lookup (or a business's registry check) is
recorded as a `ConsoleLookup` row and answered by the `run_console_lookup` task after commit; the
page polls the row until the task is done. A lost task is re-enqueued by the outbox sweep.
The one exception is `sandbox_deminimis_grant`, a write to the in-process ΠΣΣΕΗΣ sandbox only
(never a real registry), answered in the request so the administrator sees the registry id.
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
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from accounts.models import Business, Role
from accounts.validators import normalise_afm, validate_afm, validate_amka
from opske import audit
from opske.errors import (
    ApplicationError,
    PermissionDenied,
    RegistryRefused,
    RegistryUnavailable,
    ValidationFailed,
)

from .models import ConsoleLookup as ConsoleLookupRow
from .sandboxes import control
from .waiting import CheckOutcome, run_registry_check, to_plain

logger = logging.getLogger(__name__)

CONSOLE_ROLES = (Role.PROGRAMME_ADMIN, Role.SUPERVISOR)


@dataclass(frozen=True)
class LookupEntry:
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


LOOKUPS: tuple[LookupEntry, ...] = (
    LookupEntry("aade", "ΑΑΔΕ · Μητρώο επιχείρησης", "interop.aade", "AadeRegistryClient", "lookup", "afm"),
    LookupEntry(
        "ergani",
        "ΕΡΓΑΝΗ · Απασχολούμενοι",
        "interop.ergani",
        "ErganiClient",
        "workforce",
        "afm",
        True,
        "ergani_sandbox_credentials",
    ),
    LookupEntry(
        "dypa", "ΔΥΠΑ · Κατάσταση ανεργίας", "interop.dypa", "DypaClient", "unemployment_status", "amka", True
    ),
    LookupEntry("idika", "ΗΔΙΚΑ · Στοιχεία ΑΜΚΑ", "interop.idika", "IdikaClient", "person", "amka"),
    LookupEntry(
        "clearance_tax",
        "Φορολογική ενημερότητα",
        "interop.clearance",
        "ClearanceClient",
        "tax_clearance",
        "afm",
    ),
    LookupEntry(
        "clearance_insurance",
        "Ασφαλιστική ενημερότητα",
        "interop.clearance",
        "ClearanceClient",
        "insurance_clearance",
        "afm",
    ),
    LookupEntry(
        "deminimis",
        "ΠΣΣΕΗΣ · de minimis ενιαίας επιχείρησης (τριετία)",
        "interop.deminimis",
        "DeminimisClient",
        "single_undertaking_aid",
        "afm",
        True,
    ),
    LookupEntry("gemi", "ΓΕΜΗ · Στοιχεία εταιρείας", "interop.gemi", "GemiClient", "company_by_afm", "afm"),
    LookupEntry("diavgeia", "Διαύγεια · Πράξη με ΑΔΑ", "interop.diavgeia", "DiavgeiaClient", "get", "ada"),
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
def lookup_method(entry: LookupEntry):
    """The bound client method for `entry`, or None while that client is not built yet."""
    try:
        module = importlib.import_module(entry.module)
    except ImportError:
        return None
    client_cls = getattr(module, entry.client, None)
    if client_cls is None or not callable(getattr(client_cls, entry.method, None)):
        return None
    return client_cls, entry.method


def lookup_available(entry: LookupEntry) -> bool:
    return lookup_method(entry) is not None


def _validate_identifier(entry: LookupEntry, identifier: str) -> str:
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


def lookup_params_clean(key: str, identifier: str) -> tuple[LookupEntry, str]:
    """The registry entry and the normalised identifier, or a Greek ValidationError (no call made)."""
    entry = LOOKUPS_BY_KEY.get(key)
    if entry is None:
        raise ValidationError("Επιλέξτε μητρώο.")
    if not lookup_available(entry):
        raise ValidationError(f"Το μητρώο «{entry.label}» δεν είναι ακόμη διαθέσιμο.")
    return entry, _validate_identifier(entry, identifier)


def console_lookup(*, actor, key: str, identifier: str, as_on: datetime.date | None = None) -> LookupAnswer:
    """Ask one registry now, in this process: the body of the console task (and of scripts)."""
    require_console_user(actor)
    return _lookup(actor=actor, key=key, identifier=identifier, as_on=as_on)


def _lookup(*, actor, key: str, identifier: str, as_on: datetime.date | None) -> LookupAnswer:
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
        return LookupAnswer("error", UNEXPECTED_ERROR)
    data = to_plain(answer)
    return LookupAnswer("ok", "", "", tuple(flatten(data)), data)


UNEXPECTED_ERROR = "Απρόβλεπτο σφάλμα στον πελάτη του μητρώου· καταγράφηκε για διερεύνηση."
# The registry gave an answer (data or a refusal with its code): the lookup is done. Anything
# else (down, not built, our own bug) ends the lookup as FAILED, keeping the Greek message shown.
_ANSWERED = {"ok", "refused"}
# A worker holds a claimed lookup this long; longer than any client's retries, shorter than the
# outbox sweep's age, so a crashed worker's lookup is picked up again by the sweep.
_CLAIM_SECONDS = 120


def _enqueue(lookup_id: int) -> None:
    from .tasks import run_console_lookup

    try:
        run_console_lookup.delay(lookup_id)
    except Exception:
        # Broker down: the row stays PENDING and the outbox sweep enqueues it again.
        logger.warning("could not enqueue console lookup %s; the outbox sweep will retry", lookup_id)


def console_lookup_request(
    *, actor, key: str, identifier: str, as_on: datetime.date | None = None
) -> ConsoleLookupRow:
    """Record a registry lookup to be made by the worker; nothing is called inside the request."""
    require_console_user(actor)
    try:
        entry, value = lookup_params_clean(key, identifier)
    except ValidationError as exc:
        field = "registry" if key not in LOOKUPS_BY_KEY else "identifier"
        raise ValidationFailed(exc.messages[0], fields={field: exc.messages[0]}) from None
    with transaction.atomic():
        row = ConsoleLookupRow.objects.create(
            kind=ConsoleLookupRow.Kind.LOOKUP,
            requested_by=actor,
            registry=entry.key,
            identifier=value,
            as_on=as_on if entry.with_date else None,
        )
        # Who looked up whom in which registry is itself worth keeping (ΑΜΚΑ are personal data).
        audit.record(
            actor=actor,
            action="interop.console_lookup.requested",
            obj=row,
            after={"registry": entry.key, "identifier": value, "as_on": row.as_on},
        )
        transaction.on_commit(lambda: _enqueue(row.pk))
    return row


def business_check_request(*, actor, business: Business) -> ConsoleLookupRow:
    """Record a ΓΕΜΗ/de minimis check of `business` to be made by the worker."""
    require_console_user(actor)
    with transaction.atomic():
        row = ConsoleLookupRow.objects.create(
            kind=ConsoleLookupRow.Kind.BUSINESS_CHECK,
            requested_by=actor,
            identifier=business.afm,
            business=business,
        )
        audit.record(
            actor=actor,
            action="interop.business_check.requested",
            obj=row,
            after={"business": business.pk, "afm": business.afm},
        )
        transaction.on_commit(lambda: _enqueue(row.pk))
    return row


def console_lookup_run(*, lookup_id: int) -> str:
    """Make the registry calls of one PENDING console lookup and store the answer; returns its state.

    Safe to run twice: a finished lookup is never run again and a claimed one is left to the
    worker holding it. No exception escapes: a failure is stored as FAILED with a Greek message.
    """
    now = timezone.now()
    claimed = (
        ConsoleLookupRow.objects.filter(pk=lookup_id, state=ConsoleLookupRow.State.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + datetime.timedelta(seconds=_CLAIM_SECONDS))
    )
    row = ConsoleLookupRow.objects.select_related("requested_by", "business").filter(pk=lookup_id).first()
    if row is None:
        return "missing"
    if not claimed:
        return row.state
    try:
        if row.kind == ConsoleLookupRow.Kind.BUSINESS_CHECK:
            result = {"checks": _business_checks(row.business)}
            failed = any(check["status"] == "error" for check in result["checks"])
        else:
            answer = _lookup(
                actor=row.requested_by, key=row.registry, identifier=row.identifier, as_on=row.as_on
            )
            result = {
                "status": answer.status,
                "message": answer.message,
                "code": answer.code,
                "data": answer.data,
            }
            failed = answer.status not in _ANSWERED
    except Exception:  # the task must end the lookup, whatever broke under it
        logger.exception("console lookup %s failed", lookup_id)
        result = {"status": "error", "message": UNEXPECTED_ERROR, "code": "", "data": None, "checks": []}
        failed = True
    state = ConsoleLookupRow.State.FAILED if failed else ConsoleLookupRow.State.DONE
    ConsoleLookupRow.objects.filter(pk=lookup_id, state=ConsoleLookupRow.State.PENDING).update(
        state=state, result=result, finished_at=timezone.now(), claimed_until=None
    )
    return state


def console_lookup_get_for_user(*, user, pk: int) -> ConsoleLookupRow:
    """A console lookup for the user who asked or any console user; to anyone else a 404."""
    row = ConsoleLookupRow.objects.select_related("business").filter(pk=pk).first()
    if row is None or not getattr(user, "is_authenticated", False):
        raise Http404
    if row.requested_by_id != user.pk and not can_use_console(user):
        raise Http404
    return row


def latest_business_check(business: Business) -> ConsoleLookupRow | None:
    return (
        ConsoleLookupRow.objects.filter(kind=ConsoleLookupRow.Kind.BUSINESS_CHECK, business=business)
        .order_by("-id")
        .first()
    )


def lookup_answer(row: ConsoleLookupRow) -> LookupAnswer | None:
    """The stored answer of a finished lookup, shaped as the result partial shows it."""
    if row.is_pending or not row.result:
        return None
    data = row.result.get("data")
    status = row.result.get("status", "error")
    rows = tuple(flatten(data)) if status == "ok" else ()
    return LookupAnswer(status, row.result.get("message", ""), row.result.get("code", ""), rows, data)


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


# -- sandbox ΠΣΣΕΗΣ: another authority's grant ------------------------------------------------
SANDBOX_GRANT_REGULATIONS = (
    ("2023/2831", "Καν. (ΕΕ) 2023/2831 — γενικός de minimis"),
    ("2023/2832", "Καν. (ΕΕ) 2023/2832 — ΥΓΟΣ (SGEI)"),
    ("1408/2013", "Καν. (ΕΕ) 1408/2013 — γεωργία"),
    ("717/2014", "Καν. (ΕΕ) 717/2014 — αλιεία"),
    ("1407/2013", "Καν. (ΕΕ) 1407/2013 — γενικός (προηγούμενος)"),
)


def sandbox_deminimis_grant(
    *,
    actor,
    afm: str,
    regulation: str,
    amount,
    grant_date: datetime.date,
    granting_authority: str,
):
    """Register in the ΠΣΣΕΗΣ *sandbox* a de minimis grant by another authority (the demo of ΚΥΑ
    7066 Art. 7.2: aid registered after a business submitted counts at the re-check before approval).

    Sandbox-only and programme administrators only; goes through the real client, audited.
    """
    import uuid

    from django.conf import settings

    from .deminimis import DeminimisClient

    require_console_user(actor)
    if not actor.has_role(Role.PROGRAMME_ADMIN):
        raise PermissionDenied(
            "Μόνο ο διαχειριστής προγράμματος καταχωρίζει ενισχύσεις στο δοκιμαστικό ΠΣΣΕΗΣ."
        )
    if not settings.SANDBOXES_ENABLED:
        raise PermissionDenied("Τα δοκιμαστικά μητρώα είναι απενεργοποιημένα σε αυτό το περιβάλλον.")
    reference = f"console:{uuid.uuid4()}"
    registered = DeminimisClient().register_grant(
        external_reference=reference,
        measure_code="ΔΟΚΙΜΗ-ΚΟΝΣΟΛΑ",
        regulation=regulation,
        beneficiary_afm=afm,
        granting_authority=granting_authority,
        grant_date=grant_date,
        nominal_amount=amount,
        gge_amount=amount,
    )
    with transaction.atomic():  # the register's answer is in hand; the event records it
        audit.record(
            actor=actor,
            action="interop.sandbox.deminimis_grant_registered",
            after={
                "afm": afm,
                "regulation": regulation,
                "amount": str(amount),
                "grant_date": grant_date.isoformat(),
                "granting_authority": granting_authority,
                "registry_id": registered.registry_id,
                "external_reference": reference,
            },
            reason="Δοκιμαστικό ΠΣΣΕΗΣ: ενίσχυση άλλης αρχής",
        )
    return registered


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
    """Ask ΓΕΜΗ and the de minimis register about `business` now (the body of the console task);
    a registry that is down leaves a RegistryWait that the beat task resolves when it is back."""
    require_console_user(actor)
    return [
        (label, _business_check(business, registry, operation, call))
        for registry, operation, call, label in BUSINESS_CHECKS
    ]


def _business_check(business: Business, registry: str, operation: str, call: str) -> CheckOutcome:
    params = {"afm": business.afm}
    if registry == "deminimis":
        params["as_on"] = timezone.localdate().isoformat()
    return run_registry_check(
        obj=business,
        registry=registry,
        operation=operation,
        call=call,
        params=params,
        on_result="interop.store_only",
    )


def _business_checks(business: Business) -> list[dict]:
    """Each registry's outcome as JSON for the console row; one registry's bug spares the other."""
    checks = []
    for registry, operation, call, label in BUSINESS_CHECKS:
        try:
            outcome = _business_check(business, registry, operation, call)
        except Exception:
            logger.exception("business registry check %s for business %s failed", registry, business.pk)
            checks.append(
                {"registry": registry, "label": label, "status": "error", "message": UNEXPECTED_ERROR}
            )
            continue
        message = outcome.message
        if outcome.status == "refused" and outcome.result is not None:
            message = outcome.result.data.get("message", "")
        checks.append(
            {
                "registry": registry,
                "label": label,
                "status": outcome.status,
                "message": message,
                "wait_id": outcome.wait.pk if outcome.wait is not None else None,
            }
        )
    return checks


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

    def clean(self):
        # Checked here, in the request, so a mistyped ΑΦΜ is answered at once and never queued.
        data = super().clean()
        if data.get("registry") and data.get("identifier"):
            try:
                _, data["identifier"] = lookup_params_clean(data["registry"], data["identifier"])
            except ValidationError as exc:
                self.add_error("identifier", exc.messages[0])
        return data


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


class SandboxGrantForm(forms.Form):
    afm = forms.CharField(label="ΑΦΜ δικαιούχου", max_length=12)
    regulation = forms.ChoiceField(label="Κανονισμός de minimis", choices=SANDBOX_GRANT_REGULATIONS)
    amount = forms.CharField(
        label="Ποσό (ΑΙΕ)", max_length=20, help_text="Σε ευρώ, π.χ. «45.000» ή «45.000,00»."
    )
    grant_date = forms.DateField(
        label="Ημερομηνία χορήγησης", widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    granting_authority = forms.CharField(
        label="Χορηγούσα αρχή", max_length=200, initial="Περιφέρεια Δυτικής Μακεδονίας"
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = "govgr-select" if name == "regulation" else "govgr-input"
            field.widget.attrs.setdefault("class", css)

    def clean_afm(self):
        value = normalise_afm(self.cleaned_data["afm"])
        try:
            validate_afm(value)
        except ValidationError as exc:
            raise ValidationError(exc.messages[0]) from exc
        return value

    def clean_amount(self):
        from opske.money import AmountError, parse_stored_amount

        try:
            amount = parse_stored_amount(self.cleaned_data["amount"])
        except AmountError as exc:
            raise ValidationError(f"Δώστε θετικό ποσό σε ευρώ: {exc.message}") from exc
        if amount <= 0:
            raise ValidationError("Δώστε θετικό ποσό σε ευρώ με έως δύο δεκαδικά (π.χ. «45.000,00»).")
        return amount

    def clean_grant_date(self):
        value = self.cleaned_data.get("grant_date") or timezone.localdate()
        if value > timezone.localdate():
            raise ValidationError("Η ημερομηνία χορήγησης δεν μπορεί να είναι μελλοντική.")
        return value


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
