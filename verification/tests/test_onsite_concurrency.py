"""The α/α ελέγχου under concurrency (PostgreSQL, STYLE.md practice 7): visits recorded at the same
moment get distinct, gapless serials, taken under one lock per year."""

import threading

import pytest
from django.db import connections
from django.utils import timezone

from applications.tests.factories import load_world, seeded_call
from calls import seeds
from verification import services
from verification.models import OnSiteVerification
from verification.tests import factories_onsite as f

pytestmark = pytest.mark.django_db(transaction=True)
N = 6


def test_concurrent_visits_get_distinct_gapless_serials():
    load_world()
    call = seeded_call(seeds.kya7066)
    verifier = f.staff(f.VERIFIER)
    ops = [f.operation(call) for _ in range(N)]
    day = timezone.localdate()
    barrier = threading.Barrier(N, timeout=30)
    errors: list[BaseException] = []

    def record(op):
        try:
            barrier.wait()
            services.onsite_visit_record(
                actor=verifier,
                operation=op,
                semester="2026-H2",
                started_on=day,
                ended_on=day,
                object_text="Υποέργο 1",
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record, args=(op,)) for op in ops]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    serials = sorted(OnSiteVerification.objects.values_list("serial", flat=True))
    assert serials == [f"ΕΠΕ-{day.year}-{n:04d}" for n in range(1, N + 1)]
