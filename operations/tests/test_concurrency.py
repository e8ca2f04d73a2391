"""Major modification requests filed at once (PostgreSQL): the operation row lock serialises them,
so «only when no other request is in progress» (Πρόσκληση 004 §12.3) holds — one is filed, the
others are refused with the clear message, and the request numbers never repeat."""

import threading

import pytest
from django.db import connection, connections

from operations import services
from operations.models import Modification
from operations.tests.factories import call004_operation, coordinator_of
from opske.errors import Conflict

pytestmark = pytest.mark.django_db(transaction=True)
N = 6


def test_concurrent_major_requests_file_exactly_one():
    if connection.vendor != "postgresql":
        pytest.skip("Η δοκιμή ταυτοχρονισμού χρειάζεται PostgreSQL.")
    op = call004_operation()
    coordinator = coordinator_of(op.business)
    barrier = threading.Barrier(N, timeout=30)
    refused: list[Conflict] = []
    errors: list[BaseException] = []

    def file(n):
        try:
            barrier.wait()
            services.modification_file(
                actor=coordinator, operation_id=op.pk, type_code="04", reason=f"Αίτημα {n}"
            )
        except Conflict as exc:
            refused.append(exc)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=file, args=(n,)) for n in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert not errors, errors
    assert Modification.objects.filter(operation=op).count() == 1
    assert len(refused) == N - 1 and all(e.code == "modification_action_open" for e in refused)
