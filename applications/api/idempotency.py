"""Idempotency-Key for API writes: a retried request gets the first answer, never a second effect.

The key's row is inserted first, in the same transaction as the write; a concurrent request with
the same key blocks on the unique index until the first commits, then replays its stored answer.
The answer stored is whatever the first request got, an error included ({"code","message","fields"}).
"""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError, transaction
from rest_framework.response import Response

from applications.models import IdempotencyRecord
from opske.errors import ApplicationError, Conflict, ValidationFailed

HEADER = "HTTP_IDEMPOTENCY_KEY"


def _fingerprint(request, scope: str) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str) if request.data else ""
    return hashlib.sha256(f"{request.method}|{scope}|{body}".encode()).hexdigest()


def _run(fn) -> tuple[int, dict]:
    # No savepoint of our own: a service that raises has already rolled back its own atomic block.
    try:
        status, body = fn()
    except ApplicationError as exc:
        return exc.http_status, exc.as_dict()
    return status, body


def idempotent(request, scope: str, fn) -> Response:
    """Run `fn() -> (status, body)` once per (user, Idempotency-Key); replay it on retries."""
    key = (request.META.get(HEADER) or "").strip()
    if not key:
        status, body = _run(fn)
        return Response(body, status=status)
    if len(key) > 200:
        raise ValidationFailed("Το Idempotency-Key είναι έως 200 χαρακτήρες.", code="idempotency_key_invalid")
    fingerprint = _fingerprint(request, scope)
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                user=request.user, key=key, scope=scope, fingerprint=fingerprint
            )
            status, body = _run(fn)
            record.status_code, record.body = status, json.loads(json.dumps(body, default=str))
            record.save(update_fields=["status_code", "body"])
    except IntegrityError:
        record = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
        if record is None or record.status_code is None:
            raise Conflict(
                "Το ίδιο αίτημα εκτελείται ήδη· δοκιμάστε ξανά σε λίγο.", code="idempotency_in_progress"
            ) from None
        if record.fingerprint != fingerprint:
            raise ValidationFailed(
                "Το Idempotency-Key χρησιμοποιήθηκε ήδη για διαφορετικό αίτημα.",
                code="idempotency_key_reused",
            ) from None
        response = Response(record.body, status=record.status_code)
        response["Idempotent-Replayed"] = "true"
        return response
    return Response(body, status=status)
