"""Budget pools: reserve / release / commit are race-free conditional UPDATEs."""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, transaction

from calls import services
from calls.models import BudgetPool
from calls.tests.factories import CallFactory
from opske.errors import Conflict, ValidationFailed


@pytest.mark.django_db
def test_reserve_commit_and_release_move_money_between_counters():
    pool = CallFactory(total_budget=Decimal("1000.00")).pools.get()

    services.pool_reserve(pool_id=pool.pk, amount="600.00")
    services.pool_commit(pool_id=pool.pk, amount="400.00")
    services.pool_release(pool_id=pool.pk, amount="200.00")

    pool.refresh_from_db()
    assert (pool.reserved, pool.committed, pool.remaining) == (
        Decimal("0.00"),
        Decimal("400.00"),
        Decimal("600.00"),
    )


@pytest.mark.django_db
def test_reservation_beyond_the_remaining_budget_is_refused_and_changes_nothing():
    pool = CallFactory(total_budget=Decimal("1000.00")).pools.get()
    services.pool_reserve(pool_id=pool.pk, amount="999.99")

    with pytest.raises(Conflict) as err:
        services.pool_reserve(pool_id=pool.pk, amount="0.02")

    assert err.value.code == "pool_exhausted"
    pool.refresh_from_db()
    assert pool.reserved == Decimal("999.99")


@pytest.mark.django_db
def test_release_or_commit_more_than_reserved_is_refused():
    pool = CallFactory(total_budget=Decimal("1000.00")).pools.get()
    services.pool_reserve(pool_id=pool.pk, amount="100")

    with pytest.raises(Conflict):
        services.pool_release(pool_id=pool.pk, amount="100.01")
    with pytest.raises(Conflict):
        services.pool_commit(pool_id=pool.pk, amount="150")


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["0", "-5", "abc"])
def test_non_positive_or_garbage_amounts_are_refused(amount):
    pool = CallFactory().pools.get()

    with pytest.raises(ValidationFailed):
        services.pool_reserve(pool_id=pool.pk, amount=amount)


@pytest.mark.django_db(transaction=True)
def test_concurrent_reservations_never_overcommit_the_pool(postgres_only):
    # Given a pool of €10,500 and 24 threads each asking for €1,000 at the same moment
    pool = CallFactory(total_budget=Decimal("10500.00")).pools.get()
    barrier = threading.Barrier(24)
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker():
        close_old_connections()
        try:
            barrier.wait()
            with transaction.atomic():
                services.pool_reserve(pool_id=pool.pk, amount="1000.00")
            result = "ok"
        except Conflict:
            result = "refused"
        finally:
            close_old_connections()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=worker) for _ in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # Then exactly ten succeed and the pool never holds more than its amount
    pool = BudgetPool.objects.get(pk=pool.pk)
    assert outcomes.count("ok") == 10
    assert outcomes.count("refused") == 14
    assert pool.reserved == Decimal("10000.00")
    assert pool.reserved + pool.committed <= pool.amount


@pytest.mark.django_db(transaction=True)
def test_concurrent_commits_and_reservations_keep_the_invariant(postgres_only):
    pool = CallFactory(total_budget=Decimal("5000.00")).pools.get()
    services.pool_reserve(pool_id=pool.pk, amount="3000.00")
    barrier = threading.Barrier(12)

    def committer():
        close_old_connections()
        try:
            barrier.wait()
            services.pool_commit(pool_id=pool.pk, amount="500.00")
        except Conflict:
            pass
        finally:
            close_old_connections()

    def reserver():
        close_old_connections()
        try:
            barrier.wait()
            services.pool_reserve(pool_id=pool.pk, amount="500.00")
        except Conflict:
            pass
        finally:
            close_old_connections()

    threads = [threading.Thread(target=committer) for _ in range(6)] + [
        threading.Thread(target=reserver) for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    pool = BudgetPool.objects.get(pk=pool.pk)
    assert pool.committed == Decimal("3000.00")
    assert pool.reserved == Decimal("2000.00")
    assert pool.reserved + pool.committed <= pool.amount
