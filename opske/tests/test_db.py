"""opske.db: a transaction PostgreSQL aborted for a transient conflict is run again, nothing else."""

import pytest
from django.db import OperationalError

from opske.db import retry_transient
from opske.errors import Busy


def test_only_transient_conflicts_outside_a_transaction_are_tried_again():
    class Driver(Exception):
        pgcode = "40P01"

    def deadlocked():
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("deadlock detected") from Driver()
        return "done"

    def broken():
        raise OperationalError("connection refused")

    calls: list[int] = []
    assert retry_transient(deadlocked) == "done" and len(calls) == 3
    with pytest.raises(OperationalError):
        retry_transient(broken)


def test_a_conflict_that_outlasts_its_attempts_is_a_503_to_try_again_not_a_crash():
    class Driver(Exception):
        pgcode = "40001"

    def always_aborted():
        raise OperationalError("could not serialize access") from Driver()

    with pytest.raises(Busy) as exc:
        retry_transient(always_aborted)

    assert exc.value.http_status == 503 and exc.value.as_dict()["code"] == "busy_try_again"
