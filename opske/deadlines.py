"""Durable deadlines that fire exactly once.

A deadline is a row (`opske.models.Deadline`) written in the same transaction as the change that
creates it, so it exists exactly when that change exists. Nothing waits in the broker: the
`sweep_deadlines` beat task (or `manage.py tick`) runs `sweep_due_deadlines()` every minute and
fires every PENDING row whose `due_at` has passed. A deadline that fell due while the broker or
the worker was down fires on the next sweep.

Exactly once: each due row is claimed with a conditional UPDATE (PENDING -> FIRED only where it is
still PENDING) in the same transaction as its handler and its audit event. Two concurrent sweeps
cannot both claim it; if the handler fails, the transaction (claim included) rolls back and the row
stays PENDING with `attempts`/`last_error` recorded, to be retried on the next sweep.

Higher layers register handlers at app ready (no upward import from here)::

    @deadline_handler("objection_window_closed")
    def close_objection_window(deadline, obj): ...
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from opske.audit import record
from opske.calendar import end_of_day_athens
from opske.models import Deadline

logger = logging.getLogger(__name__)

DeadlineHandler = Callable[[Deadline, object], None]
_HANDLERS: dict[str, DeadlineHandler] = {}

SWEEPER_ACTOR = "σύστημα: προθεσμίες"


def deadline_handler(kind: str) -> Callable[[DeadlineHandler], DeadlineHandler]:
    """Register the function run when a deadline of `kind` falls due: `fn(deadline, obj)`.

    The handler runs inside the sweep's transaction: it must do its writes through services (which
    open nested atomic blocks) and schedule side effects with `transaction.on_commit`.
    """

    def register(fn: DeadlineHandler) -> DeadlineHandler:
        existing = _HANDLERS.get(kind)
        if existing is not None and existing.__qualname__ != fn.__qualname__:
            raise ValueError(f"deadline kind {kind!r} already has a handler: {existing.__qualname__}")
        _HANDLERS[kind] = fn
        return fn

    return register


def registered_handler(kind: str) -> DeadlineHandler | None:
    return _HANDLERS.get(kind)


def _as_due_at(due_at: datetime.date | datetime.datetime) -> datetime.datetime:
    # A bare date means "by the end of that day", Athens time (a deadline «έως και» that day).
    if isinstance(due_at, datetime.datetime):
        if timezone.is_naive(due_at):
            raise ValueError("due_at must be timezone-aware")
        return due_at
    return end_of_day_athens(due_at)


def deadline_schedule(
    *,
    obj,
    kind: str,
    due_at: datetime.date | datetime.datetime,
    payload: dict | None = None,
    calendar_kind: str = Deadline.CalendarKind.EXACT,
    actor=None,
) -> Deadline:
    """Record a deadline on `obj`; it fires once `due_at` has passed (a date means its end, Athens)."""
    with transaction.atomic():
        deadline = Deadline.objects.create(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            kind=kind,
            due_at=_as_due_at(due_at),
            calendar_kind=calendar_kind,
            payload=payload or {},
        )
        record(
            actor=actor,
            action="deadline.scheduled",
            obj=obj,
            after={"deadline": deadline.pk, "kind": kind, "due_at": deadline.due_at},
        )
    return deadline


def deadline_cancel(*, obj, kind: str | None = None, actor=None, reason: str = "") -> int:
    """Cancel the PENDING deadlines of `obj` (of one `kind`, or all). Returns how many."""
    with transaction.atomic():
        qs = Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            state=Deadline.State.PENDING,
        )
        if kind is not None:
            qs = qs.filter(kind=kind)
        ids = list(qs.values_list("pk", flat=True))
        if not ids:
            return 0
        count = Deadline.objects.filter(pk__in=ids, state=Deadline.State.PENDING).update(
            state=Deadline.State.CANCELLED
        )
        record(
            actor=actor,
            action="deadline.cancelled",
            obj=obj,
            before={"deadlines": ids, "state": Deadline.State.PENDING},
            after={"state": Deadline.State.CANCELLED, "kind": kind},
            reason=reason,
        )
    return count


def deadline_target(deadline: Deadline):
    """The object the deadline belongs to, or None if it no longer exists."""
    model = deadline.content_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=deadline.object_id).first()


def _next_due(now: datetime.datetime, skip: set[int]) -> Deadline | None:
    qs = Deadline.objects.filter(state=Deadline.State.PENDING, due_at__lte=now).exclude(pk__in=skip)
    if connection.features.has_select_for_update_skip_locked:
        # Rows another sweep is firing right now are skipped, not waited for.
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return qs.select_related("content_type").order_by("due_at", "pk").first()


def _fire(deadline: Deadline, fired_at: datetime.datetime) -> bool:
    """Claim and run one deadline inside the caller's transaction. False if another sweep won."""
    claimed = Deadline.objects.filter(pk=deadline.pk, state=Deadline.State.PENDING).update(
        state=Deadline.State.FIRED, fired_at=fired_at, attempts=F("attempts") + 1, last_error=""
    )
    if not claimed:
        return False
    handler = _HANDLERS.get(deadline.kind)
    if handler is None:
        raise LookupError(f"δεν έχει καταχωριστεί χειριστής για προθεσμία «{deadline.kind}»")
    target = deadline_target(deadline)
    handler(deadline, target)
    record(
        actor=SWEEPER_ACTOR,
        action="deadline.fired",
        obj=target if target is not None else deadline,
        before={"state": Deadline.State.PENDING},
        after={
            "deadline": deadline.pk,
            "kind": deadline.kind,
            "due_at": deadline.due_at,
            "state": Deadline.State.FIRED,
        },
    )
    return True


def sweep_due_deadlines(now: datetime.datetime | None = None) -> int:
    """Fire every PENDING deadline due by `now`; return how many this sweep fired.

    Each deadline gets its own transaction, so one failing handler neither blocks nor undoes the
    others. A failed one is skipped for the rest of this sweep and retried on the next.
    """
    now = now or timezone.now()
    fired = 0
    failed: set[int] = set()
    while True:
        deadline = None
        try:
            with transaction.atomic():
                deadline = _next_due(now, failed)
                if deadline is None:
                    break
                if _fire(deadline, timezone.now()):
                    fired += 1
        except Exception as exc:
            if deadline is None:
                raise
            # The claim rolled back with the handler; keep the row PENDING and say why.
            logger.exception("deadline %s (%s) failed", deadline.pk, deadline.kind)
            failed.add(deadline.pk)
            Deadline.objects.filter(pk=deadline.pk, state=Deadline.State.PENDING).update(
                attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
            )
    return fired


@deadline_handler("opske.reminder")
def send_reminder(deadline: Deadline, obj) -> None:
    """A generic reminder: payload {"recipients": [user ids], "subject", "body", "legal"?}.

    Lets any app schedule «υπενθύμιση λήξης προθεσμίας» without writing its own handler.
    """
    from django.contrib.auth import get_user_model

    from opske.notifications import notify

    payload = deadline.payload
    users = list(get_user_model().objects.filter(pk__in=payload.get("recipients", [])))
    notify(
        recipients=users,
        subject=payload.get("subject", "Υπενθύμιση προθεσμίας"),
        body=payload.get("body", ""),
        kind=payload.get("kind", "opske.reminder"),
        obj=obj,
        legal=bool(payload.get("legal", False)),
        actor=SWEEPER_ACTOR,
    )
