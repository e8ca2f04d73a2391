"""The rules of call 004 pinned to worked examples built from the seed's figures (Annex V §3, §10.2).

Each test shows its arithmetic so a reader can check it by hand.
"""

from decimal import Decimal as D

import pytest

from calls import seeds
from evaluation.comparative import rules

CRITERIA = rules.criteria_from_config(
    [
        {**c, "weight_percent": c["weight_percent"], "max_score": c["max_score"]}
        for c in seeds.call004()["versions"][0]["children"]["criteria"]
    ]
)


def scores_for(values: dict[str, str]) -> dict[tuple[str, str], D]:
    return {tuple(k.split(".")): D(v) for k, v in values.items()}


# A plan scored by hand (every sub-criterion on its Annex V scale):
#   C1 = 2.5 + 2 + 2 + 1.5       = 8.00   × 20% = 1.600
#   C2 = 2 + 1.5 + 4             = 7.50   × 10% = 0.750
#   C3 = 2 + 1.5 (8 partners) + 2 + 2.5 = 8.00 × 20% = 1.600
#   C4 = 4 + 3                   = 7.00   × 15% = 1.050
#   C5 = 3 + 4                   = 7.00   × 20% = 1.400
#   C6 = 6                       = 6.00   × 15% = 0.900
#                                  total          = 7.300
WORKED = {
    "1.α": "2.5", "1.β": "2", "1.γ": "2", "1.δ": "1.5",
    "2.α": "2", "2.β": "1.5", "2.γ": "4",
    "3.α": "2", "3.β": "1.5", "3.γ": "2", "3.δ": "2.5",
    "4.α": "4", "4.β": "3",
    "5.α": "3", "5.β": "4",
    "6.—": "6",
}  # fmt: skip


def test_the_six_criteria_of_the_seed_weigh_to_one_hundred_percent():
    assert [c.code for c in CRITERIA] == ["1", "2", "3", "4", "5", "6"]
    assert sum(c.weight_percent for c in CRITERIA) == 100
    assert [len(c.subs) for c in CRITERIA] == [4, 3, 4, 2, 2, 1]  # 17 sub-criteria incl. C6 (Ann.V)
    assert [s.code for s in CRITERIA[2].subs if s.automatic] == ["β"]


def test_worked_example_total_is_the_weighted_sum_of_criterion_sums():
    result = rules.score_total(CRITERIA, scores_for(WORKED))
    assert [r.score for r in result.criteria] == [D("8.0"), D("7.5"), D("8.0"), D("7"), D("7"), D("6")]
    assert result.exact == D("7.300")
    assert result.display == D("7.30")
    assert result.missing == ()


def test_a_total_with_four_decimals_is_compared_unrounded_by_default_and_rounded_half_up_on_request():
    # Given C1 = 2.5+2.5+2.5+2.45 = 9.95 and C6 = 2, everything else 0:
    #   9.95 × 0.20 = 1.99 ; 2 × 0.15 = 0.30 ; C4 = 1.05+0 → 1.05 × 0.15 = 0.1575
    #   total = 1.99 + 0.30 + 0.1575 = 2.4475 → shown 2.45 (half-up), exact 2.4475
    values = {"1.α": "2.5", "1.β": "2.5", "1.γ": "2.5", "1.δ": "2.45", "4.α": "1.05", "6.—": "2"}
    exact = rules.score_total(CRITERIA, scores_for(values))
    assert exact.total == D("2.4475")
    assert exact.display == D("2.45")
    assert len(exact.missing) == 10  # unscored sub-criteria count 0 and are listed
    rounded = rules.score_total(CRITERIA, scores_for(values), rounding="two_decimals")
    assert rounded.total == D("2.45")


def test_the_pass_mark_boundary_depends_on_the_rounding_reading():
    # C1 = 9.9 × 0.20 = 1.98 ; C3 = 9.9 × 0.20 = 1.98 ; C6 = 6.9 × 0.15 = 1.035
    # total = 1.98 + 1.98 + 1.035 = 4.995 exactly.
    values = {
        "1.α": "2.5", "1.β": "2.5", "1.γ": "2.5", "1.δ": "2.4",
        "3.α": "2.5", "3.β": "2.5", "3.γ": "2.5", "3.δ": "2.4",
        "6.—": "6.9",
    }  # fmt: skip
    unrounded = rules.score_total(CRITERIA, scores_for(values))
    assert unrounded.total == D("4.995") and unrounded.total < 5  # fails the pass mark
    rounded = rules.score_total(CRITERIA, scores_for(values), rounding="two_decimals")
    assert rounded.total == D("5.00")  # 4.995 half-up → 5.00, passes


def test_average_reading_of_the_table_header_is_available_as_the_gap_setting():
    # C2 under "average": (2/2.5 + 1.5/2.5 + 4/5) / 3 × 10 = (0.8 + 0.6 + 0.8)/3 × 10 = 7.33
    result = rules.score_total(CRITERIA, scores_for(WORKED), aggregation="average")
    assert result.criteria[1].score == D("7.33")


@pytest.mark.parametrize(
    ("partners", "expected"),
    [(12, "2.5"), (10, "2.5"), (9, "2"), (8, "1.5"), (7, "1"), (6, "0.5"), (5, "0"), (3, "0")],
)
def test_partner_count_sub_criterion_follows_the_annex_v_scale(partners, expected):
    assert rules.partner_count_score(partners) == D(expected)


def test_partner_count_scale_is_read_from_the_call_configuration():
    scale = rules.partner_scale_from_config(
        seeds.call004()["versions"][0]["fields"]["config"]["partner_count_scale"]
    )
    assert scale == rules.DEFAULT_PARTNER_SCALE


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2.6", "εκτός κλίμακας 0–2.5"),
        ("-0.5", "εκτός κλίμακας"),
        ("1.255", "δεύτερο δεκαδικό"),
        ("καλό", "αριθμός"),
        ("NaN", "αριθμός"),
    ],
)
def test_a_score_outside_its_scale_is_refused_with_a_greek_message(raw, message):
    sub = CRITERIA[0].subs[0]
    with pytest.raises(rules.ScoreRefused) as exc:
        rules.validate_sub_score(sub, raw)
    assert message in exc.value.message


def test_a_score_between_anchors_is_allowed_unless_the_call_keeps_to_the_named_levels():
    sub = CRITERIA[0].subs[0]
    assert rules.validate_sub_score(sub, "1,75") == D("1.75")
    with pytest.raises(rules.ScoreRefused):
        rules.validate_sub_score(sub, "1.75", anchors_only=True)
    assert rules.validate_sub_score(sub, "1.5", anchors_only=True) == D("1.50")


def test_a_missing_justification_is_refused():
    with pytest.raises(rules.ScoreRefused) as exc:
        rules.validate_justification(CRITERIA[0].subs[0], "  καλό ")
    assert exc.value.field == "justification"


def test_stage_b_fails_on_one_no_and_lists_the_condition_and_stays_open_while_unanswered():
    answers = dict.fromkeys(rules.CONDITION_CODES, rules.YES)
    answers["E04"] = rules.NA
    assert rules.stage_b_result(answers).passed
    answers["E12"] = rules.NO
    result = rules.stage_b_result(answers)
    assert not result.passed and "E12" in result.reasons[0] and "προβληματική" in result.reasons[0]
    del answers["E30"]
    assert rules.stage_b_result(answers).missing == ("E30",)
    assert len(rules.CONDITION_CODES) == 31


def test_partner_composition_needs_a_research_body_and_five_smes():
    assert rules.partner_composition_ok(["research"] + ["sme"] * 5)
    assert not rules.partner_composition_ok(["sme"] * 9)
    assert not rules.partner_composition_ok(["research"] + ["sme"] * 4 + ["large"])


CATEGORIES = {
    "02.06": {"budget_group": "investment", "aid_intensity_percent": D(65), "intensity_table": {}},
    "01.10": {"budget_group": "operating", "aid_intensity_percent": D(50), "intensity_table": {}},
}


def test_budget_after_cuts_and_public_expenditure():
    # Lines: equipment 200,000 at 65% and personnel 150,000 at 50%; a cut of 30,000 on equipment.
    #   eligible = 350,000 − 30,000 = 320,000
    #   public   = 170,000 × 65% + 150,000 × 50% = 110,500 + 75,000 = 185,500
    lines = [
        {"id": 1, "category": "02.06", "amount": "200000"},
        {"id": 2, "category": "01.10", "amount": "150000"},
    ]
    result = rules.budget_after_cuts(lines, [{"line_id": 1, "amount": "30000"}], CATEGORIES, size="small")
    assert result.total_budget == D("350000.00")
    assert result.eligible_budget == D("320000.00")
    assert result.public_expenditure == D("185500.00")


def test_budget_above_the_cap_is_private_participation_and_the_aid_is_scaled_to_the_cap():
    # 600,000 of equipment at 65% = 390,000 aid; cap 500,000 → 390,000 × 500/600 = 325,000.
    lines = [{"id": 1, "category": "02.06", "amount": "600000"}]
    result = rules.budget_after_cuts(lines, [], CATEGORIES, size="small", max_budget=D("500000"))
    assert result.subsidised_budget == D("500000.00")
    assert result.public_expenditure == D("325000.00")


def _stage(ok=True):
    return rules.StageResult(passed=ok, reasons=() if ok else ("Προϋπόθεση E12 δεν πληρείται",))


def test_funding_needs_all_four_conditions_of_section_10_2():
    ok = {"stage_a": _stage(), "stage_b": _stage(), "eligible_budget": D("300000"), "total": D("5")}
    assert rules.funding_reasons(**ok) == []  # exactly €300,000 and exactly 5 pass
    assert "κάτω από το ελάχιστο" in rules.funding_reasons(**{**ok, "eligible_budget": D("299999.99")})[0]
    assert rules.funding_reasons(**ok, min_budget_inclusive=False)  # §4.c22 reading: must exceed
    assert "κάτω από τη βάση 5" in rules.funding_reasons(**{**ok, "total": D("4.9975")})[0]
    reasons = rules.funding_reasons(**{**ok, "stage_b": _stage(False)})
    assert reasons[0].startswith("Δεν πληρούνται όλες οι τυπικές") and "E12" in reasons[1]


def cand(i, total, public, **kw):
    return rules.Candidate(id=i, code=f"APP-{i}", total=D(total), public_expenditure=D(public), **kw)


def test_funded_down_the_ranking_until_the_budget_runs_out():
    # Budget 1,000,000. Ranked 8.1 (400k), 7.4 (350k), 6.9 (300k), 6.0 (200k); one fails on score.
    #   400k → 600k left; 350k → 250k left; 300k does not fit → stop; 6.0 also goes to table 3
    #   even though 200k would fit (no jumping the ranking).
    cands = [
        cand(1, "6.9", "300000"),
        cand(2, "8.1", "400000"),
        cand(3, "4.2", "350000", reasons=("Συνολική βαθμολογία 4.20 κάτω από τη βάση 5",)),
        cand(4, "7.4", "350000"),
        cand(5, "6.0", "200000"),
    ]
    res = rules.allocate(cands, D("1000000"))
    assert [(r, c.id) for r, c, _ in res.funded] == [(1, 2), (2, 4)]
    assert [c.id for _, c in res.unfunded] == [1, 5]
    assert [c.id for c in res.rejected] == [3]
    assert res.remaining == D("250000.00")
    assert res.line_score == D("7.4")
    table = rules.tables(res)
    assert [row["code"] for row in table["funded"]] == ["APP-2", "APP-4"]
    assert table["rejected"][0]["reasons"]


def test_part_funding_of_the_last_application_only_when_the_call_allows_it():
    cands = [cand(1, "8", "400000"), cand(2, "7", "400000")]
    res = rules.allocate(cands, D("600000"), part_funding=True)
    assert [(c.id, a) for _, c, a in res.funded] == [(1, D("400000")), (2, D("200000.00"))]


def test_a_tie_at_the_budget_line_is_flagged_to_the_committee_by_default():
    # Budget 800,000: 8.0 (400k) funded → 400k left; two at 7.25 with 300k each: one fits, not both.
    cands = [
        cand(1, "8", "400000"),
        cand(2, "7.25", "300000"),
        cand(3, "7.25", "300000"),
        cand(4, "6", "100000"),
    ]
    res = rules.allocate(cands, D("800000"))
    assert [c.id for _, c, _ in res.funded] == [1]
    assert res.needs_committee and [c.id for c in res.tie] == [2, 3]
    assert [c.id for _, c in res.unfunded] == [4]
    assert rules.tables(res)["needs_committee"] is True


def test_the_committee_resolves_the_tie_by_recording_an_order():
    cands = [cand(1, "8", "400000"), cand(2, "7.25", "300000"), cand(3, "7.25", "300000")]
    res = rules.allocate(cands, D("800000"), resolved_order=[3, 2])
    assert [c.id for _, c, _ in res.funded] == [1, 3]
    assert [c.id for _, c in res.unfunded] == [2]
    assert not res.needs_committee


def test_a_tie_that_fits_entirely_or_not_at_all_is_not_flagged():
    cands = [cand(1, "7.25", "300000"), cand(2, "7.25", "300000")]
    assert not rules.allocate(cands, D("600000")).needs_committee  # both fit
    res = rules.allocate(cands, D("200000"))  # neither fits
    assert not res.needs_committee and len(res.unfunded) == 2


def test_submission_time_and_criteria_order_policies_break_the_tie():
    a = cand(1, "7.25", "300000", submitted_at="2024-10-04T14:00:00", criteria=(D("8"), D("5")))
    b = cand(2, "7.25", "300000", submitted_at="2024-10-01T09:00:00", criteria=(D("7"), D("9")))
    by_time = rules.allocate([a, b], D("400000"), tie_policy=rules.TIE_SUBMISSION_TIME)
    assert [c.id for _, c, _ in by_time.funded] == [2]  # submitted earlier
    by_criteria = rules.allocate([a, b], D("400000"), tie_policy=rules.TIE_CRITERIA_ORDER)
    assert [c.id for _, c, _ in by_criteria.funded] == [1]  # higher criterion 1 (8 > 7)


def test_shared_ranks_for_equal_totals():
    ranked = rules.rank([cand(1, "8", "1"), cand(2, "7", "1"), cand(3, "7", "1"), cand(4, "6", "1")])
    assert [r for r, _ in ranked] == [1, 2, 2, 4]


def test_what_if_shows_where_the_funding_line_falls_for_another_budget():
    cands = [cand(1, "8.1", "400000"), cand(2, "7.4", "350000"), cand(3, "6.9", "300000")]
    at_4m = rules.what_if(cands, D("4000000"))
    assert at_4m.funded_count == 3 and at_4m.next_needed is None
    at_1m = rules.what_if(cands, D("1000000"))
    # 400k + 350k = 750k funded, 250k left; the third needs 300k → 50k more.
    assert (at_1m.funded_count, at_1m.funded_amount, at_1m.next_needed) == (2, D("750000.00"), D("50000.00"))
    assert at_1m.line_score == D("7.4")


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("500.000", "500000.00"),
        ("1.000.000,50", "1000000.50"),
        ("4000000", "4000000.00"),
        ("250.000,5", "250000.50"),
    ],
)
def test_amounts_typed_the_greek_way_are_understood(typed, amount):
    assert rules.parse_amount(typed) == D(amount)


def test_a_full_stop_before_fewer_than_three_digits_asks_for_the_comma():
    # «250000.5» could be 250.000,50 € or a typo: Greek notation puts decimals after a comma
    with pytest.raises(ValueError, match="κόμμα"):
        rules.parse_amount("250000.5")


# --- the call's settings, read through calls.gaps as the services read them ----------------------


def _config(**gaps):
    config = seeds.call004()["versions"][0]["fields"]["config"]
    return {**config, "gaps": {**config.get("gaps", {}), **gaps}}


def test_setting_criterion_aggregation_changes_outcome():
    # C2 of the worked example: sum 2 + 1.5 + 4 = 7.50; average (0.8 + 0.6 + 0.8)/3 × 10 = 7.33.
    from calls.gaps import gap_value

    as_sum = rules.score_total(
        CRITERIA,
        scores_for(WORKED),
        aggregation=gap_value(_config(criterion_aggregation="sum"), "criterion_aggregation"),
    )
    as_average = rules.score_total(
        CRITERIA,
        scores_for(WORKED),
        aggregation=gap_value(_config(criterion_aggregation="average"), "criterion_aggregation"),
    )

    assert as_sum.criteria[1].score == D("7.5")
    assert as_average.criteria[1].score == D("7.33")


def test_setting_score_rounding_changes_outcome():
    # 4.995 exactly: below the pass mark unrounded, 5.00 (passes) when rounded half-up first.
    from calls.gaps import gap_value

    values = {
        "1.α": "2.5", "1.β": "2.5", "1.γ": "2.5", "1.δ": "2.4",
        "3.α": "2.5", "3.β": "2.5", "3.γ": "2.5", "3.δ": "2.4",
        "6.—": "6.9",
    }  # fmt: skip
    unrounded = rules.score_total(
        CRITERIA,
        scores_for(values),
        rounding=gap_value(_config(score_rounding="unrounded"), "score_rounding"),
    )
    rounded = rules.score_total(
        CRITERIA,
        scores_for(values),
        rounding=gap_value(_config(score_rounding="two_decimals"), "score_rounding"),
    )

    assert unrounded.total < D("5")
    assert rounded.total == D("5.00")


def test_setting_partner_count_scale_changes_outcome():
    # 8 partners score 1.5 on the Annex V scale; a call whose scale gives 2.5 from 8 partners up
    # scores the same cluster 2.5 (criterion 3β).
    seeded = rules.partner_scale_from_config(_config()["partner_count_scale"])
    generous = rules.partner_scale_from_config(
        [{"min_partners": 8, "score": "2.5"}, {"min_partners": 5, "score": "0"}]
    )

    assert rules.partner_count_score(8, seeded) == D("1.5")
    assert rules.partner_count_score(8, generous) == D("2.5")


def test_a_cut_that_leaves_the_own_participation_below_25_percent_is_a_funding_reason():
    # Contract research 100,000 (industrial, small, disseminated: 80%) + equipment 100,000 (65%).
    # Cutting the equipment leaves plan 100,000, aid 80,000, private 20,000 = 20% < 25% (§4 όρος 24(i)).
    categories = {
        "04.02": {
            "budget_group": "rnd",
            "intensity_table": {"industrial": {"small": 70}, "dissemination_bonus": 15, "cap": 80},
        },
        "02.06": {"budget_group": "investment", "aid_intensity_percent": 65},
    }
    lines = [
        {
            "id": 1,
            "category": "04.02",
            "amount": "100000",
            "research_type": "industrial",
            "dissemination": True,
        },
        {"id": 2, "category": "02.06", "amount": "100000"},
    ]

    whole = rules.budget_after_cuts(lines, [], categories, size="small")
    cut = rules.budget_after_cuts(lines, [{"line_id": 2, "amount": "100000"}], categories, size="small")

    assert rules.private_share_reason(whole, min_percent="25") is None  # 55,000 of 200,000 = 27,5%
    assert rules.private_share_after_cuts(cut) == D("20.00")
    reason = rules.private_share_reason(cut, min_percent="25")
    assert "20.000,00 €" in reason and "20,00%" in reason and "§4 όρος 24(i)" in reason
