"""Transient database conflicts: a transaction PostgreSQL aborted to break a deadlock (40P01) or a
serialisation failure (40001) is tried again, from the outermost transaction, a few times.

Locks are taken in one order portal-wide (application row, call counter, budget pool, audit chain
head), but a service may record its audit event before it touches a pool (an evaluation that
concludes after recording its result), so a deadlock stays possible; PostgreSQL detects it after
`deadlock_timeout` and aborts one side. Everything the aborted attempt wrote was rolled back and
its side effects wait for commit (STYLE.md practice 5), so running it again is safe.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time

from django.db import DatabaseError, connection, transaction

from opske.errors import Busy

logger = logging.getLogger(__name__)

TRANSIENT_PGCODES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure
ATTEMPTS = 3


def is_transient(exc: BaseException) -> bool:
    """Whether `exc` (Django's wrapper, or the driver's error beneath it) is a transient conflict."""
    return any(getattr(error, "pgcode", None) in TRANSIENT_PGCODES for error in (exc, exc.__cause__))


def retry_transient(fn, *, attempts: int = ATTEMPTS):
    """`fn()`, run again when PostgreSQL aborted it for a transient conflict. Only outside any
    transaction: inside one, the caller's transaction is the unit to retry, so it is re-raised.
    When every attempt was aborted the caller gets `Busy` (503, nothing saved), not a crash."""
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except DatabaseError as exc:
            if not is_transient(exc) or connection.in_atomic_block:
                raise
            if attempt == attempts:
                raise Busy() from exc
            logger.warning("transient database conflict (%s), attempt %s of %s", exc, attempt, attempts)
            time.sleep(0.01 * attempt)
    return None  # pragma: no cover - the loop returns or raises


# --- a transaction rolled back whole on any error ---------------------------------------------------

_OWNED = contextvars.ContextVar("opske_owned_transaction", default=False)


@contextlib.contextmanager
def owned_transaction():
    """A transaction whose owner rolls all of it back when anything inside raises, and handles the
    error itself (the Idempotency-Key wrapper stores a refusal as the key's answer in a fresh
    transaction). A service called inside it may then do without a savepoint of its own
    (`service_atomic`)."""
    with transaction.atomic():
        token = _OWNED.set(True)
        try:
            yield
        finally:
            _OWNED.reset(token)


def service_atomic():
    """`transaction.atomic()` for a service's own block. Directly inside an `owned_transaction` it
    takes no savepoint: an error marks the owner's transaction for rollback, which is what the owner
    does with it anyway; that saves two round trips per call (SAVEPOINT, RELEASE), the second one
    under the call's counter lock in a submission surge. Anywhere else it is the usual block, a
    savepoint when nested, so a caller that catches the service's error keeps its own transaction."""
    owned = _OWNED.get()
    if owned:
        _OWNED.set(False)  # only the outermost service block of the owner's transaction
    return transaction.atomic(savepoint=not owned)
