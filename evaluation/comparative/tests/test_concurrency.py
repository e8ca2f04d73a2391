"""Two supervisors approving the same results at the same moment: one wins, nothing doubles."""

import threading

import pytest
from django.db import connection

from evaluation.comparative import services
from evaluation.comparative.models import RankingRun
from evaluation.comparative.tests.factories import (
    ClusterApplicationFactory,
    closed_call004,
    committee,
    committee_member,
    declare,
    score_fully,
    supervisor,
)
from evaluation.models import Decision
from opske.errors import Conflict


def run_at_once(funcs) -> tuple[list, list]:
    barrier = threading.Barrier(len(funcs))
    results, errors = [], []

    def worker(func):
        try:
            barrier.wait()
            results.append(func())
        except Exception as exc:  # the test reports whatever escaped
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f,)) for f in funcs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_two_supervisors_approving_at_once_approve_once():
    if connection.vendor != "postgresql":
        pytest.skip("Η δοκιμή ταυτοχρονισμού χρειάζεται PostgreSQL.")
    call = closed_call004()
    first, second, chair = supervisor(), supervisor(), committee_member(username="chair")
    committee(call, first, [chair])
    apps = [ClusterApplicationFactory(call=call) for _ in range(3)]
    for app in apps:
        declare(first, chair, app)
        score_fully(chair, app)
    run = services.ranking_compute(actor=chair, call_id=call.pk)
    services.opinion_record(actor=chair, run_id=run.pk, text="Εισήγηση έγκρισης των πινάκων.")

    results, errors = run_at_once(
        [lambda: services.ranking_approve(actor=first, run_id=run.pk),
         lambda: services.ranking_approve(actor=second, run_id=run.pk)]
    )  # fmt: skip

    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], Conflict)
    assert RankingRun.objects.get(pk=run.pk).state == "approved"
    assert Decision.objects.filter(application__call=call).count() == len(apps)
