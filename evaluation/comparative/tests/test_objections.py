"""An accepted objection (§10.4) re-opens the score sheet; the new ranking amends only what changed."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from applications.models import Application
from evaluation import services as common
from evaluation.comparative import services
from evaluation.comparative.models import ComparativeScore
from evaluation.comparative.tests.factories import (
    HIGH,
    ClusterApplicationFactory,
    closed_call004,
    committee,
    committee_member,
    declare,
    score_fully,
    supervisor,
    yes_to_everything,
)
from evaluation.models import Decision
from opske.errors import Conflict

pytestmark = pytest.mark.django_db


def _notified(decision: Decision) -> Decision:
    """The decision as it stands once Διαύγεια gave its ΑΔΑ and the notice left (common framework)."""
    today = timezone.localdate()
    Decision.objects.filter(pk=decision.pk).update(
        state=Decision.State.NOTIFIED,
        notified_at=timezone.now(),
        objection_deadline=today + datetime.timedelta(days=10),
    )
    return Decision.objects.get(pk=decision.pk)


def test_accepted_objection_rescoring_and_re_ranking():
    call = closed_call004()
    boss, chair = supervisor(), committee_member(username="chair")
    committee(call, boss, [chair])
    a, b, c, d = (ClusterApplicationFactory(call=call) for _ in range(4))
    for app in (a, b, c, d):
        declare(boss, chair, app)
    score_fully(chair, a)  # 8.10
    score_fully(chair, b, {**HIGH, "6.—": "6"})  # 7.80
    score_fully(chair, c, {**HIGH, "6.—": "4"})  # 7.50
    score_fully(chair, d, stage_b_overrides={"E12": "no"})  # 8.10 but rejected at stage Β
    run = services.ranking_compute(actor=chair, call_id=call.pk, budget="600000")
    services.opinion_record(actor=chair, run_id=run.pk, text="Εισήγηση έγκρισης των πινάκων.")
    services.ranking_approve(actor=boss, run_id=run.pk)
    rejection = _notified(Decision.objects.get(application=d, kind="rejection"))

    # Given D objects (within the 10 days) and the objection is accepted
    objection = common.objection_file(
        actor=d.applicant_user,
        decision_id=rejection.pk,
        text="Δεν είμαστε προβληματική επιχείρηση: βλ. ισολογισμό.",
    )
    common.objection_decide(
        actor=boss,
        objection_id=objection.pk,
        accepted=True,
        reasons="Τα στοιχεία του ισολογισμού αποδεικνύουν ότι δεν είναι προβληματική.",
    )
    assert Application.objects.get(pk=d.pk).status == "under_evaluation"

    # When the committee re-scores D (E12 now ΝΑΙ) and ranks again with the same budget
    sheet = services.score_reopen_after_objection(actor=chair, application_id=d.pk)
    assert sheet.state == "draft" and sheet.rescore_count == 1
    stage_a, stage_b = yes_to_everything(call)
    services.stages_record(actor=chair, score_id=sheet.pk, stage_a=stage_a, stage_b=stage_b)
    services.score_finalise(actor=chair, score_id=sheet.pk)
    rerun = services.ranking_compute(actor=chair, call_id=call.pk, budget="600000", reason="Αποδοχή ένστασης")
    # D (8.10) now ranks with A; 245k + 245k = 490k, and B (already approved) would drop out
    assert [r["code"] for r in rerun.outputs["funded"]] == sorted([a.protocol_number, d.protocol_number])
    services.opinion_record(actor=chair, run_id=rerun.pk, text="Εισήγηση μετά την ένσταση.")

    # Then approving would revoke B's approval: refused, nothing changes
    with pytest.raises(Conflict) as exc:
        services.ranking_approve(actor=boss, run_id=rerun.pk)
    assert exc.value.code == "outcome_would_revoke"
    assert Application.objects.get(pk=d.pk).status == "under_evaluation"

    # And with the budget raised to 800,000 € (what-if first) B keeps its place and D is funded
    assert services.what_if(actor=chair, call_id=call.pk, budget="800000").funded_count == 3
    final = services.ranking_compute(
        actor=chair, call_id=call.pk, budget="800000", reason="Αύξηση προϋπολογισμού"
    )
    services.opinion_record(actor=chair, run_id=final.pk, text="Εισήγηση με αυξημένο προϋπολογισμό.")
    services.ranking_approve(actor=boss, run_id=final.pk)
    assert Application.objects.get(pk=d.pk).status == "approved"
    new_decision = Decision.objects.exclude(state="superseded").get(application=d)
    assert new_decision.kind == "approval" and new_decision.amount_total == D("245000.00")
    assert Decision.objects.get(pk=rejection.pk).state == "superseded"
    # Unchanged outcomes keep their original decisions
    assert Decision.objects.filter(application=a).count() == 1
    assert Application.objects.get(pk=c.pk).status == "approved_not_funded"


def test_the_sheet_reopens_only_after_an_accepted_objection():
    call = closed_call004()
    boss, chair = supervisor(), committee_member(username="chair")
    committee(call, boss, [chair])
    app = ClusterApplicationFactory(call=call)
    declare(boss, chair, app)
    score_fully(chair, app)
    with pytest.raises(Conflict) as exc:
        services.score_reopen_after_objection(actor=chair, application_id=app.pk)
    assert exc.value.code == "no_accepted_objection"
    assert ComparativeScore.objects.get(application=app).state == "finalised"
