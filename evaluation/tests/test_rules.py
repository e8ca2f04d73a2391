"""The legal rules of evaluation, pinned to the seeds' own numbers and worked examples."""

import datetime
from decimal import Decimal

from evaluation.rules import (
    DEFAULT_POLICIES,
    CriterionSpec,
    check_finding,
    clarification_due,
    fcfs,
    objection_deadline,
    objection_decision_due,
    objection_is_timely,
)

ALL_YES = {s.code: "yes" for s in fcfs.CRITERIA}


def test_annex4_has_eight_yes_no_criteria_in_two_groups():
    assert [s.code for s in fcfs.CRITERIA] == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert {s.group for s in fcfs.CRITERIA[:4]} == {fcfs.GROUP_A}
    assert {s.group for s in fcfs.CRITERIA[4:]} == {fcfs.GROUP_B}


def test_all_eight_yes_approves():
    result = fcfs.evaluate(ALL_YES)
    assert result.passed and result.complete


def test_one_no_rejects_with_its_reason_and_the_other_groups_still_count():
    findings = {**ALL_YES, "4": "no", "7": "no"}
    result = fcfs.evaluate(findings, justifications={"4": "Μείωση προσωπικού τον Μάρτιο", "7": "Διάκριση"})
    assert not result.passed and result.complete
    assert result.negatives == ("4", "7")
    assert any("Μείωση προσωπικού" in r for r in result.reasons)


def test_a_form_with_an_empty_criterion_has_no_result():
    findings = dict(ALL_YES)
    del findings["8"]
    result = fcfs.evaluate({**findings, "1": "no"})
    assert not result.complete and result.missing == ("8",)


def test_stage_a_refuses_a_submission_after_the_window():
    closes = datetime.datetime(2025, 6, 30, 23, 59, tzinfo=datetime.UTC)
    late = fcfs.stage_a_timely(closes + datetime.timedelta(seconds=1), None, closes)
    assert not late.ok
    assert not fcfs.evaluate(ALL_YES, stage_a=late).passed


def test_amounts_are_persons_times_rate_times_twelve_with_the_real_rates():
    # Art. 5.1.1, 5.1.3: E1 €14,220.00, E2 €9,954.00, E6 €62,568.00
    assert fcfs.approved_amount([("01.22", 1)]).total == Decimal("14220.00")
    assert fcfs.approved_amount([("01.23", 1)]).total == Decimal("9954.00")
    mixed = fcfs.approved_amount([("01.22", 3), ("01.23", 2)])
    assert mixed.total == Decimal("62568.00")
    assert [(r.category, r.persons, r.amount) for r in mixed.per_category] == [
        ("01.22", 3, Decimal("42660.00")),
        ("01.23", 2, Decimal("19908.00")),
    ]
    assert mixed.per_category[1].monthly_rate == Decimal("829.50")


def test_de_minimis_recheck_e9_fails_as_a_whole():
    check = fcfs.de_minimis_recheck(Decimal("290000"), Decimal("14220"))
    assert not check.ok and "304.220,00 € > 300.000,00 €" in check.reason
    assert fcfs.de_minimis_recheck(Decimal("250000"), Decimal("48348")).ok  # E8


def test_funding_outcome_per_art_7_3():
    assert fcfs.funding_outcome(evaluation_passed=True, de_minimis_ok=True, pool_covers=True) == "approved"
    assert (
        fcfs.funding_outcome(evaluation_passed=True, de_minimis_ok=True, pool_covers=False)
        == "approved_not_funded"
    )
    assert fcfs.funding_outcome(evaluation_passed=True, de_minimis_ok=False, pool_covers=True) == "rejected"


def test_kya7066_objection_deadline_and_decision_due_match_the_worked_timeline():
    policy = DEFAULT_POLICIES["fcfs_direct"]
    notified = datetime.date(2025, 6, 2)  # Monday
    assert objection_deadline(policy, notified) == datetime.date(2025, 6, 12)
    assert objection_decision_due(policy, datetime.date(2025, 6, 12)) == datetime.date(2025, 7, 3)
    assert objection_is_timely(policy, notified, datetime.date(2025, 6, 12))
    assert not objection_is_timely(policy, notified, datetime.date(2025, 6, 13))


def test_kya16936_objection_is_three_working_days_from_the_day_after_posting():
    policy = DEFAULT_POLICIES["points_ranking"]
    # Posted Friday 2025-04-18 (Good Friday, Orthodox): Easter Monday 04-21 is a holiday.
    assert objection_deadline(policy, datetime.date(2025, 4, 17)) == datetime.date(2025, 4, 24)
    assert policy.decision_days == 10


def test_clarification_reply_is_five_calendar_days():
    assert clarification_due(datetime.date(2025, 6, 2)) == datetime.date(2025, 6, 7)


def test_score_outside_its_scale_is_refused():
    spec = CriterionSpec("Γ1", "Καινοτομία", kind="scored", max_score=Decimal("10"))
    assert not check_finding(spec, value="score", score="10.5", justification="x").ok
    assert not check_finding(spec, value="score", score="-1", justification="x").ok
    assert not check_finding(spec, value="score", score="7.255", justification="x").ok
    assert check_finding(spec, value="score", score="10").ok


def test_negative_or_reduced_finding_needs_reasons():
    binary = fcfs.criteria()[0]
    assert check_finding(binary, value="no").field == "justification"
    assert check_finding(binary, value="no", justification="Δεν είναι επιχείρηση").ok
    scored = CriterionSpec("Γ1", "Καινοτομία", kind="scored", max_score=Decimal("10"))
    assert check_finding(scored, value="score", score="8").field == "justification"
