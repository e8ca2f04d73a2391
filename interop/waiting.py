"""«Σε αναμονή μητρώου»: a case whose registry check could not be made yet.

`run_registry_check()` makes a registry call for a case. Three things can happen:
- the registry answers: the answer goes to the owning app's handler at once;
- the registry refuses (unknown ΑΦΜ, bad data): that is an answer too, handed over the same way
  with its code;
- the registry is unavailable: a `RegistryWait` records it. For `INTEROP_WAITING_AFTER_SECONDS`
  the case shows as retrying; after that as waiting for the registry, with why and since when.
  `retry_registry_waits` (beat) repeats the call; when it succeeds the wait is resolved, the answer
  stored on it and the handler called in the same transaction. A supervisor may instead record a
  manual check (values looked up by other means, with a reason), which is audited.

Owning apps register handlers with `@registry_result_handler("<kind>")` in a module named
`registry_handlers.py` (found by autodiscovery) so nothing here imports the apps above.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules, import_string

from accounts.models import Role
from opske import audit
from opske.errors import Conflict, PermissionDenied, RegistryRefused, RegistryUnavailable, ValidationFailed

from .models import RegistryWait

logger = logging.getLogger(__name__)

# A claimed retry keeps other workers off the wait for this long while the call is in flight.
_CLAIM_SECONDS = 120
_MAX_BACKOFF_SECONDS = 900


@dataclass(frozen=True)
class RegistryResult:
    """What a handler receives: the registry's answer as plain JSON values, or its refusal."""

    registry: str
    operation: str
    status: str  # "ok" | "refused" | "manual"
    data: Any  # the parsed answer (ok), {"code", "message"} (refused), the checked values (manual)
    checked_at: datetime.datetime
    wait_id: int | None = None
    reason: str = ""  # the supervisor's reason for a manual check


@dataclass(frozen=True)
class CheckOutcome:
    status: str  # "ok" | "refused" | "retrying" | "waiting"
    result: RegistryResult | None
    wait: RegistryWait | None
    message: str = ""


Handler = Callable[[Any, RegistryResult], None]
_HANDLERS: dict[str, Handler] = {}
_discovered = False


def registry_result_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register `fn(obj, result)` to receive registry answers for checks started with `on_result=kind`."""

    def register(fn: Handler) -> Handler:
        _HANDLERS[kind] = fn
        return fn

    return register


def _handler(kind: str) -> Handler:
    global _discovered
    if kind not in _HANDLERS and not _discovered:
        autodiscover_modules("registry_handlers")
        _discovered = True
    try:
        return _HANDLERS[kind]
    except KeyError:
        raise LookupError(f"no registry result handler registered for {kind!r}") from None


def to_plain(value):
    """The JSON form of a registry answer (dataclasses, Decimal, dates), as stored on a wait."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def _backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), _MAX_BACKOFF_SECONDS))


def _deliver(*, obj, kind: str, result: RegistryResult) -> None:
    _handler(kind)(obj, result)


def run_registry_check(
    *, obj, registry: str, operation: str, call: str, params: dict, on_result: str
) -> CheckOutcome:
    """Make the registry call `call(**params)` for the case `obj` and deliver its answer.

    `params` must be JSON values (dates as ISO strings), because a retry replays them later.
    """
    _handler(on_result)  # fail loudly now, not in a beat task an hour later
    try:
        json.dumps(params)
    except TypeError as exc:
        raise ValidationFailed("Οι παράμετροι ελέγχου μητρώου πρέπει να είναι τιμές JSON.") from exc
    ct = ContentType.objects.get_for_model(obj)
    open_wait = RegistryWait.objects.filter(
        content_type=ct,
        object_id=str(obj.pk),
        registry=registry,
        operation=operation,
        status=RegistryWait.Status.OPEN,
    ).first()
    return _attempt(
        obj=obj,
        ct=ct,
        wait=open_wait,
        registry=registry,
        operation=operation,
        call=call,
        params=params,
        on_result=on_result,
    )


def _attempt(*, obj, ct, wait, registry, operation, call, params, on_result) -> CheckOutcome:
    fn = import_string(call)
    now = timezone.now()
    try:
        answer = fn(**params)
    except RegistryUnavailable as exc:
        return _record_failure(
            obj=obj, ct=ct, wait=wait, registry=registry, operation=operation, call=call,
            params=params, on_result=on_result, error=exc, now=now,
        )  # fmt: skip
    except RegistryRefused as exc:
        result = RegistryResult(
            registry, operation, "refused", {"code": exc.code, "message": exc.message}, now
        )
    else:
        result = RegistryResult(registry, operation, "ok", to_plain(answer), now)
    return _resolve(obj=obj, wait=wait, kind=on_result, result=result)


def _record_failure(
    *, obj, ct, wait, registry, operation, call, params, on_result, error, now
) -> CheckOutcome:
    with transaction.atomic():
        if wait is not None:
            wait = RegistryWait.objects.select_for_update().get(pk=wait.pk)
        if wait is None or not wait.is_open:
            wait, created = RegistryWait.objects.get_or_create(
                content_type=ct,
                object_id=str(obj.pk),
                registry=registry,
                operation=operation,
                status=RegistryWait.Status.OPEN,
                defaults={
                    "call_path": call,
                    "params": params,
                    "on_result": on_result,
                    "first_failed_at": now,
                    "last_attempt_at": now,
                    "next_attempt_at": now + _backoff(1),
                    "attempts": 1,
                    "last_error": error.message,
                    "last_error_code": error.code,
                },
            )
            if created:
                audit.record(
                    actor=None,
                    action="interop.registry_wait.opened",
                    obj=wait,
                    after=audit.snapshot(wait, ["registry", "operation", "last_error", "object_id"]),
                )
                return _waiting_outcome(wait)
            wait = RegistryWait.objects.select_for_update().get(pk=wait.pk)
        wait.attempts += 1
        wait.last_attempt_at = now
        wait.next_attempt_at = now + _backoff(wait.attempts)
        wait.last_error, wait.last_error_code = error.message, error.code
        wait.call_path, wait.params, wait.on_result = call, params, on_result
        wait.save()
    return _waiting_outcome(wait)


def _waiting_outcome(wait: RegistryWait) -> CheckOutcome:
    return CheckOutcome("waiting" if wait.is_waiting else "retrying", None, wait, wait.last_error)


def _resolve(*, obj, wait, kind: str, result: RegistryResult, actor=None) -> CheckOutcome:
    with transaction.atomic():
        if wait is not None:
            wait = RegistryWait.objects.select_for_update().get(pk=wait.pk)
            if not wait.is_open:
                # Someone (a concurrent retry, a supervisor) got there first; their answer stands.
                return CheckOutcome(wait.outcome, None, wait, "")
            before = audit.snapshot(wait, ["status", "outcome"])
            wait.status = RegistryWait.Status.RESOLVED
            wait.outcome = result.status
            wait.result = result.data
            wait.resolved_at = result.checked_at
            wait.last_attempt_at = result.checked_at
            wait.save()
            result = dataclasses.replace(result, wait_id=wait.pk)
        # The handler first (it locks its case's row, then appends to the audit chain), the wait's
        # own event after: the same lock order as every other write of that case, so a retry
        # resolving while the applicant autosaves cannot deadlock with it.
        _deliver(obj=obj, kind=kind, result=result)
        if wait is not None:
            audit.record(
                actor=actor,
                action="interop.registry_wait.resolved",
                obj=wait,
                before=before,
                after=audit.snapshot(wait, ["status", "outcome"]),
            )
    return CheckOutcome(result.status, result, wait, "")


def registry_wait_retry(*, wait_id: int) -> CheckOutcome | None:
    """Repeat the call of one open, due wait. Safe to run twice: a claimed wait is skipped."""
    now = timezone.now()
    claimed = RegistryWait.objects.filter(
        pk=wait_id, status=RegistryWait.Status.OPEN, next_attempt_at__lte=now
    ).update(next_attempt_at=now + datetime.timedelta(seconds=_CLAIM_SECONDS))
    if not claimed:
        return None
    wait = RegistryWait.objects.select_related("content_type").get(pk=wait_id)
    obj = wait.obj
    if obj is None:
        logger.warning("registry wait %s points at a deleted object; closing it", wait.pk)
        with transaction.atomic():
            RegistryWait.objects.filter(pk=wait.pk).update(
                status=RegistryWait.Status.RESOLVED, outcome="gone", resolved_at=now
            )
        return None
    return _attempt(
        obj=obj,
        ct=wait.content_type,
        wait=wait,
        registry=wait.registry,
        operation=wait.operation,
        call=wait.call_path,
        params=wait.params,
        on_result=wait.on_result,
    )


def registry_waits_retry_due() -> int:
    """Retry every open wait whose next attempt is due; returns how many were tried."""
    due = list(
        RegistryWait.objects.filter(status=RegistryWait.Status.OPEN, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:200]
    )
    tried = 0
    for pk in due:
        try:
            outcome = registry_wait_retry(wait_id=pk)
        except Exception:  # one broken handler must not hold up every other case's retry
            # The resolve transaction rolled back, so the wait is still open and is tried again
            # once its claim lapses.
            logger.exception("retrying registry wait %s failed", pk)
            continue
        if outcome is not None:
            tried += 1
    return tried


def registry_wait_record_manual(*, actor, wait: RegistryWait, reason: str, result: dict) -> RegistryWait:
    """A supervisor records the values checked by other means (e.g. the registry's own portal)."""
    if not getattr(actor, "is_authenticated", False) or not actor.has_role(Role.SUPERVISOR):
        raise PermissionDenied("Μόνο ο Προϊστάμενος μπορεί να καταχωρίσει χειροκίνητο έλεγχο μητρώου.")
    reason = (reason or "").strip()
    values = {str(k): v for k, v in (result or {}).items() if str(v).strip()}
    errors = {}
    if not reason:
        errors["reason"] = "Γράψτε γιατί ο έλεγχος έγινε χειροκίνητα."
    if not values:
        errors["result"] = "Καταχωρίστε τις τιμές που ελέγξατε."
    if errors:
        raise ValidationFailed("Ο χειροκίνητος έλεγχος δεν καταχωρίστηκε.", fields=errors)
    now = timezone.now()
    with transaction.atomic():
        locked = RegistryWait.objects.select_for_update().get(pk=wait.pk)
        if not locked.is_open:
            raise Conflict("Η αναμονή έχει ήδη κλείσει· το μητρώο ή άλλος χρήστης απάντησε πρώτος.")
        before = audit.snapshot(locked, ["status", "outcome", "result"])
        locked.status = RegistryWait.Status.MANUAL
        locked.outcome = "manual"
        locked.result = to_plain(values)
        locked.resolved_at = now
        locked.resolved_by = actor
        locked.manual_reason = reason
        locked.save()
        audit.record(
            actor=actor,
            action="interop.registry_wait.manual_check",
            obj=locked,
            before=before,
            after=audit.snapshot(locked, ["status", "outcome", "result"]),
            reason=reason,
        )
        result_obj = RegistryResult(
            locked.registry, locked.operation, "manual", locked.result, now, wait_id=locked.pk, reason=reason
        )
        _deliver(obj=locked.obj, kind=locked.on_result, result=result_obj)
    return locked


def open_waits_for(obj):
    """Open waits of one case, for the case's own page."""
    ct = ContentType.objects.get_for_model(obj)
    return RegistryWait.objects.filter(
        content_type=ct, object_id=str(obj.pk), status=RegistryWait.Status.OPEN
    )


def wait_payload(wait: RegistryWait) -> str:
    """The stored answer, pretty-printed for the console."""
    return json.dumps(wait.result, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)


@registry_result_handler("interop.store_only")
def _store_only(obj, result: RegistryResult) -> None:
    """For checks whose answer is only looked at (the registry console): it is kept on the wait
    and in the call log, and nothing else changes."""
    logger.info("registry %s.%s for %r: %s", result.registry, result.operation, obj, result.status)
