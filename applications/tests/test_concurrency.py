"""FCFS under concurrency (PostgreSQL): N threads submit at once against a pool for fewer.

Checks the invariants of STYLE.md practice 7: priority sequence == commit order, no pool
over-committed, no duplicate protocol numbers, every application either reserved or a reserve.
"""

import itertools
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from applications import services
from applications.models import Application
from applications.tests.factories import POSITION_KOZANI, complete_business_draft, member
from calls.models import BudgetPool
from opske.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)
N = 12
FUNDED = 5
LIGNITIS = "804773470"


def test_concurrent_submissions_get_commit_ordered_priority_and_never_overcommit(postgres_only, kya7066):
    BudgetPool.objects.filter(call=kya7066, code="wm").update(amount=Decimal("14220.00") * FUNDED)
    user = member(LIGNITIS)
    drafts = [
        complete_business_draft(user, kya7066, afm=LIGNITIS, positions=[POSITION_KOZANI]) for _ in range(N)
    ]
    barrier = threading.Barrier(N, timeout=30)
    errors: list[BaseException] = []

    def submit(app_id):
        try:
            barrier.wait()
            services.application_submit(actor=user, application_id=app_id)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(d.pk,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert not errors, errors
    apps = list(Application.objects.filter(call=kya7066).order_by("priority_seq"))
    assert [a.priority_seq for a in apps] == list(range(1, N + 1))
    assert len({a.protocol_number for a in apps}) == N
    # Timestamps strictly increase with priority: the sequence is the order of the clock.
    assert all(a.submitted_at < b.submitted_at for a, b in itertools.pairwise(apps))
    # Commit order: the audit chain is appended under its own lock inside each submission's
    # transaction, so its order is the order in which the submissions committed.
    audit_order = list(
        AuditEvent.objects.filter(
            action__startswith="application.submitted", object_id__in=[str(a.pk) for a in apps]
        )
        .order_by("seq")
        .values_list("object_id", flat=True)
    )
    assert audit_order == [str(a.pk) for a in apps]
    pool = BudgetPool.objects.get(call=kya7066, code="wm")
    assert pool.reserved == Decimal("14220.00") * FUNDED <= pool.amount
    assert [a.status for a in apps] == [Application.Status.SUBMITTED] * FUNDED + [
        Application.Status.RESERVE
    ] * (N - FUNDED)
    assert connection.vendor == "postgresql"
