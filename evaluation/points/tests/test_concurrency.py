"""Order-sensitive writes under real concurrent transactions (STYLE.md practice 7)."""

import datetime
import threading

import pytest
from django.db import connection

from evaluation.points import objections, services
from evaluation.points.models import Placement, RankingObjection
from evaluation.points.tasks import fetch_round_facts
from evaluation.points.tests.factories import PersonApplicationFactory, set_positions
from opske.calendar import ATHENS
from opske.deadlines import sweep_due_deadlines
from opske.errors import ApplicationError
from opske.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


def run_concurrently(*calls):
    """Start every call at the same moment, each in its own thread and database connection."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except ApplicationError as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.fixture
def round_with_final(call16936, admin_user):
    if connection.vendor != "postgresql":
        pytest.skip("Η δοκιμή ταυτοχρονισμού χρειάζεται PostgreSQL.")
    cast = {
        "15038580948": ["opekepe-athina"],
        "11077243449": ["opekepe-athina"],
        "05058029934": ["opekepe-athina"],
    }
    apps = {
        a: PersonApplicationFactory(call=call16936, amka=a, placement_preferences=p) for a, p in cast.items()
    }
    set_positions(call16936, {"opekepe-athina": {"ΔΕ": 2}})
    rnd = services.points_round_open(actor=admin_user, call_id=call16936.pk)
    fetch_round_facts(rnd.pk)
    services.provisional_tables_post(actor=admin_user, round_id=rnd.pk, posted_on=datetime.date(2026, 4, 9))
    return rnd, apps


def test_two_board_decisions_on_one_objection_only_one_counts(round_with_final, supervisor, admin_user):
    rnd, apps = round_with_final
    app = apps["05058029934"]
    objection = objections.objection_file(
        actor=app.applicant_user,
        application_id=app.pk,
        text="Λάθος εισόδημα.",
        now=datetime.datetime(2026, 4, 14, 10, tzinfo=ATHENS),
    )
    results = run_concurrently(
        lambda: objections.objection_decide(
            actor=supervisor, objection_id=objection.pk, accept=True, reasons="Αποδοχή."
        ),
        lambda: objections.objection_decide(
            actor=admin_user, objection_id=objection.pk, accept=False, reasons="Απόρριψη."
        ),
    )
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(refused) == 1 and refused[0].code == "objection_decided"
    objection.refresh_from_db()
    assert objection.state in (RankingObjection.State.ACCEPTED, RankingObjection.State.REJECTED)
    assert (
        AuditEvent.objects.filter(action="points.objection_decided", object_id=str(objection.pk)).count() == 1
    )


def test_two_replacements_at_once_never_give_one_candidate_two_positions(
    round_with_final, supervisor, admin_user
):
    rnd, apps = round_with_final
    sweep_due_deadlines(now=datetime.datetime(2026, 4, 17, 1, tzinfo=ATHENS))
    services.final_table_post(actor=admin_user, round_id=rnd.pk)
    first, second = services.placements_allocate(actor=admin_user, round_id=rnd.pk)
    for p in (first, second):
        services.placement_decline(actor=supervisor, placement_id=p.pk, reason="Δεν αποδέχθηκε.")
    # Two positions free in Athens, one runner-up (ΕΛΕΝΗ) left in the final table.
    results = run_concurrently(
        lambda: services.placement_replace(actor=supervisor, placement_id=first.pk),
        lambda: services.placement_replace(actor=admin_user, placement_id=second.pk),
    )
    filled = [r for r in results if isinstance(r, Placement)]
    assert len(filled) == 1 and filled[0].application_id == apps["05058029934"].pk
    assert results.count(None) == 1  # the other finds nobody left who listed Athens
    assert Placement.objects.filter(round=rnd, application=apps["05058029934"]).count() == 1
