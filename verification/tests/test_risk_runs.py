"""Risk runs over the portal's own data (Guidance Ο.3 §4.2.2): facts, strata, history, periods."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from applications.tests.factories import seeded_call
from calls import seeds
from operations.models import Modification
from opske.errors import ValidationFailed
from verification.models import Correction, OnSiteVerification, RiskRun, RiskScore, VerificationRequest
from verification.selection import flag_for_desk_check
from verification.services import risk as svc
from verification.tests import risk_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return seeded_call(seeds.kya7066)


def _run(call, **kw):
    return svc.risk_run_execute(
        actor=risk_world.staff_user(), programme=call.programme, management_body="", kind="monthly", **kw
    )


def test_run_grades_each_operation_from_its_data_and_splits_ten_into_4_3_3(call):
    ops = risk_world.operations(call, 10, budgets=lambda i: D("1500000.00") if i < 4 else D("100000.00"))
    user = risk_world.staff_user()
    # op 0: an on-the-spot visit 3 months ago with 30% corrections; op 1: 6 «necessary» modifications
    OnSiteVerification.objects.create(
        operation=ops[0], serial="ΕΠ-1", semester="2026-H2",
        started_on=timezone.localdate() - datetime.timedelta(days=92),
        ended_on=timezone.localdate() - datetime.timedelta(days=90), object="Φυσικό αντικείμενο",
        amount_checked=D("10000.00"), recorded_by=user,
    )  # fmt: skip
    Correction.objects.create(
        operation=ops[0], origin="on_the_spot", amount=D("3000.00"), reason="παρατυπία", recorded_by=user
    )
    Correction.objects.create(
        operation=ops[0],
        origin="on_the_spot",
        horizontal=True,
        amount=D("9000.00"),
        reason="οριζόντια",
        recorded_by=user,
    )
    for n in range(1, 7):
        m = Modification.objects.create(
            operation=ops[1], number=n, severity="major", reason="αλλαγή", submitted_by=user
        )
        Modification.objects.filter(pk=m.pk).update(state="approved")
    Modification.objects.create(
        operation=ops[1], number=7, severity="minor", reason="υπό εξέταση", submitted_by=user
    )
    risk_world.declarations([ops[2]], 1, amount=D("10000.00"), accepted=lambda i, j: D("9900.00"))  # 1% → 3

    run = _run(call)
    assert run.operations_count == 10
    assert {k: v["count"] for k, v in run.strata.items()} == {"high": 4, "medium": 3, "low": 3}
    scores = {s.operation_id: s for s in RiskScore.objects.filter(run=run)}
    g0 = scores[ops[0].pk].factors["grades"]
    assert (
        g0[17] == 1 and g0[18] == 5 and g0[2] == 1
    )  # visited < 1 year, 3.000/10.000 = 30% (horizontal left out)
    assert scores[ops[1].pk].factors["grades"][15] == 5  # 6 approved necessary modifications
    assert scores[ops[2].pk].factors["grades"][16] == 3  # corrections 1% < 2%
    assert scores[ops[3].pk].factors["grades"][14] == 3  # 1.500.000,00 €
    assert scores[ops[5].pk].factors["grades"][14] == 1
    assert all(s.factors["grades"][4] is None for s in scores.values())
    for s in scores.values():
        assert s.total == sum(g for g in s.factors["grades"] if g is not None)
    ranks = sorted(scores.values(), key=lambda s: s.rank)
    assert [s.total for s in ranks] == sorted((s.total for s in ranks), reverse=True)
    # The explain page's factors recompute the same grades from the stored facts.
    explained = svc.explain(scores[ops[0].pk])
    assert [f.grade for f in explained] == g0
    assert "3.000,00 €" in explained[18].source


def test_runs_keep_history_and_scheduled_periods_run_once(call):
    risk_world.operations(call, 3)
    first = svc.risk_runs_due(today=datetime.date(2026, 12, 1))
    assert first == 2  # the monthly and the six-monthly run of the period
    assert svc.risk_runs_due(today=datetime.date(2026, 12, 20)) == 0
    assert svc.risk_runs_due(today=datetime.date(2027, 1, 1)) == 2  # new month, new semester (H1)
    assert svc.risk_runs_due(today=datetime.date(2027, 2, 1)) == 1  # only the monthly
    # An operation included after this month's run is ranked by an «initial» run at the next tick.
    new = risk_world.operations(call, 1)[0]
    assert svc.risk_runs_due(today=datetime.date(2027, 2, 3)) == 1
    initial = RiskRun.objects.get(programme=call.programme, kind="initial")
    assert initial.operations_count == 4 and initial.scores.filter(operation=new).exists()
    assert svc.risk_runs_due(today=datetime.date(2027, 2, 4)) == 0
    runs = RiskRun.objects.filter(programme=call.programme).exclude(kind="initial")
    assert sorted(runs.values_list("period", flat=True)) == [
        "2026-12",
        "2026-H2",
        "2027-01",
        "2027-02",
        "2027-H1",
    ]
    assert (
        RiskScore.objects.filter(
            run__programme=call.programme, run__kind__in=["monthly", "semiannual"]
        ).count()
        == 5 * 3
    )
    again = _run(call, period="2027-02")
    assert again.pk == runs.get(period="2027-02").pk
    assert runs.first().parameters["version"] == svc.current_parameters().version


def test_runs_are_per_management_body(call):
    risk_world.operations(call, 2, management_body="ΕΦ Α")
    risk_world.operations(call, 4, management_body="ΕΦ Β")
    svc.risk_runs_due(today=datetime.date(2026, 12, 1))
    counts = dict(RiskRun.objects.filter(kind="monthly").values_list("management_body", "operations_count"))
    assert counts == {"ΕΦ Α": 2, "ΕΦ Β": 4}


def test_staff_entered_factor_counts_and_is_marked(call):
    ops = risk_world.operations(call, 1)
    user = risk_world.staff_user()
    with pytest.raises(ValidationFailed):
        svc.risk_factor_input_record(actor=user, operation=ops[0], factor=6, value="Ναι", grade=3)
    with pytest.raises(ValidationFailed):
        svc.risk_factor_input_record(actor=user, operation=ops[0], factor=5, value="x", grade=1)
    svc.risk_factor_input_record(
        actor=user,
        business=ops[0].business,
        factor=6,
        value="Ναι (ΤΑΑ)",
        grade=5,
        note="Έργο Ταμείου Ανάκαμψης",
    )
    before = _run(call)
    score = RiskScore.objects.get(run=before)
    assert score.factors["grades"][5] == 5
    f6 = svc.explain(score)[5]
    assert f6.staff_entered and "Ταμείου Ανάκαμψης" in f6.source


def test_beneficiary_factors_read_all_its_operations(call):
    ops = risk_world.operations(call, 7, businesses=1)
    user = risk_world.staff_user()
    OnSiteVerification.objects.create(
        operation=ops[6], serial="ΕΠ-2", semester="2026-H1", started_on=datetime.date(2024, 1, 1),
        ended_on=datetime.date(2024, 1, 2), object="x", recorded_by=user,
    )  # fmt: skip
    run = _run(call)
    grades = RiskScore.objects.filter(run=run).values_list("operation_id", "factors")
    by_op = {op: f["grades"] for op, f in grades}
    assert by_op[ops[0].pk][2] == 1  # the beneficiary was visited (on another operation)
    assert (
        by_op[ops[0].pk][17] == 10 and by_op[ops[6].pk][17] == 5
    )  # this operation: never; that one: > 1 year
    assert by_op[ops[0].pk][6] == 5  # 7 open operations > 5


def test_setting_subproject_type_changes_outcome(call):
    ops = risk_world.operations(call, 1, budgets=lambda i: D("100000.00"))
    run = _run(call)
    # Default 5005 (own-means grant, verification/rules/subprojects.py): factor 12's own-means grade.
    assert RiskScore.objects.get(run=run).factors["grades"][11] == 4
    from calls.models import Call

    Call.objects.filter(pk=call.pk).update(config={**call.config, "subproject_type": "5002"})
    run = _run(call)
    g = RiskScore.objects.get(run=run).factors["grades"]
    assert g[11] == 1 and g[10] == 1  # public works contract; Annex I group 1
    # …and Table 1's «last ΔΔΔ» now applies (5001–5004) on a low-risk operation.
    RiskScore.objects.filter(run=run).update(stratum="low")
    user = risk_world.staff_user()
    reqs = [
        VerificationRequest.objects.create(
            operation=ops[0],
            seq=i + 1,
            kind="interim",
            declared_total=amount,
            created_by=user,
            is_final=(i == 2),
        )
        for i, amount in enumerate([D("20000"), D("60000"), D("20000")])
    ]
    VerificationRequest.objects.filter(pk__in=[r.pk for r in reqs]).update(state="submitted")
    flagged = [
        flag_for_desk_check(request=VerificationRequest.objects.get(pk=r.pk)).selection_rule for r in reqs
    ]
    assert flagged == ["first", "70%", "last"]


def test_tick_runs_the_periods_risk_assessments_once(call):
    """`make run` without a broker: the tick command runs the beat schedule, including the risk runs."""
    from io import StringIO

    from django.core.management import call_command

    risk_world.operations(call, 4)
    out = StringIO()
    call_command("tick", stdout=out)
    assert "risk_runs_due=2" in out.getvalue()
    kinds = set(RiskRun.objects.filter(programme=call.programme).values_list("kind", flat=True))
    assert kinds == {"monthly", "semiannual"}
    call_command("tick", stdout=out)
    assert RiskRun.objects.filter(programme=call.programme).count() == 2
