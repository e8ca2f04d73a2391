"""ΚΥΑ 16936 rules pinned to worked examples (note 002 §5; the arithmetic is in each test)."""

import datetime
from decimal import Decimal

import pytest

from calls.seeds import kya16936
from evaluation.points import rules

GRID = kya16936()["versions"][0]["fields"]["config"]["points_grid"]
BANDS = GRID["income_bands"]
AGES = GRID["age_bands"]
T0 = datetime.datetime(2025, 9, 1, 9, 0, tzinfo=datetime.UTC)


def facts(**overrides) -> rules.Facts:
    values = {
        "registered": True,
        "card_status": "active",
        "individual_approach_completed": True,
        "action_plan_agreed": True,
        "citizenship": "GR",
        "continuous_months": 8,
        "individual_income": Decimal("2800.00"),
        "family_income": Decimal("9400.00"),
        "joint_return": True,
        "age": 40,
        "minor_children": 3,
        "preferences": ("opekepe-athina",),
        "pension_declaration": True,
    }
    values.update(overrides)
    return rules.Facts(**values)


def candidate(app_id, u, i, a, c, *, at=T0, prefs=("A",)):
    return rules.Candidate(
        app_id, f"K-{app_id:03d}", rules.Points(u, i, a, c, "individual"), at, tuple(prefs)
    )


@pytest.mark.parametrize(
    ("months", "points"), [(0, 0), (1, 1), (8, 8), (12, 12), (13, 12), (40, 12), (-2, 0)]
)
def test_unemployment_one_point_per_full_month_capped_at_twelve(months, points):
    # Art. 4(3)(i): 1 μόριο ανά πλήρη μήνα, ανώτατο 12 → 40 months still give 12.
    assert rules.unemployment_points(months) == points


@pytest.mark.parametrize(
    ("amount", "column", "points"),
    [
        ("0.00", "individual", 30),
        ("3500.00", "individual", 30),  # upper bound inclusive
        ("3500.01", "individual", 25),
        ("5000.00", "individual", 25),
        ("8000.00", "individual", 20),
        ("12000.00", "individual", 10),
        ("12000.01", "individual", 0),
        ("7000.00", "family", 30),
        ("9400.00", "family", 25),
        ("16000.01", "family", 10),
        ("26000.00", "family", 10),  # family band 4 ends at 26,000, not 2 × 12,000
        ("26000.01", "family", 0),
        ("-1500.00", "individual", 30),  # losses read as 0
    ],
)
def test_income_bands_of_article_4_3_ii(amount, column, points):
    assert rules.income_points(Decimal(amount), column=column, bands=BANDS) == points


def test_income_column_is_a_call_setting_defaulting_to_the_tax_return():
    assert rules.income_column(basis="by_return", joint_return=True) == "family"
    assert rules.income_column(basis="by_return", joint_return=False) == "individual"
    assert rules.income_column(basis="individual", joint_return=True) == "individual"
    assert rules.income_column(basis="family", joint_return=False) == "family"


@pytest.mark.parametrize(
    ("age", "points"),
    [(18, 45), (29, 45), (30, 35), (44, 35), (45, 25), (54, 25), (55, 15), (70, 15), (17, None)],
)
def test_age_bands_of_article_4_3_iii(age, points):
    assert rules.age_points(age, bands=AGES) == points


def test_ten_points_per_minor_child_without_ceiling():
    assert rules.children_points(0) == 0
    assert rules.children_points(3) == 30
    assert rules.children_points(7) == 70
    assert rules.children_points(7, cap=4) == 40  # only if a call sets one


def test_worked_example_maria_papadopoulou_scores_98():
    # Registered since 13/01/2025, deadline 30/09/2025 → 8 full months → 8;
    # joint return → family income 9,400.00 → band 7,000.01–10,000 → 25;
    # 40 years old → 30–44 → 35; 3 minor children → 30. Total 8 + 25 + 35 + 30 = 98.
    points = rules.compute_points(facts(), GRID)
    assert points.as_dict() == {
        "unemployment": 8,
        "income": 25,
        "age": 35,
        "children": 30,
        "total": 98,
        "income_column": "family",
    }


def test_eligible_candidate_has_no_reasons():
    assert rules.eligibility_reasons(facts(), GRID, allowed_services=["opekepe-athina"]) == []


def test_every_failed_condition_is_listed_with_its_article():
    bad = facts(
        registered=False,
        individual_approach_completed=False,
        action_plan_agreed=False,
        citizenship="AL",
        pension_declaration=False,
        age=17,
        preferences=("a", "b", "c", "d"),
        previously_refused_placement=True,
    )
    reasons = rules.eligibility_reasons(bad, GRID, allowed_services=["a", "b", "c", "d"])
    assert [r.code for r in reasons] == [
        "not_registered",
        "no_individual_approach",
        "no_action_plan",
        "citizenship",
        "no_pension_declaration",
        "age",
        "preferences",
        "previous_refusal",
    ]
    assert "Άρθ. 4(1)(α)" in reasons[0].message
    assert "Άρθ. 6(5)" in reasons[-1].message


def test_other_eu_citizen_needs_greek_language_certificate_and_omogenis_is_accepted():
    reasons = rules.eligibility_reasons(facts(citizenship="DE"), GRID, allowed_services=["opekepe-athina"])
    assert [r.code for r in reasons] == ["greek_language"]
    assert (
        rules.eligibility_reasons(
            facts(citizenship="DE", greek_language_certified=True), GRID, allowed_services=["opekepe-athina"]
        )
        == []
    )
    assert (
        rules.eligibility_reasons(
            facts(citizenship="AL", declared_omogenis=True), GRID, allowed_services=["opekepe-athina"]
        )
        == []
    )


def test_tie_on_total_broken_by_criterion_ii_when_criterion_i_is_equal():
    # Both 77 points: Α = 12 + 30 + 25 + 10, Β = 12 + 20 + 25 + 20. Criterion i equal (12 = 12);
    # criterion ii: 30 > 20 → Α first, although Β has more points for children (Art. 6(2)).
    a, b = candidate(1, 12, 30, 25, 10), candidate(2, 12, 20, 25, 20)
    assert [c.application_id for c in rules.rank([b, a])] == [1, 2]
    assert rules.tie_break_step(a, b) == "income"


def test_tie_breakers_apply_in_the_order_of_article_4_3():
    # All 60 in total; each pair differs first at the criterion named.
    by_unemployment = (candidate(1, 10, 25, 25, 0), candidate(2, 9, 26, 25, 0))
    by_age = (candidate(3, 10, 25, 25, 0), candidate(4, 10, 25, 15, 10))
    by_children = (candidate(5, 10, 20, 15, 15), candidate(6, 10, 20, 15, 15))
    assert rules.tie_break_step(*by_unemployment) == "unemployment"
    assert rules.tie_break_step(*by_age) == "age"
    assert rules.tie_break_step(*by_children) == "code"  # identical points and time: code only
    assert [c.application_id for c in rules.rank([by_age[1], by_age[0]])] == [3, 4]


def test_full_tie_goes_to_the_earlier_electronic_submission():
    # Art. 6(2) last sentence: «σύμφωνα με τον χρόνο υποβολής της ηλεκτρονικής αίτησης».
    late = candidate(1, 8, 25, 35, 30, at=T0 + datetime.timedelta(seconds=1))
    early = candidate(2, 8, 25, 35, 30, at=T0)
    assert [c.application_id for c in rules.rank([late, early])] == [2, 1]
    assert rules.tie_break_step(early, late) == "submitted_at"


def test_higher_total_always_wins():
    assert [
        c.application_id for c in rules.rank([candidate(1, 12, 0, 15, 0), candidate(2, 0, 0, 45, 0)])
    ] == [2, 1]


def test_allocation_by_rank_and_preference():
    # Capacity A:1, B:1. #1 wants A → A (1st preference); #2 wants A then B → B (2nd);
    # #3 wants only A → none left → unplaced (runner-up).
    ranked = [
        candidate(1, 12, 30, 45, 0, prefs=("A", "B")),
        candidate(2, 12, 30, 35, 0, prefs=("A", "B")),
        candidate(3, 12, 30, 25, 0, prefs=("A",)),
    ]
    result = rules.allocate(ranked, {"A": 1, "B": 1})
    assert result.service_by_candidate == {1: "A", 2: "B"}
    assert result.preference_rank == {1: 1, 2: 2}
    assert result.unplaced == [3]
    assert result.free == {"A": 0, "B": 0}


def test_replacement_takes_the_best_ranked_remaining_candidate_who_listed_the_service():
    remaining = [
        candidate(3, 5, 30, 25, 0, prefs=("B",)),
        candidate(4, 4, 30, 25, 0, prefs=("C", "A")),
        candidate(5, 3, 30, 25, 0, prefs=("A",)),
    ]
    found, preference = rules.replacement_for("A", remaining)
    assert (found.application_id, preference) == (4, 2)
    assert rules.replacement_for("Z", remaining) is None


def test_temporary_loss_of_status_keeps_the_place_only_for_almp_or_illness():
    # Art. 5(11).
    assert rules.keeps_place_after_loss("almp") and rules.keeps_place_after_loss("illness")
    assert not any(rules.keeps_place_after_loss(r) for r in ("not_renewed", "revoked", "sanction"))


def test_objection_deadline_skips_easter_holidays():
    # The call's rule (ΚΥΑ 16936 Art. 5(8)–(9), read by evaluation.rules). Posted Thursday
    # 09/04/2026. Day after = Good Friday (holiday), then the weekend and Easter Monday 13/04
    # (holiday): working days 1–3 are Tue 14, Wed 15, Thu 16 → deadline 16/04/2026. The Board then
    # has 10 working days from 17/04 → 30/04/2026 (1 May is a holiday, not reached).
    from evaluation.rules import objection_deadline, objection_decision_due, objection_policy

    policy = objection_policy("points_ranking")
    assert (policy.days, policy.counting, policy.anchor) == (3, "working", "day_after_posting")
    assert objection_deadline(policy, datetime.date(2026, 4, 9)) == datetime.date(2026, 4, 16)
    assert objection_decision_due(policy, datetime.date(2026, 4, 16)) == datetime.date(2026, 4, 30)


def test_register_refusal_reason_is_public_text_by_code_with_the_register_words_as_detail():
    said = {
        "code": "dypa_not_registered",
        "message": "ΔΥΠΑ: ο/η κάτοχος του ΑΜΚΑ 22048802627 δεν είναι εγγεγραμμένος/η",
    }
    reason = rules.register_refusal_reason(said)
    assert reason.code == "register_refused"
    assert "22048802627" not in reason.message and "Άρθ. 4(1)(α)" in reason.message
    assert reason.detail == said["message"]
    unknown = rules.register_refusal_reason({"code": "dypa_something_new", "message": "ΑΜΚΑ 22048802627"})
    assert unknown.message == rules.REGISTER_REFUSAL_DEFAULT
    assert rules.public_reasons([{"code": "x", "message": "m", "detail": "ΑΜΚΑ"}]) == [
        {"code": "x", "message": "m"}
    ]
