"""Hash-chained, append-only audit events (STYLE.md practices 3 and 7).

Services call `record()` in the same transaction as the change they audit; if the change rolls
back, so does its event. The chain head row is locked while an event is appended, so the chain is
extended in commit order even under concurrent writers.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

from opske.middleware import current_request_id
from opske.models import AuditChainHead, AuditEvent
from opske.rawrows import execute_prepared, numbered


def _normalise(value):
    """The JSON form the value will have once stored, so the hash is computed on what is kept."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def compute_hash(event: AuditEvent) -> str:
    payload = {
        "seq": event.seq,
        "prev": event.prev_hash,
        "at": event.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "ct": event.content_type_id,
        "oid": event.object_id,
        "repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
        "rid": event.request_id,
    }
    blob = json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder
    )
    return hmac.new(chain_key(), blob.encode("utf-8"), hashlib.sha256).hexdigest()


def chain_key() -> bytes:
    """The HMAC key of the chain (issue 11): `AUDIT_HMAC_KEY`, kept outside the database, so one who
    can write the database but not read the server's secrets cannot rewrite an event and its
    successors unnoticed. Unset, it is derived from SECRET_KEY (also outside the database). Changing
    it makes the existing chain unverifiable: rotate only with a new chain (README)."""
    key = getattr(settings, "AUDIT_HMAC_KEY", "") or ""
    if not key:
        key = "opske-audit-chain:" + settings.SECRET_KEY
    return hashlib.sha256(key.encode("utf-8")).digest()


def snapshot(obj, fields) -> dict:
    """Plain values of `fields` on `obj`, for the before/after of an event."""
    out = {}
    for name in fields:
        value = getattr(obj, name)
        if hasattr(value, "pk"):
            value = value.pk
        out[name] = value
    return _normalise(out)


def _actor_label(actor) -> str:
    if actor is None:
        return "σύστημα"
    if isinstance(actor, str):
        return actor
    full = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return f"{actor.get_username()} ({full})" if full else actor.get_username()


def last_seq() -> int:
    """The number of the chain's newest event (0 for an empty chain), read without a lock: the
    events are numbered 1, 2, … without gaps, so this is also how many there are."""
    return AuditChainHead.objects.filter(pk=1).values_list("last_seq", flat=True).first() or 0


def _locked_head() -> AuditChainHead:
    if connection.vendor == "postgresql":  # raw: every audited write of the portal passes here
        with connection.cursor() as cursor:
            execute_prepared(cursor, "opske_audit_head", HEAD_LOCK_SQL, [])
            row = cursor.fetchone()
        if row is not None:
            return AuditChainHead(pk=1, last_seq=row[0], last_hash=row[1])
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditChainHead.objects.bulk_create([AuditChainHead(pk=1)], ignore_conflicts=True)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def record(
    *,
    actor,
    action: str,
    obj=None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    request_id: str | None = None,
) -> AuditEvent:
    """Append one event. `actor` is a user, None (the system) or a label such as a task name."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record() must run inside the transaction of the change it records")
    head = _locked_head()
    event = new_event(
        head=(head.last_seq, head.last_hash),
        actor=actor,
        action=action,
        obj=obj,
        before=before,
        after=after,
        reason=reason,
        request_id=request_id,
    )
    if connection.vendor == "postgresql":
        _append_and_move_head(event)
    else:
        event.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
    return event


def new_event(
    *,
    head: tuple[int, str],
    actor,
    action: str,
    obj=None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    request_id: str | None = None,
) -> AuditEvent:
    """The next event after `head` (last seq, last hash, read under the head's row lock), hashed and
    not yet saved: `record()` appends it; a hot path may append it with its own writes
    (`append_parts`), having locked the head in its own statement (`HEAD_LOCK_SQL`)."""
    user = actor if actor is not None and hasattr(actor, "pk") and not isinstance(actor, str) else None
    event = AuditEvent(
        seq=head[0] + 1,
        created_at=timezone.now(),
        actor=user,
        actor_label=_actor_label(actor)[:200],
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        before=_normalise(before),
        after=_normalise(after),
        reason=reason or "",
        request_id=request_id if request_id is not None else current_request_id(),
        prev_hash=head[1],
    )
    event.hash = compute_hash(event)
    return event


# The chain head's row, locked; a statement of its own or a member of a larger one (PostgreSQL).
HEAD_LOCK_SQL = "SELECT last_seq, last_hash FROM opske_auditchainhead WHERE id = 1 FOR UPDATE"


@functools.cache
def _append_members() -> tuple[str, list]:
    meta = AuditEvent._meta
    quote = connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = (  # table and column names come from the models, values are parameters
        f"audit_appended AS (INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders}) "  # noqa: S608
        f"RETURNING {quote(meta.pk.column)}), "
        f"audit_moved AS (UPDATE {quote(AuditChainHead._meta.db_table)} SET last_seq = %s, last_hash = %s "
        "WHERE id = 1 RETURNING id)"
    )
    return sql, fields


def append_members() -> str:
    """The SQL of `append_parts` alone (to build a statement once; its parameters per event)."""
    return _append_members()[0]


def append_parts(event: AuditEvent) -> tuple[str, list]:
    """Two members of a data-modifying WITH (`audit_appended`: INSERT of the event, returning its
    id; `audit_moved`: the head moved to it) and their parameters (`%s` placeholders). The head
    must already be locked in the same transaction."""
    sql, fields = _append_members()
    values = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields]
    return sql, [*values, event.seq, event.hash]


def appended(event: AuditEvent, pk) -> None:
    """Mark `event` saved as row `pk` (after a statement built with `append_parts` ran)."""
    if pk is None:
        raise RuntimeError("the audit chain head disappeared while an event was appended")
    event.pk = pk
    event._state.adding = False
    event._state.db = connection.alias


def _append_and_move_head(event: AuditEvent) -> None:
    """INSERT the event and move the head in one statement (a data-modifying CTE): one round trip
    fewer while the head's row lock is held, which serialises every audited change. Same rows as
    `save()` + `update()`; the head was locked above."""
    members, params = append_parts(event)
    sql = f"WITH {members} SELECT (SELECT id FROM audit_appended), (SELECT id FROM audit_moved)"  # noqa: S608
    with connection.cursor() as cursor:
        execute_prepared(cursor, "opske_audit_append", numbered(sql), params)
        row = cursor.fetchone()
    appended(event, row[0] if row and row[1] is not None else None)


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def verify_chain(batch_size: int = 2000) -> ChainBreak | None:
    """Walk the chain from the start; return the first broken link, or None if it is whole."""
    expected_prev = "0" * 64
    expected_seq = 1
    last_seq = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return ChainBreak(
                expected_seq, f"λείπει το συμβάν #{expected_seq} (επόμενο βρέθηκε #{event.seq})"
            )
        if event.prev_hash != expected_prev:
            return ChainBreak(event.seq, "το prev_hash δεν ταιριάζει με το hash του προηγούμενου συμβάντος")
        if compute_hash(event) != event.hash:
            return ChainBreak(event.seq, "το περιεχόμενο του συμβάντος άλλαξε μετά την καταγραφή")
        expected_prev = event.hash
        expected_seq += 1
        last_seq = event.seq
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq != last_seq:
        return ChainBreak(
            last_seq + 1, f"η κεφαλή δείχνει #{head.last_seq} αλλά το τελευταίο συμβάν είναι #{last_seq}"
        )
    return None
