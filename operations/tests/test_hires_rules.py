"""ΚΥΑ 7066 rules of the hires area, pinned to worked dates and amounts from the articles."""

from datetime import date as D
from datetime import time as T
from decimal import Decimal

from operations.rules import hires as rules


def test_hiring_deadline_is_60_days_from_the_notice_art_7_4():
    # note §6.6: approval e-mailed Mon 02/06/2025 → hires by 01/08/2025
    assert rules.hiring_deadline(D(2025, 6, 2)) == D(2025, 8, 1)
    assert rules.hiring_anchor(
        reading="email_sent", notified_on=D(2025, 6, 2), issued_on=D(2025, 5, 28)
    ) == D(2025, 6, 2)
    assert rules.hiring_anchor(
        reading="decision_issued", notified_on=D(2025, 6, 2), issued_on=D(2025, 5, 28)
    ) == D(2025, 5, 28)


def test_month_amount_reduces_by_one_twentyfifth_per_day_short_art_5_1_3():
    rate = Decimal("1185.00")
    assert rules.month_amount(rate, 25) == Decimal("1185.00")
    assert rules.month_amount(rate, 20) == Decimal("948.00")
    assert rules.month_amount(rate, 28) == Decimal("1185.00")  # no increase above 25
    assert rules.month_amount(rate, 18) == Decimal("853.20")  # E4
    assert rules.month_amount(Decimal("829.50"), 20) == Decimal("663.60")  # E3
    # E5: a two-month tranche of 25 + 22 days
    assert rules.month_amount(rate, 25) + rules.month_amount(rate, 22) == Decimal("2227.80")


def test_subsidy_months_and_two_month_periods_from_the_hire_date_art_5_1_1_and_8_1():
    months = rules.subsidy_months(D(2025, 7, 15))
    assert (months[0].start, months[0].end, months[0].days) == (D(2025, 7, 15), D(2025, 8, 14), 31)
    assert months[11].end == D(2026, 7, 14)
    # note §6.6: P1 15/07–14/09/2025 due 13/12/2025; P3 15/11/2025–14/01/2026 due 14/04/2026
    assert rules.claim_period(D(2025, 7, 15), 1) == (D(2025, 7, 15), D(2025, 9, 14))
    assert rules.claim_deadline(D(2025, 9, 14)) == D(2025, 12, 13)
    assert rules.claim_period(D(2025, 7, 15), 3) == (D(2025, 11, 15), D(2026, 1, 14))
    assert rules.claim_deadline(D(2026, 1, 14)) == D(2026, 4, 14)


def test_claim_is_refused_before_the_period_ends_and_after_90_days_art_8_1():
    end = D(2025, 9, 14)
    assert rules.claim_timing_problem(period_end=end, today=D(2025, 9, 14)).code == "period_not_ended"
    assert rules.claim_timing_problem(period_end=end, today=D(2025, 9, 15)) is None
    assert rules.claim_timing_problem(period_end=end, today=D(2025, 12, 13)) is None
    late = rules.claim_timing_problem(period_end=end, today=D(2025, 12, 14))
    assert late.code == "claim_late" and "8.1" in late.message and "13/12/2025" in late.message


def test_employed_days_bound_the_days_a_month_can_claim():
    month = rules.subsidy_months(D(2026, 1, 10))[0]  # 10/01–09/02/2026
    assert rules.employed_days(month, hire_date=D(2026, 1, 10), left_on=None) == 31
    assert rules.employed_days(month, hire_date=D(2026, 1, 10), left_on=D(2026, 1, 31)) == 22


def test_night_only_contracts_art_4_2_1_gamma():
    assert rules.night_only(T(22, 0), T(6, 0))
    assert rules.night_only(T(23, 0), T(5, 0))
    assert not rules.night_only(T(21, 0), T(5, 0))
    assert not rules.night_only(T(8, 0), T(16, 0))
    assert not rules.night_only(T(22, 0), T(7, 0))


def _facts(**over):
    base = {
        "referral_date": D(2026, 9, 1),
        "submitted_on": D(2026, 7, 1),
        "registered": True,
        "registered_since": D(2025, 1, 13),
        "kpa2_name": "ΚΠΑ2 Κοζάνης",
        "individual_approach_completed": True,
        "action_plan_agreed": True,
        "citizenship": "GR",
        "previous_employers": (("809616685", D(2024, 12, 31)),),
        "applicant_afms": frozenset({"808982626"}),
        "earlier_hires_by_applicant": (),
        "work_from": T(8, 0),
        "work_to": T(16, 0),
        "declaration_exclusions": True,
        "declaration_other_scheme": True,
        "full_time": True,
    }
    return rules.ReferralFacts(**{**base, **over})


def test_a_clean_referral_has_no_problem_art_4_2_1():
    assert rules.referral_problems(_facts()) == []


def test_each_exclusion_of_art_4_2_1_is_refused_naming_its_paragraph():
    cases = {
        "employed_last_12_months": {"previous_employers": (("808982626", D(2026, 3, 31)),)},  # α1
        "hired_after_submission": {"earlier_hires_by_applicant": (D(2026, 8, 1),)},  # β
        "night_only": {"work_from": T(22, 0), "work_to": T(6, 0)},  # γ
        "not_full_time": {"full_time": False},  # δ4, Art. 1.3
        "not_registered": {"registered": False},
        "kpa2_area": {"kpa2_name": "ΚΠΑ2 Θεσσαλονίκης"},
        "action_plan": {"action_plan_agreed": False},  # α (first list)
        "declaration_exclusions": {"declaration_exclusions": False},
        "declaration_other_scheme": {"declaration_other_scheme": False},  # δ1–δ3
    }
    articles = {
        "employed_last_12_months": "4.2.1α1",
        "hired_after_submission": "4.2.1β",
        "night_only": "4.2.1γ",
        "not_full_time": "4.2.1δ4",
        "action_plan": "4.2.1α",
    }
    for code, over in cases.items():
        problems = rules.referral_problems(_facts(**over))
        assert [p.code for p in problems] == [code], code
        assert articles.get(code, "4.2.1") in problems[0].message
    # employment with the applicant more than 12 months before the referral does not exclude
    assert rules.referral_problems(_facts(previous_employers=(("808982626", D(2025, 8, 31)),))) == []


def test_category_from_the_work_history_art_5_1_3():
    assert (
        rules.affected_sector("05201000")
        and rules.affected_sector("43210000")
        and rules.affected_sector("35111000")
    )
    assert not rules.affected_sector("47811001") and not rules.affected_sector("10711000")
    assert rules.person_category(["47811001"], never_employed_reading="flag")[0] == "01.23"
    assert rules.person_category(["47811001", "09901000"], never_employed_reading="flag")[0] == "01.22"


def test_replacement_deadline_30_days_plus_one_extension_of_30_art_10_2():
    assert rules.replacement_due(D(2026, 3, 31)) == D(2026, 4, 30)
    assert rules.replacement_due(D(2026, 3, 31), extended=True) == D(2026, 5, 30)


def test_a_reduction_in_the_last_month_is_replaced_by_the_end_of_the_action_art_10_5():
    assert rules.replacement_due(D(2026, 6, 20), action_end=D(2026, 7, 9)) == D(2026, 7, 9)
    assert rules.replacement_due(D(2026, 5, 20), action_end=D(2026, 7, 9)) == D(2026, 6, 19)


def test_category_switch_on_replacement_art_10_3_e11_and_its_reverse():
    # E11: 01.22 paid 5 months (5.925,00), replaced by 01.23 for 7 months (5.806,50) → 11.731,50 ≤ 14.220,00
    ok = rules.category_switch_check(
        approved_total=Decimal("14220.00"),
        committed_elsewhere=Decimal("0"),
        paid_on_position=Decimal("5925.00"),
        remaining_months=7,
        new_rate=Decimal("829.50"),
    )
    assert ok.ok and ok.projected_total == Decimal("11731.50")
    # reverse: 01.23 paid 5 months (4.147,50) + 7 × 1.185,00 = 12.442,50 > 9.954,00 → refused
    refused = rules.category_switch_check(
        approved_total=Decimal("9954.00"),
        committed_elsewhere=Decimal("0"),
        paid_on_position=Decimal("4147.50"),
        remaining_months=7,
        new_rate=Decimal("1185.00"),
    )
    assert not refused.ok and "10.3" in refused.message and "12.442,50 €" in refused.message


def test_served_months_and_what_an_interrupted_position_no_longer_receives_art_10_4():
    assert rules.served_months(D(2026, 1, 10), D(2026, 6, 9)) == 5
    assert rules.served_months(D(2026, 1, 10), D(2026, 6, 10)) == 6  # month 6 begun
    assert rules.remaining_position_amount(
        rate=Decimal("1185.00"), hire_date=D(2026, 1, 10), left_on=D(2026, 6, 9)
    ) == (Decimal("8295.00"))
