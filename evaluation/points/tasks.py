"""Fetch the ΔΥΠΑ facts of every application of a round; safe to run twice (answers replace)."""

from __future__ import annotations

from celery import shared_task

from evaluation.points.models import PointsAssessment, PointsRound, RankingTable
from evaluation.points.registry_handlers import HANDLER, TABLE_PUBLISHED
from interop.waiting import run_registry_check


def fetch_assessment_facts(assessment: PointsAssessment) -> str:
    """One registry call as on the round's critical date; a register that is down leaves the
    assessment waiting («σε αναμονή μητρώου») and the retry beat delivers the answer later."""
    outcome = run_registry_check(
        obj=assessment,
        registry="dypa",
        operation="unemployment_status",
        call="applications.registry_handlers.fetch_dypa",
        params={"amka": assessment.application.amka, "as_on": assessment.round.critical_date.isoformat()},
        on_result=HANDLER,
    )
    return outcome.status


@shared_task(name="evaluation_points.fetch_round_facts", acks_late=True)
def fetch_round_facts(round_id: int) -> dict:
    rnd = PointsRound.objects.filter(pk=round_id, state=PointsRound.State.ASSESSING).first()
    if rnd is None:
        return {}
    outcomes: dict[str, int] = {}
    pending = rnd.assessments.filter(status=PointsAssessment.Status.PENDING).select_related(
        "application", "round"
    )
    for assessment in pending.iterator(chunk_size=200):
        status = fetch_assessment_facts(assessment)
        outcomes[status] = outcomes.get(status, 0) + 1
    return outcomes


@shared_task(name="evaluation_points.publish_table", acks_late=True)
def publish_table(table_id: int) -> str:
    """Diavgeia publication of a posted table; a register that is down leaves it waiting and
    the retry beat publishes it later. Safe twice: a published table is skipped."""
    table = RankingTable.objects.filter(pk=table_id, ada="").first()
    if table is None or table.pdf_id is None:
        return "skipped"
    outcome = run_registry_check(
        obj=table,
        registry="diavgeia",
        operation="publish",
        call="evaluation.points.registry_handlers.publish_table_to_diavgeia",
        params={"table_id": table.pk},
        on_result=TABLE_PUBLISHED,
    )
    return outcome.status
