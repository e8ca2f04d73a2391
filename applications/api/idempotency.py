"""Idempotency-Key for API writes: a retried request gets the first answer, never a second effect.

The key's row is inserted first, in the same transaction as the write; a concurrent request with
the same key blocks on the unique index until the first commits, then replays its stored answer.
The answer stored is whatever the first request got, an error included ({"code","message","fields"}).
"""

from __future__ import annotations

import hashlib
import json

from django.db import connection, transaction
from django.utils import timezone
from rest_framework.response import Response

from applications.models import IdempotencyRecord
from opske.db import owned_transaction, retry_transient
from opske.errors import ApplicationError, Conflict, ValidationFailed
from opske.rawrows import execute_hot

HEADER = "HTTP_IDEMPOTENCY_KEY"


def _fingerprint(request, scope: str) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str) if request.data else ""
    return hashlib.sha256(f"{request.method}|{scope}|{body}".encode()).hexdigest()


def _run(fn) -> tuple[int, dict]:
    """`fn()`, or the answer to the ApplicationError it raised (without a key: nothing is stored)."""
    try:
        status, body = fn()
    except ApplicationError as exc:
        return exc.http_status, exc.as_dict()
    return status, body


def idempotent(request, scope: str, fn) -> Response:
    """Run `fn() -> (status, body)` once per (user, Idempotency-Key); replay it on retries."""
    key = (request.META.get(HEADER) or "").strip()
    if not key:
        status, body = retry_transient(lambda: _run(fn))
        return Response(body, status=status)
    if len(key) > 200:
        raise ValidationFailed("Το Idempotency-Key είναι έως 200 χαρακτήρες.", code="idempotency_key_invalid")
    fingerprint = _fingerprint(request, scope)

    def store(record_id: int, status: int, body: dict) -> tuple[int, dict]:
        with connection.cursor() as cursor:
            execute_hot(
                cursor,
                "opske_idempotency_answer",
                _ANSWER_SQL,
                [status, json.dumps(body, default=str), record_id],
            )
        return status, body

    def attempt() -> tuple[int, dict] | None:
        # The key's claim and the write in one transaction, with no savepoint between them: a
        # refusal rolls back all of it (claim included) and is then stored as the key's answer in a
        # transaction of its own.
        try:
            with owned_transaction():
                record_id = _claim(request.user.pk, key, scope, fingerprint)
                if record_id is None:
                    return None
                return store(record_id, *fn())
        except ApplicationError as exc:
            refused = exc
        with transaction.atomic():
            record_id = _claim(request.user.pk, key, scope, fingerprint)
            if record_id is None:  # a retry with the same key got there in between: replay its answer
                return None
            return store(record_id, refused.http_status, refused.as_dict())

    answer = retry_transient(attempt)  # a deadlock victim runs again, key claim included
    if answer is not None:
        return Response(answer[1], status=answer[0])
    # The key was taken: its first request has committed (the INSERT waited for it) or is running.
    record = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
    if record is None or record.status_code is None:
        raise Conflict(
            "Το ίδιο αίτημα εκτελείται ήδη· δοκιμάστε ξανά σε λίγο.", code="idempotency_in_progress"
        )
    if record.fingerprint != fingerprint:
        raise ValidationFailed(
            "Το Idempotency-Key χρησιμοποιήθηκε ήδη για διαφορετικό αίτημα.",
            code="idempotency_key_reused",
        )
    response = Response(record.body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


# Raw SQL on purpose: every API write passes here, and under a surge the ORM's compilation of
# these two statements cost more than running them. The same on PostgreSQL and SQLite (≥ 3.35).
_CLAIM_SQL = """
INSERT INTO applications_idempotencyrecord (user_id, key, scope, fingerprint, created_at)
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (user_id, key) DO NOTHING
RETURNING id
"""
_ANSWER_SQL = "UPDATE applications_idempotencyrecord SET status_code = %s, body = %s WHERE id = %s"


def _claim(user_id: int, key: str, scope: str, fingerprint: str) -> int | None:
    """Insert the key's row; its id, or None when the (user, key) pair exists already. A concurrent
    first request holding the same key makes this wait until it commits or rolls back."""
    with connection.cursor() as cursor:
        execute_hot(
            cursor, "opske_idempotency_claim", _CLAIM_SQL, [user_id, key, scope, fingerprint, timezone.now()]
        )
        row = cursor.fetchone()
    return row[0] if row else None


def idempotency_records_purge(*, older_than_days: float | None = None) -> int:
    """Delete the stored answers older than API_IDEMPOTENCY_DAYS (a retry comes within minutes; the
    audit trail, not this table, is the record of what was done). Returns how many went."""
    from datetime import timedelta

    from django.conf import settings

    days = settings.API_IDEMPOTENCY_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
