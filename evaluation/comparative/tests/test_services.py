"""A call 004 round scored, ranked, cut at the budget and approved; bad input refused; audit kept."""

from decimal import Decimal as D

import pytest

from applications.models import Application
from evaluation.comparative import services
from evaluation.comparative.models import ComparativeScore, CriterionScore, Opinion, RankingRun
from evaluation.comparative.tests.factories import (
    HIGH,
    JUSTIFICATION,
    ClusterApplicationFactory,
    closed_call004,
    committee,
    committee_member,
    declare,
    score_fully,
    supervisor,
)
from evaluation.models import Decision
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opske.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_setup():
    call = closed_call004()
    boss = supervisor()
    chair, other = committee_member(username="chair"), committee_member(username="member2")
    committee(call, boss, [chair, other])
    return call, boss, chair, other


def app_for(call, boss, member, **kw):
    app = ClusterApplicationFactory(call=call, **kw)
    declare(boss, member, app)
    return app


def test_a_round_is_scored_ranked_cut_at_the_budget_and_approved(round_setup):
    call, boss, chair, _ = round_setup
    # Given four applications, each asking 245,000 € public expenditure (400k budget, see factory):
    #   A: 8.10 (HIGH)                              → funded
    #   B: HIGH with C6 = 6  → 8.10 − 2×0.15 = 7.80 → funded
    #   C: HIGH with C6 = 4  → 8.10 − 4×0.15 = 7.50 → budget 600k − 2×245k = 110k left < 245k → table 3
    #   D: HIGH but E12 = ΟΧΙ (undertaking in difficulty) → table 2 although it scores 8.10
    #   E: HIGH with a 120,000 € cut → eligible 280,000 < 300,000 → table 2
    a, b, c, d, e = (app_for(call, boss, chair) for _ in range(5))
    score_fully(chair, a)
    score_fully(chair, b, {**HIGH, "6.—": "6"})
    score_fully(chair, c, {**HIGH, "6.—": "4"})
    score_fully(chair, d, stage_b_overrides={"E12": "no"})
    sheet_e = score_fully(chair, e, finalise=False)
    equipment = e.budget_lines.get(category="02.06")
    services.budget_cut_add(
        actor=chair, score_id=sheet_e.pk, line_id=equipment.pk, amount="120.000,00",
        reason="Ο εξοπλισμός δεν συνδέεται με τον σκοπό του σχηματισμού.",
    )  # fmt: skip
    sheet_e = services.score_finalise(actor=chair, score_id=sheet_e.pk)
    assert sheet_e.eligible_budget == D("280000.00")
    # public after the cut: 180,000 × 65% + 100,000 × 50% = 117,000 + 50,000
    assert sheet_e.public_expenditure == D("167000.00")

    # When the committee ranks with a budget of 600,000 €
    run = services.ranking_compute(actor=chair, call_id=call.pk, budget="600000")

    # Then the three tables of §10.2 follow the ranking and the budget line
    out = run.outputs
    assert [(r["code"], r["score"], r["rank"]) for r in out["funded"]] == [
        (a.protocol_number, "8.10", 1),
        (b.protocol_number, "7.80", 2),
    ]
    assert [r["code"] for r in out["unfunded"]] == [c.protocol_number]
    assert {r["code"] for r in out["rejected"]} == {d.protocol_number, e.protocol_number}
    reasons_e = next(r for r in out["rejected"] if r["code"] == e.protocol_number)
    assert any("280.000,00 €" in x for x in reasons_e["reasons"])
    assert any(
        "E12" in x for x in next(r for r in out["rejected"] if r["code"] == d.protocol_number)["reasons"]
    )
    assert out["remaining"] == "110000.00"

    # And after the chair's opinion the supervisor approves: outcomes and decisions follow
    services.opinion_record(actor=chair, run_id=run.pk, text="Η Επιτροπή εισηγείται την έγκριση των πινάκων.")
    services.ranking_approve(actor=boss, run_id=run.pk)
    statuses = dict(Application.objects.filter(call=call).values_list("pk", "status"))
    assert statuses == {
        a.pk: "approved", b.pk: "approved", c.pk: "approved_not_funded", d.pk: "rejected", e.pk: "rejected",
    }  # fmt: skip
    decisions = {dd.application_id: dd for dd in Decision.objects.filter(application__call=call)}
    assert decisions[a.pk].kind == "approval" and decisions[a.pk].amount_total == D("245000.00")
    assert decisions[c.pk].kind == "approved_not_funded"
    assert decisions[d.pk].kind == "rejection" and decisions[d.pk].details["reasons"]
    assert Application.objects.get(pk=a.pk).reserved_amount == D("245000.00")


def test_every_score_is_in_the_audit_trail(round_setup):
    call, boss, chair, _ = round_setup
    app = app_for(call, boss, chair)
    score_fully(chair, app, finalise=False)
    events = AuditEvent.objects.filter(action="comparative.criterion_scored")
    # 15 typed sub-criteria + the automatic partner count (3β)
    assert events.count() == len(HIGH) + 1
    assert events.filter(actor=chair).count() == len(HIGH) + 1  # the automatic one when the chair opened
    assert events.filter(after__automatic=True, after__partners=8).count() == 1
    assert CriterionScore.objects.filter(score__application=app).count() == len(HIGH) + 1


def test_partner_count_is_scored_automatically_and_cannot_be_typed(round_setup):
    call, boss, chair, _ = round_setup
    app = app_for(call, boss, chair, partners=10)
    sheet = services.score_sheet_open(actor=chair, application_id=app.pk)
    auto = CriterionScore.objects.get(score=sheet, criterion_code="3", sub_code="β")
    assert auto.value == D("2.5") and auto.automatic and "10 εταίροι" in auto.justification
    with pytest.raises(ValidationFailed):
        services.criterion_score_set(
            actor=chair,
            score_id=sheet.pk,
            criterion_code="3",
            sub_code="β",
            value="2.5",
            justification=JUSTIFICATION,
        )


@pytest.mark.parametrize(
    ("value", "justification", "field"),
    [("2.6", JUSTIFICATION, "value"), ("1.255", JUSTIFICATION, "value"), ("2", "", "justification")],
)
def test_bad_scores_are_refused_and_nothing_changes(round_setup, value, justification, field):
    call, boss, chair, _ = round_setup
    app = app_for(call, boss, chair)
    sheet = services.score_sheet_open(actor=chair, application_id=app.pk)
    services.criterion_score_set(
        actor=chair,
        score_id=sheet.pk,
        criterion_code="1",
        sub_code="α",
        value="1.5",
        justification=JUSTIFICATION,
    )
    events_before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.criterion_score_set(
            actor=chair,
            score_id=sheet.pk,
            criterion_code="1",
            sub_code="α",
            value=value,
            justification=justification,
        )
    assert field in exc.value.fields and exc.value.fields[field][0]
    row = CriterionScore.objects.get(score=sheet, criterion_code="1", sub_code="α")
    assert (row.value, row.justification) == (D("1.50"), JUSTIFICATION)
    assert AuditEvent.objects.count() == events_before


def test_a_member_with_a_declared_conflict_cannot_score(round_setup):
    call, boss, chair, other = round_setup
    app = app_for(call, boss, chair)
    sheet = services.score_sheet_open(actor=chair, application_id=app.pk)
    declare(boss, other, app, conflict=True)
    with pytest.raises(PermissionDenied) as exc:
        services.criterion_score_set(
            actor=other,
            score_id=sheet.pk,
            criterion_code="1",
            sub_code="α",
            value="2",
            justification=JUSTIFICATION,
        )
    assert exc.value.code == "conflict_declared"
    assert not CriterionScore.objects.filter(score=sheet, criterion_code="1").exists()


def test_no_sheet_without_a_signed_declaration_and_none_for_outsiders(round_setup):
    call, boss, chair, other = round_setup
    app = ClusterApplicationFactory(call=call)
    with pytest.raises(PermissionDenied) as exc:
        services.score_sheet_open(actor=other, application_id=app.pk)
    assert exc.value.code == "declaration_required"
    outsider = committee_member(username="outsider")
    with pytest.raises(NotFound):
        services.score_sheet_open(actor=outsider, application_id=app.pk)
    assert not ComparativeScore.objects.exists()


def test_finalising_needs_every_criterion_even_after_a_stage_b_failure(round_setup):
    call, boss, chair, _ = round_setup
    app = app_for(call, boss, chair)
    sheet = score_fully(chair, app, {"1.α": "2"}, finalise=False, stage_b_overrides={"E30": "no"})
    with pytest.raises(ValidationFailed) as exc:
        services.score_finalise(actor=chair, score_id=sheet.pk)
    assert "criteria" in exc.value.fields
    assert ComparativeScore.objects.get(pk=sheet.pk).state == "draft"


def test_ranking_waits_for_every_sheet(round_setup):
    call, boss, chair, _ = round_setup
    score_fully(chair, app_for(call, boss, chair))
    pending = ClusterApplicationFactory(call=call)
    with pytest.raises(Conflict) as exc:
        services.ranking_compute(actor=chair, call_id=call.pk)
    assert pending.protocol_number in exc.value.message
    assert not RankingRun.objects.exists()


def test_a_tie_at_the_budget_line_is_flagged_and_the_committee_resolves_it(round_setup):
    call, boss, chair, _ = round_setup
    a, b = app_for(call, boss, chair), app_for(call, boss, chair)
    score_fully(chair, a)
    score_fully(chair, b)  # same 8.10, same 245,000 € each
    run = services.ranking_compute(actor=chair, call_id=call.pk, budget="300000")
    assert run.needs_committee and {r["code"] for r in run.outputs["tie"]} == {
        a.protocol_number,
        b.protocol_number,
    }
    with pytest.raises(Conflict) as exc:
        services.opinion_record(actor=chair, run_id=run.pk, text="Έγκριση σύμφωνα με τους πίνακες.")
    assert exc.value.code == "tie_unresolved"

    resolved = services.ranking_compute(
        actor=chair, call_id=call.pk, budget="300000", resolved_order=[b.pk, a.pk], reason="Απόφαση Επιτροπής"
    )
    assert not resolved.needs_committee
    assert [r["code"] for r in resolved.outputs["funded"]] == [b.protocol_number]
    assert RankingRun.objects.get(pk=run.pk).state == "superseded"


def test_results_are_approved_once_and_only_by_a_supervisor(round_setup):
    call, boss, chair, other = round_setup
    score_fully(chair, app_for(call, boss, chair))
    run = services.ranking_compute(actor=chair, call_id=call.pk)
    with pytest.raises(PermissionDenied):
        services.opinion_record(actor=other, run_id=run.pk, text="Μέλος που δεν είναι πρόεδρος.")
    with pytest.raises(Conflict):
        services.ranking_approve(actor=boss, run_id=run.pk)  # no opinion yet
    services.opinion_record(
        actor=chair, run_id=run.pk, text="Εισήγηση έγκρισης.", recommendation=Opinion.Recommendation.AS_TABLES
    )
    with pytest.raises(PermissionDenied):
        services.ranking_approve(actor=chair, run_id=run.pk)
    services.ranking_approve(actor=boss, run_id=run.pk)
    decisions = Decision.objects.count()
    with pytest.raises(Conflict) as exc:
        services.ranking_approve(actor=supervisor(), run_id=run.pk)
    assert exc.value.code == "run_not_approvable"
    assert Decision.objects.count() == decisions


def test_what_if_moves_the_funding_line(round_setup):
    call, boss, chair, _ = round_setup
    for values in (HIGH, {**HIGH, "6.—": "6"}, {**HIGH, "6.—": "4"}):
        score_fully(chair, app_for(call, boss, chair), values)
    line = services.what_if(actor=chair, call_id=call.pk, budget="500.000")
    # 245k + 245k = 490k funded, 10k left; the third needs 245k → 235k more
    assert (line.funded_count, line.next_needed) == (2, D("235000.00"))
    assert services.what_if(actor=chair, call_id=call.pk, budget="4000000").funded_count == 3
    with pytest.raises(ValidationFailed):
        services.what_if(actor=chair, call_id=call.pk, budget="πολλά")
