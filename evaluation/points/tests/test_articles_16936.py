"""ΚΥΑ 16936 articles read from the seed and pinned to worked examples derived from their text.

Art. 4(1)(α) registration on the call's publication date; 4(1)(γ) the Greek-language certificate of
EU citizens and the ομογενείς; 4(2)(ε) and 6(5) εδ. β' the bars; 5(6) one ranking per education
category; 6(2) the tie-breakers of the call; the gap settings `income_column` and `age_rule`.
"""

import datetime
from decimal import Decimal

import pytest

from applications import rules as application_rules
from calls.seeds import kya16936
from evaluation.points import rules

GRID = kya16936()["versions"][0]["fields"]["config"]["points_grid"]
T0 = datetime.datetime(2025, 9, 1, 9, 0, tzinfo=datetime.UTC)
PUBLISHED = datetime.date(2025, 7, 1)
DEADLINE = datetime.date(2025, 9, 30)
SERVICES = ["opekepe-athina"]


def facts(**overrides) -> rules.Facts:
    values = {
        "registered": True,
        "card_status": "active",
        "individual_approach_completed": True,
        "action_plan_agreed": True,
        "citizenship": "GR",
        "continuous_months": 8,
        "individual_income": Decimal("9000.00"),
        "family_income": Decimal("9400.00"),
        "joint_return": True,
        "age": 40,
        "minor_children": 0,
        "preferences": ("opekepe-athina",),
        "pension_declaration": True,
        "education": "ΠΕ",
    }
    values.update(overrides)
    return rules.Facts(**values)


def codes(reasons):
    return [r.code for r in reasons]


def reasons_of(f, **kw):
    kw.setdefault("publication_date", PUBLISHED)
    kw.setdefault("critical_date", DEADLINE)
    return rules.eligibility_reasons(f, GRID, allowed_services=SERVICES, **kw)


# --- Art. 4(1)(α): registered on the publication date and after ------------------------------------


def test_registered_on_the_publication_day_is_eligible():
    # Given a call published on 01/07/2025 and a registration that started that same day
    # Then the condition «κατά την ημερομηνία δημοσίευσης … και μετά» holds.
    assert reasons_of(facts(registered_since=datetime.date(2025, 7, 1))) == []


def test_registered_the_day_after_publication_is_excluded_with_both_dates():
    # Given the registration started 02/07/2025, one day after the call's publication
    reasons = reasons_of(facts(registered_since=datetime.date(2025, 7, 2)))
    # Then the candidate goes to the exclusion table, the reason naming the article and both dates.
    assert codes(reasons) == ["registered_after_publication"]
    assert "02/07/2025" in reasons[0].message and "01/07/2025" in reasons[0].message
    assert "Άρθ. 4(1)(α)" in reasons[0].message


def test_registration_rule_at_submission_names_the_dates():
    problem = application_rules.registration_problem(
        registered=True, registered_since=datetime.date(2025, 7, 2), publication_date=PUBLISHED
    )
    assert problem.code == "registered_after_publication" and problem.field == "amka"
    assert (
        application_rules.registration_problem(
            registered=True, registered_since=PUBLISHED, publication_date=PUBLISHED
        )
        is None
    )


# --- Art. 4(1)(γ): EU citizens need the Greek-language level of their category ----------------------


@pytest.mark.parametrize(
    ("education", "administrative", "needed"),
    [
        ("ΥΕ", True, "A2"),  # Α' ΕΠΙΠΕΔΟ/Α2: Υποχρεωτικής Εκπαίδευσης
        ("ΔΕ", False, "B1"),  # Β'/Β1: ΔΕ μη διοικητικού ή εργατοτεχνικού
        ("ΔΕ", True, "B2"),  # Γ'/Β2: ΔΕ διοικητικού
        ("ΠΕ", False, "B2"),  # Γ'/Β2: ΠΕ/ΤΕ μη διοικητικού
        ("ΤΕ", True, "C1"),  # Δ'/Γ1: ΠΕ/ΤΕ διοικητικού
        ("ΠΕ", True, "C1"),
    ],
)
def test_required_greek_level_per_category(education, administrative, needed):
    assert application_rules.required_greek_level(education, administrative=administrative) == needed


def test_german_citizen_with_b2_is_excluded_from_pe_administrative_but_c1_is_eligible():
    # Given a German citizen applying in category ΠΕ for administrative positions (needs Δ'/Γ1)
    with_b2 = reasons_of(facts(citizenship="DE", greek_cert_level="B2", administrative=True))
    assert codes(with_b2) == ["greek_language"]
    assert "Δ' επίπεδο / Γ1" in with_b2[0].message and "Γ' επίπεδο / B2" in with_b2[0].message
    # When the certificate is of level Γ1 she is eligible.
    assert reasons_of(facts(citizenship="DE", greek_cert_level="C1", administrative=True)) == []


def test_eu_citizen_in_ye_needs_only_a2_and_none_is_excluded():
    assert reasons_of(facts(citizenship="BG", education="ΥΕ", greek_cert_level="A2")) == []
    no_cert = reasons_of(facts(citizenship="BG", education="ΥΕ", greek_cert_level=""))
    assert codes(no_cert) == ["greek_language"] and "κανένα" in no_cert[0].message


def test_omogenis_from_a_third_country_is_eligible_without_a_language_certificate():
    # Art. 4(1)(γ): ομογενείς, «χωρίς να απαιτείται πιστοποιητικό ελληνικής ιθαγένειας».
    assert reasons_of(facts(citizenship="AL", declared_omogenis=True)) == []
    assert codes(reasons_of(facts(citizenship="AL"))) == ["citizenship"]


# --- Art. 6(5) εδ. β' and Art. 4(2)(ε): bars recorded on the person ---------------------------------


def test_a_placement_declined_in_an_earlier_programme_bars_without_end():
    bar = rules.Bar(rules.BAR_DECLINED, datetime.date(2020, 1, 15), "Πρόγραμμα 2019")
    reasons = reasons_of(facts(bars=(bar,)))
    assert codes(reasons) == ["previous_refusal"] and "Άρθ. 6(5)" in reasons[0].message


@pytest.mark.parametrize(
    ("critical", "barred"),
    [(datetime.date(2026, 3, 9), True), (datetime.date(2026, 3, 10), False)],
)
def test_dismissal_from_a_public_post_bars_for_five_years(critical, barred):
    # Dismissed 10/03/2021 → «αν δεν παρέλθει πενταετία»: barred until 09/03/2026, free on 10/03/2026.
    bar = rules.Bar(rules.BAR_DISMISSAL, datetime.date(2021, 3, 10), "Δήμος Χ")
    reasons = reasons_of(facts(bars=(bar,)), critical_date=critical)
    assert (codes(reasons) == ["public_dismissal"]) is barred
    if barred:
        assert "10/03/2026" in reasons[0].message and "Άρθ. 4(2)(ε)" in reasons[0].message


# --- Art. 5(6): one ranking and one set of positions per education category ------------------------


def cand(app_id, total_u, education, prefs=("A",), at=T0):
    return rules.Candidate(
        app_id, f"K-{app_id:03d}", rules.Points(total_u, 0, 0, 0, "individual"), at, prefs, education
    )


def test_candidates_of_different_categories_do_not_compete_for_a_position():
    # Given Athens (A) with 1 ΠΕ and 1 ΔΕ position; ΠΕ: P1 60, P2 58 points; ΔΕ: D1 40 points
    p1, p2, d1 = cand(1, 60, "ΠΕ"), cand(2, 58, "ΠΕ"), cand(3, 40, "ΔΕ")
    by_category = rules.rank_by_category([d1, p2, p1])
    # When allocated per category
    result = rules.allocate_by_category(by_category, {"A": {"ΠΕ": 1, "ΔΕ": 1}})
    # Then P1 and D1 are placed and P2 is a runner-up although 58 > 40.
    assert list(by_category) == ["ΠΕ", "ΔΕ"]
    assert result.service_by_candidate == {1: "A", 3: "A"}
    assert result.unplaced == [2]
    # Merged into one pool of 2 positions, P2 would have taken D1's place.
    merged = rules.allocate(rules.rank([p1, p2, d1]), {"A": 2})
    assert merged.service_by_candidate == {1: "A", 2: "A"}


def test_each_category_fills_its_own_positions_across_preferences():
    # Athens: ΠΕ 1; Larisa (L): ΠΕ 1, ΥΕ 1. Y1 prefers Athens first but Athens has no ΥΕ position.
    p1 = cand(1, 50, "ΠΕ", ("A", "L"))
    p2 = cand(2, 40, "ΠΕ", ("A", "L"))
    y1 = cand(3, 70, "ΥΕ", ("A", "L"))
    result = rules.allocate_by_category(
        rules.rank_by_category([p1, p2, y1]), {"A": {"ΠΕ": 1}, "L": {"ΠΕ": 1, "ΥΕ": 1}}
    )
    assert result.service_by_candidate == {1: "A", 2: "L", 3: "L"}
    assert result.preference_rank == {1: 1, 2: 2, 3: 2}


def test_a_vacated_position_goes_to_the_next_candidate_of_its_category():
    remaining = [cand(5, 80, "ΔΕ", ("A",)), cand(6, 50, "ΠΕ", ("A",))]
    found, preference = rules.replacement_for("A", remaining, education="ΠΕ")
    assert found.application_id == 6 and preference == 1


# --- Art. 6(2) tie-breakers: the call's order, and which one decided -------------------------------


def tied(app_id, u, i, a, c, at=T0):
    return rules.Candidate(app_id, f"K-{app_id:03d}", rules.Points(u, i, a, c, "individual"), at, ("A",))


def test_setting_tie_breakers_changes_outcome():
    # Given two candidates with 77 points: X 12+30+25+10, Y 7+30+35+5 (more on i vs more on iii)
    x, y = tied(1, 12, 30, 25, 10), tied(2, 7, 30, 35, 5)
    # With the Art. 6(2) order (i first) X is ahead
    default = rules.tie_breaker_order(GRID["tie_breakers"])
    assert [c.application_id for c in rules.rank([y, x], default)] == [1, 2]
    assert rules.tie_notes(rules.rank([y, x], default), default) == {1: "κριτήριο i (συνεχόμενη ανεργία)"}
    # When the call puts age before unemployment, Y is ahead.
    changed = rules.tie_breaker_order(["total", "age", "unemployment", "income", "children", "submitted_at"])
    assert [c.application_id for c in rules.rank([x, y], changed)] == [2, 1]
    assert rules.tie_break_step(y, x, changed) == "age"


def test_unknown_tie_breaker_names_are_ignored_and_an_empty_list_is_the_article():
    assert rules.tie_breaker_order(["total", "bogus", "total"]) == ("total",)
    assert rules.tie_breaker_order([]) == rules.DEFAULT_TIE_BREAKERS


def test_identical_points_are_decided_by_the_submission_time_and_say_so():
    early = tied(1, 5, 30, 35, 0, at=T0)
    late = tied(2, 5, 30, 35, 0, at=T0 + datetime.timedelta(seconds=1))
    ranked = rules.rank([late, early])
    assert [c.application_id for c in ranked] == [1, 2]
    assert rules.tie_notes(ranked) == {1: "χρόνος υποβολής της ηλεκτρονικής αίτησης"}


# --- Gap settings: income column and age rule ------------------------------------------------------


def test_setting_income_column_changes_outcome():
    # Given a joint return: individual 9,000.00 (band 8,000.01–12,000 → 10) and family 9,400.00
    # (band 7,000.01–10,000 → 25)
    f = facts(individual_income=Decimal("9000.00"), family_income=Decimal("9400.00"), joint_return=True)
    by_return = rules.compute_points(f, GRID, income_rule="joint_return_family")
    individual = rules.compute_points(f, GRID, income_rule="individual")
    assert (by_return.income, by_return.income_column) == (25, "family")
    assert (individual.income, individual.income_column) == (10, "individual")


def test_setting_age_rule_changes_outcome():
    # Born 01/10/1995, deadline 30/09/2025: 29 completed years (45 points); by birth years 30 (35).
    f = facts(birth_date=datetime.date(1995, 10, 1), age=29)
    completed = rules.compute_points(f, GRID, age_rule="completed_years_at_deadline", on=DEADLINE)
    by_year = rules.compute_points(f, GRID, age_rule="birth_year", on=DEADLINE)
    assert (completed.age, by_year.age) == (45, 35)


def test_age_rule_decides_whether_a_seventeen_year_old_is_excluded():
    # Born 15/12/2007: 17 on 30/09/2025 (excluded, no band) but 2025 − 2007 = 18 by birth years.
    f = facts(birth_date=datetime.date(2007, 12, 15), age=17)
    assert codes(reasons_of(f, age_rule="completed_years_at_deadline")) == ["age"]
    assert reasons_of(f, age_rule="birth_year") == []
