"""Guidance Ο.3 §4.4 on-the-spot sample, pinned to worked examples (pure rules, no database)."""

import datetime
from decimal import Decimal

import pytest

from verification.rules import onsite as r

D = Decimal


THOUSAND = D("1000.00")


def _pop(n, *, spend=THOUSAND, strata=("high", "medium", "low")):
    """n operations «ΠΡ-01»…, scores n…1, strata in equal thirds by score (high first)."""
    third = -(-n // 3)
    return [
        r.Candidate(i, f"ΠΡ-{i:02d}", spend, strata[min((i - 1) // third, 2)], n - i + 1, f"g{i % 2}")
        for i in range(1, n + 1)
    ]


# --- §4.4.2 semester -----------------------------------------------------------------------------


def test_semesters_follow_the_accounting_year():
    assert r.semester_period("2026-H2") == (datetime.date(2026, 7, 1), datetime.date(2026, 12, 31))
    assert r.semester_period("2027-H1") == (datetime.date(2027, 1, 1), datetime.date(2027, 6, 30))
    assert "1ο εξάμηνο λογιστικής χρήσης 2026-2027" in r.semester_label("2026-H2")
    assert "2ο εξάμηνο λογιστικής χρήσης 2026-2027" in r.semester_label("2027-H1")
    assert r.previous_semester("2027-H1") == "2026-H2" and r.next_semester("2026-H2") == "2027-H1"
    with pytest.raises(ValueError):
        r.parse_semester("2026-3")


def test_expenditure_is_charged_by_its_period_end_else_its_submission():
    assert r.charged_on(period_end=datetime.date(2026, 6, 30), submitted_on=datetime.date(2026, 7, 20)) == (
        datetime.date(2026, 6, 30)
    )
    assert r.charged_on(period_end=None, submitted_on=datetime.date(2026, 7, 20)) == datetime.date(
        2026, 7, 20
    )


# --- §4.4.3 sizes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rating", "count", "amount"),
    [
        (r.WORKS_WELL, 4, D("20000.00")),  # 10% of 40, 5% of 400.000
        (r.SOME_IMPROVEMENTS, 6, D("40000.00")),  # 15%, 10%
        (r.PARTIAL, 8, D("60000.00")),  # 20%, 15%
        (r.NOT_WORKING, 10, D("80000.00")),  # 25%, 20%
    ],
)
def test_sample_size_by_reliability_rating(rating, count, amount):
    m = r.sample_minimums(population_count=40, population_expenditure=D("400000.00"), reliability=rating)
    assert (m.count, m.expenditure, m.first_use) == (count, amount, False)


def test_first_use_without_a_rating_takes_the_second_row():
    m = r.sample_minimums(population_count=40, population_expenditure=D("400000.00"), reliability=None)
    assert (m.reliability, m.share_operations, m.share_expenditure, m.count, m.first_use) == (
        r.SOME_IMPROVEMENTS,
        D("0.15"),
        D("0.10"),
        6,
        True,
    )
    assert "Πρώτη εφαρμογή" in m.explanation


def test_counts_round_up_and_amounts_up_to_the_cent():
    # 41 × 15% = 6,15 → 7; 10% of 1.234,57 = 123,457 → 123,46.
    m = r.sample_minimums(
        population_count=41, population_expenditure=D("1234.57"), reliability=r.SOME_IMPROVEMENTS
    )
    assert (m.count, m.expenditure) == (7, D("123.46"))
    assert "6,15 → 7" in m.explanation


# --- §4.4.4 mandatory picks and the 50% cap -------------------------------------------------------


def _mins(count=6):
    return r.sample_minimums(
        population_count=count * 100 // 15,
        population_expenditure=D("40000.00"),
        reliability=r.SOME_IMPROVEMENTS,
    )


def test_mandatory_picks_are_subtracted_from_both_minimums():
    m = r.sample_minimums(
        population_count=40, population_expenditure=D("40000.00"), reliability=r.SOME_IMPROVEMENTS
    )
    c = _pop(2, spend=D("1500.00"))
    res = r.apply_mandatory(minimums=m, picks=[(c[0], "significant_problems"), (c[1], r.COMPULSORY)])
    assert (res.cap, res.remaining_count, res.remaining_expenditure, res.problems) == (3, 4, D("1000.00"), [])


def test_mandatory_picks_may_not_exceed_half_of_the_minimum_count():
    m = r.sample_minimums(
        population_count=40, population_expenditure=D("40000.00"), reliability=r.SOME_IMPROVEMENTS
    )
    c = _pop(4)
    res = r.apply_mandatory(minimums=m, picks=[(x, "high_cost_multiyear") for x in c])
    assert res.problems and "έως 3" in res.problems[0]


def test_gap_compulsory_carry_overs_above_the_cap_are_all_kept_and_no_discretionary_pick_is_allowed():
    m = r.sample_minimums(
        population_count=40, population_expenditure=D("40000.00"), reliability=r.SOME_IMPROVEMENTS
    )
    c = _pop(5)
    kept = r.apply_mandatory(minimums=m, picks=[(x, r.COMPULSORY) for x in c[:4]])
    assert kept.problems == [] and kept.remaining_count == 2
    assert "διατηρούνται όλες" in kept.notes[0]
    refused = r.apply_mandatory(
        minimums=m, picks=[*((x, r.COMPULSORY) for x in c[:4]), (c[4], "significant_problems")]
    )
    assert refused.problems


# --- §4.4.5 Table 2 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (4, (2, 1, 1)),  # 2 / 1,2 / 0,8 → floors 2/1/0, the extra one to the largest remainder (low 0,8)
        (5, (3, 1, 1)),  # 2,5 / 1,5 / 1 → 2/1/1, tie of remainders 0,5 → high first
        (7, (4, 2, 1)),  # 3,5 / 2,1 / 1,4 → 3/2/1, the extra one to high (0,5)
        (10, (5, 3, 2)),
        (1, (1, 0, 0)),  # 0,5 / 0,3 / 0,2 → the largest remainder
    ],
)
def test_table_2_split_by_largest_remainder(n, expected):
    a = r.allocate(n=n, sizes={"high": 20, "medium": 20, "low": 20})
    assert tuple(a.final[s] for s in r.STRATA) == expected
    assert sum(a.final.values()) == n


def test_a_stratum_short_of_its_share_passes_the_rest_to_the_next():
    a = r.allocate(n=4, sizes={"high": 1, "medium": 5, "low": 5})
    assert (a.final["high"], a.final["medium"], a.final["low"]) == (1, 2, 1)
    assert any("μεταφέρονται" in n for n in a.notes)
    # nothing assessed at all: everything is drawn from the operations not assessed yet
    b = r.allocate(n=3, sizes={"unassessed": 12})
    assert (sum(b.final.values()), b.unassessed) == (0, 3)


def test_high_share_half_top_score_half_random_odd_to_top():
    assert r.split_high(2) == (1, 1)
    assert r.split_high(3) == (2, 1)
    assert r.split_high(1) == (1, 0)


def test_worked_example_40_operations_two_mandatory():
    """A = 40, «works, some improvements» → 6 operations, 10% of expenditure; 2 mandatory → 4 left →
    high 2 (1 top score + 1 random), medium 1, low 1."""
    pop = _pop(40)
    res = r.draw_sample(
        candidates=pop,
        reliability=r.SOME_IMPROVEMENTS,
        seed=2026,
        mandatory={5: "significant_problems", 30: r.COMPULSORY},
    )
    assert res.problems == {}
    assert (res.minimums.count, res.minimums.expenditure) == (6, D("4000.00"))
    assert (res.mandatory.remaining_count, len(res.population_b)) == (4, 38)
    reasons = [(p.reason, p.stratum) for p in res.picks]
    assert reasons.count((r.MANDATORY, "high")) + reasons.count((r.MANDATORY, "low")) == 2
    assert reasons.count((r.TOP_SCORE, "high")) == 1
    assert reasons.count((r.RANDOM, "high")) == 1
    assert reasons.count((r.RANDOM, "medium")) == 1 and reasons.count((r.RANDOM, "low")) == 1
    top = next(p for p in res.picks if p.reason == r.TOP_SCORE)
    assert top.code == "ΠΡ-01"  # the highest score of the high stratum
    assert [p.draw for p in res.picks if p.reason == r.RANDOM] == [1, 2, 3]
    assert not any(p.operation_id in (5, 30) for p in res.picks if p.reason != r.MANDATORY)
    # 6 operations × 1.000 € cover the 4.000 € minimum: no coverage additions
    assert not any(p.reason == r.COVERAGE for p in res.picks)


def test_the_draw_is_reproducible_from_its_seed():
    pop = _pop(40)
    one = r.draw_sample(candidates=pop, reliability=r.PARTIAL, seed=99)
    two = r.draw_sample(candidates=list(reversed(pop)), reliability=r.PARTIAL, seed=99)
    assert [(p.code, p.reason) for p in one.picks] == [(p.code, p.reason) for p in two.picks]
    others = {
        tuple(p.code for p in r.draw_sample(candidates=pop, reliability=r.PARTIAL, seed=s).picks)
        for s in range(5)
    }
    assert len(others) > 1


def test_population_b_of_ten_or_fewer_is_chosen_by_judgement():
    pop = _pop(10)
    refused = r.draw_sample(candidates=pop, reliability=r.SOME_IMPROVEMENTS, seed=1)
    assert refused.judgmental and "τουλάχιστον 2" in refused.problems["judgmental"][0]  # ceil(10 × 15%) = 2
    ok = r.draw_sample(candidates=pop, reliability=r.SOME_IMPROVEMENTS, seed=1, judgmental=[3, 7])
    assert ok.problems == {} and {p.operation_id for p in ok.picks if p.reason == r.JUDGMENTAL} == {3, 7}
    big = r.draw_sample(candidates=_pop(11), reliability=r.SOME_IMPROVEMENTS, seed=1, judgmental=[3])
    assert "έως 10" in big.problems["judgmental"][0]


def test_exclusions_leave_population_a_with_their_reason():
    pop = _pop(12)
    res = r.draw_sample(
        candidates=pop,
        reliability=r.WORKS_WELL,
        seed=3,
        judgmental=[1, 2],
        exclusions={1: "verified_previous_semester", 2: "electronic_deliverable"},
    )
    assert len(res.population_a) == 10 and [code for _, code in res.excluded] == [
        "verified_previous_semester",
        "electronic_deliverable",
    ]
    assert res.problems["judgmental"]  # an excluded operation cannot be chosen
    bad = r.draw_sample(candidates=pop, reliability=r.WORKS_WELL, seed=3, exclusions={1: "because"})
    assert "exclusions" in bad.problems


# --- §4.4.7 coverage, §4.4.8 operations without financial execution --------------------------------


def test_coverage_adds_operations_until_the_minimum_expenditure_is_reached():
    # One giant operation holds most of the money; 4 picks of 100 € cannot reach 10%.
    pop = _pop(40, spend=D("100.00"))
    pop[-1] = r.Candidate(40, "ΠΡ-40", D("96100.00"), "low", 1)
    res = r.draw_sample(candidates=pop, reliability=r.SOME_IMPROVEMENTS, seed=5)
    assert res.minimums.expenditure == D("10000.00")  # 10% of 100.000
    assert res.sample_expenditure >= D("10000.00")
    assert any(p.reason == r.COVERAGE for p in res.picks)


def test_at_least_ten_percent_of_operations_without_financial_execution():
    no_exec = [r.Candidate(100 + i, f"ΧΩΡ-{i:02d}") for i in range(15)]
    res = r.draw_sample(candidates=_pop(40), reliability=r.WORKS_WELL, seed=8, no_execution=no_exec)
    picked = [p for p in res.picks if p.reason == r.NO_FINANCIAL_EXECUTION]
    assert len(picked) == 2  # 15 × 10% = 1,5 → 2
    only = r.draw_sample(candidates=[], reliability=None, seed=8, no_execution=no_exec[:3])
    assert len(only.picks) == 1 and only.minimums.count == 0


# --- §4.4.6 replacement ----------------------------------------------------------------------------


def test_replacement_only_of_a_random_pick_by_the_same_stratum():
    new = r.Candidate(9, "ΠΡ-09", D("1.00"), "medium", 3, "g9")
    ok = {
        "old_stratum": "medium",
        "new": new,
        "in_sample": {1},
        "in_population_b": {1, 9},
        "sample_groups": {"g1"},
    }
    assert r.replacement_problems(old_reason=r.RANDOM, reason="insufficient_implementation", **ok) == {}
    assert r.replacement_problems(old_reason=r.RANDOM, reason="missing_type_group", **ok) == {}
    assert "__all__" in r.replacement_problems(
        old_reason=r.TOP_SCORE, reason="insufficient_implementation", **ok
    )
    other = dict(ok, old_stratum="high")
    assert "replacement" in r.replacement_problems(
        old_reason=r.RANDOM, reason="insufficient_implementation", **other
    )
    same_group = dict(ok, sample_groups={"g9"})
    assert "replacement" in r.replacement_problems(
        old_reason=r.RANDOM, reason="missing_type_group", **same_group
    )
    assert "reason" in r.replacement_problems(old_reason=r.RANDOM, reason="", **ok)


def test_visit_needs_dates_semester_and_object_and_cannot_end_in_the_future():
    today = datetime.date(2026, 12, 1)
    ok = r.visit_problems(
        started_on=today, ended_on=today, semester="2026-H2", object_text="Υποέργο 1", today=today
    )
    assert ok == {}
    bad = r.visit_problems(
        started_on=today, ended_on=datetime.date(2026, 12, 5), semester="x", object_text=" ", today=today
    )
    assert set(bad) == {"ended_on", "semester", "object"}
    assert r.comments_due(issued_on=today) == datetime.date(2026, 12, 16)
