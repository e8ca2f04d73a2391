import datetime
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from opske.audit import record, verify_chain
from opske.models import AuditEvent


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(username="clerk", password="x" * 12)


def _record(actor, n):
    with transaction.atomic():
        return record(actor=actor, action="test.change", obj=actor, before={"n": n - 1}, after={"n": n})


@pytest.mark.django_db
def test_chain_of_recorded_events_verifies(staff_user):
    for n in range(1, 4):
        _record(staff_user, n)

    assert verify_chain() is None
    events = list(AuditEvent.objects.all())
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[1].prev_hash == events[0].hash
    call_command("audit_verify")


@pytest.mark.django_db
def test_tampering_with_one_row_is_detected_at_that_row(staff_user):
    for n in range(1, 5):
        _record(staff_user, n)
    with connection.cursor() as cur:
        cur.execute("UPDATE opske_auditevent SET after = %s WHERE seq = 3", ['{"n": 999}'])

    broken = verify_chain()

    assert broken is not None and broken.seq == 3
    with pytest.raises(CommandError, match="#3"):
        call_command("audit_verify")


@pytest.mark.django_db
def test_deleting_a_row_is_detected(staff_user):
    for n in range(1, 4):
        _record(staff_user, n)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM opske_auditevent WHERE seq = 2")

    assert verify_chain().seq == 2


@pytest.mark.django_db
def test_events_cannot_be_rewritten_through_the_orm(staff_user):
    event = _record(staff_user, 1)
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().update(reason="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_run_outside_a_transaction(staff_user):
    with pytest.raises(RuntimeError):
        record(actor=staff_user, action="test.change", obj=staff_user)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(django_user_model):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    user = django_user_model.objects.create_user(username="clerk2", password="x" * 12)
    barrier = threading.Barrier(6)
    errors = []

    def writer(i):
        try:
            barrier.wait()
            for n in range(5):
                _record(user, i * 100 + n)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert AuditEvent.objects.count() == 30
    assert verify_chain() is None


@pytest.mark.django_db
def test_a_writer_without_the_key_cannot_rewrite_the_chain_unnoticed(staff_user, settings):
    """Issue 11: one who can write the database rewrites event 2 and re-hashes it and every later
    event with plain SHA-256 (all a database writer can compute): the keyed chain still breaks."""
    import hashlib
    import hmac
    import json

    from opske.audit.chain import chain_key

    for n in range(1, 4):
        _record(staff_user, n)
    assert verify_chain() is None

    def forged_hash(event, key: bytes | None):
        """The event's canonical form, hashed as the forger can: with no key, a guess, or the key."""
        payload = {
            "seq": event.seq, "prev": event.prev_hash,
            "at": event.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
            "actor": event.actor_id, "actor_label": event.actor_label, "action": event.action,
            "ct": event.content_type_id, "oid": event.object_id, "repr": event.object_repr,
            "before": event.before, "after": event.after, "reason": event.reason, "rid": event.request_id,
        }  # fmt: skip
        data = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
        return hmac.new(key, data, hashlib.sha256).hexdigest() if key else hashlib.sha256(data).hexdigest()

    def rewrite(key):
        prev = AuditEvent.objects.get(seq=1).hash
        for event in AuditEvent.objects.filter(seq__gte=2).order_by("seq"):
            if event.seq == 2:
                event.after = {"n": 999}
            event.prev_hash = prev
            event.hash = forged_hash(event, key)
            with connection.cursor() as cur:
                cur.execute(
                    "UPDATE opske_auditevent SET after = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                    [json.dumps(event.after), event.prev_hash, event.hash, event.seq],
                )
            prev = event.hash
        with connection.cursor() as cur:
            cur.execute("UPDATE opske_auditchainhead SET last_hash = %s WHERE id = 1", [prev])

    rewrite(None)  # plain SHA-256: the forger does not have the key
    assert verify_chain().seq == 2
    rewrite(b"a guessed key")
    assert verify_chain().seq == 2
    rewrite(chain_key())  # only with the server's secret does a rewrite pass: it is the secret
    assert verify_chain() is None
    settings.AUDIT_HMAC_KEY = "another key"
    assert verify_chain().seq == 1  # a different key: nothing verifies
