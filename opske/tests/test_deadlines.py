import datetime
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from opske.deadlines import deadline_cancel, deadline_handler, deadline_schedule, sweep_due_deadlines
from opske.models import AuditEvent, Deadline, Notification
from opske.notifications import notify
from opske.tests.factories import UserFactory

FAILURES = {"left": 0}


@deadline_handler("test.objection_window_closed")
def _window_closed(deadline, obj):
    # Slow enough that two concurrent sweeps overlap while this one holds its claim.
    time.sleep(deadline.payload.get("sleep", 0))
    notify(
        recipients=[obj], subject="Η προθεσμία ενστάσεων έληξε", body="—", kind="test.window_closed", obj=obj
    )


@deadline_handler("test.flaky")
def _flaky(deadline, obj):
    notify(recipients=[obj], subject="πριν την αποτυχία", body="—", kind="test.flaky", obj=obj)
    if FAILURES["left"] > 0:
        FAILURES["left"] -= 1
        raise RuntimeError("το μητρώο δεν απάντησε")


def _ago(**kw):
    return timezone.now() - datetime.timedelta(**kw)


@pytest.mark.django_db
def test_a_deadline_missed_while_nothing_swept_fires_on_the_next_sweep():
    user = UserFactory()
    deadline = deadline_schedule(obj=user, kind="test.objection_window_closed", due_at=_ago(hours=5))

    fired = sweep_due_deadlines()

    deadline.refresh_from_db()
    assert fired == 1
    assert deadline.state == Deadline.State.FIRED and deadline.fired_at is not None
    assert Notification.objects.filter(recipient=user, kind="test.window_closed").count() == 1
    assert AuditEvent.objects.filter(action="deadline.fired", object_id=str(user.pk)).count() == 1
    assert sweep_due_deadlines() == 0
    assert Notification.objects.filter(recipient=user, kind="test.window_closed").count() == 1


@pytest.mark.django_db
def test_a_deadline_not_yet_due_or_cancelled_does_not_fire():
    user = UserFactory()
    later = deadline_schedule(
        obj=user, kind="test.objection_window_closed", due_at=timezone.now() + datetime.timedelta(days=1)
    )
    deadline_schedule(obj=user, kind="test.objection_window_closed", due_at=_ago(minutes=1))
    assert deadline_cancel(obj=user, kind="test.objection_window_closed", reason="η αίτηση αποσύρθηκε") == 2

    assert sweep_due_deadlines() == 0
    later.refresh_from_db()
    assert later.state == Deadline.State.CANCELLED
    assert not Notification.objects.filter(recipient=user).exists()


@pytest.mark.django_db
def test_a_date_deadline_is_due_at_the_end_of_that_day_in_athens():
    user = UserFactory()
    deadline = deadline_schedule(
        obj=user, kind="test.objection_window_closed", due_at=datetime.date(2025, 6, 12)
    )

    assert deadline.due_at == datetime.datetime(2025, 6, 12, 20, 59, 59, 999999, tzinfo=datetime.UTC)
    assert sweep_due_deadlines(now=datetime.datetime(2025, 6, 12, 20, 0, tzinfo=datetime.UTC)) == 0
    assert sweep_due_deadlines(now=datetime.datetime(2025, 6, 12, 21, 0, tzinfo=datetime.UTC)) == 1


@pytest.mark.django_db
def test_a_failing_handler_rolls_back_its_claim_and_is_retried_next_sweep():
    user = UserFactory()
    deadline = deadline_schedule(obj=user, kind="test.flaky", due_at=_ago(minutes=1))
    FAILURES["left"] = 1

    assert sweep_due_deadlines() == 0

    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.PENDING
    assert deadline.attempts == 1 and "το μητρώο δεν απάντησε" in deadline.last_error
    # The handler's own writes rolled back with the claim.
    assert not Notification.objects.filter(recipient=user).exists()

    assert sweep_due_deadlines() == 1
    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.FIRED and deadline.attempts == 2
    assert Notification.objects.filter(recipient=user, kind="test.flaky").count() == 1


@pytest.mark.django_db
def test_a_deadline_without_a_registered_handler_waits_with_the_reason():
    user = UserFactory()
    deadline = deadline_schedule(obj=user, kind="test.nobody_handles_this", due_at=_ago(minutes=1))

    assert sweep_due_deadlines() == 0

    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.PENDING
    assert "test.nobody_handles_this" in deadline.last_error


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_fire_each_deadline_exactly_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED need PostgreSQL")
    users = [UserFactory() for _ in range(4)]
    for user in users:
        deadline_schedule(
            obj=user, kind="test.objection_window_closed", due_at=_ago(minutes=1), payload={"sleep": 0.2}
        )
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            barrier.wait()
            results.append(sweep_due_deadlines())
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert errors == []
    assert sum(results) == 4
    assert all(n > 0 for n in results), "both sweeps should have shared the work"
    for user in users:
        assert Notification.objects.filter(recipient=user, kind="test.window_closed").count() == 1
    assert set(Deadline.objects.values_list("state", flat=True)) == {Deadline.State.FIRED}
    assert AuditEvent.objects.filter(action="deadline.fired").count() == 4
