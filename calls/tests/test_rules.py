"""The call-level rules, pinned to the figures of the seed texts (no database)."""

from collections import Counter
from decimal import Decimal

import pytest

from calls import rules, seeds

ANNEX2 = [r["code"] for r in seeds.annex2_rows()]
KYA7066 = seeds.kya7066()["versions"][0]
AREAS_7066 = KYA7066["children"]["areas"]
CALL004 = seeds.call004()["versions"][0]
CATEGORIES_004 = {c["code"]: c for c in CALL004["children"]["expense_categories"]}
LIMITS_004 = {
    limit["budget_group"]: limit["max_share_percent"] for limit in CALL004["children"]["budget_limits"]
}


# --- ΚΑΔ (ΚΥΑ 7066 Παράρτημα 2) -------------------------------------------------------------


def test_annex2_has_619_codes_at_the_digit_levels_the_note_counts():
    levels = Counter(rules.kad_digits(code) for code in ANNEX2)

    assert len(ANNEX2) == 619
    assert len(set(ANNEX2)) == 619
    assert levels == {2: 7, 3: 19, 4: 55, 5: 102, 6: 234, 8: 202}


@pytest.mark.parametrize(
    ("kad", "listed_at", "digits"),
    [
        ("84.99.99", "84", 2),  # a whole division (public administration) excludes everything under it
        ("47.85", "47.8", 3),  # group 47.8 (retail via stalls and markets) covers 47.8x classes
        ("47.81.20", "47.81", 4),
        ("01.11.76", "01.11.7", 5),  # 5-digit level continues without a dot
        ("96.09.12.07", "96.09.12", 6),
        ("47.99.55.01", "47.99.55.01", 8),  # an 8-digit entry excludes only itself
    ],
)
def test_kad_is_excluded_at_every_digit_level_of_annex2(kad, listed_at, digits):
    result = rules.kad_is_excluded(kad, ANNEX2)

    assert not result.ok
    assert rules.kad_match(kad, ANNEX2) == listed_at
    assert rules.kad_digits(listed_at) == digits
    assert "Παράρτημα 2 ΚΥΑ 7066" in result.reason


def test_kad_excluded_reason_names_the_code_in_greek():
    result = rules.kad_is_excluded("47.81.10.01", ANNEX2)

    assert result.reason == "Ο ΚΑΔ 47.81.10.01 εξαιρείται (Παράρτημα 2 ΚΥΑ 7066)."
    assert result.code == "kad_excluded"


def test_kad_under_a_listed_ancestor_names_the_ancestor():
    result = rules.kad_is_excluded("01.11.12.05", ANNEX2)

    assert "υπάγεται στον ΚΑΔ 01.11.12" in result.reason


@pytest.mark.parametrize(
    "kad",
    [
        "47.99.55.02",  # sibling of an 8-digit entry
        "47.99.55",  # parent of an 8-digit entry is not excluded
        "47.91.11",  # retail via internet: 47.9 is not listed, only two 47.99.5x.01 codes are
        "56.10.11.01",  # restaurants; only 56.29.19.01 (cook on a works contract) is listed
        "02.10.10",  # forestry: division 02 is NOT in Annex 2 despite the section title
        "62.01.11",
    ],
)
def test_kad_not_in_annex2_is_eligible(kad):
    assert rules.kad_is_excluded(kad, ANNEX2).ok


def test_kad_in_aade_undotted_form_is_matched_like_the_dotted_one():
    assert not rules.kad_is_excluded("47995501", ANNEX2).ok
    assert rules.normalise_kad("56101101") == "56.10.11.01"


def test_invalid_kad_is_refused_with_a_greek_reason():
    result = rules.kad_is_excluded("ΑΒΓ", ANNEX2)

    assert not result.ok
    assert result.code == "kad_invalid"
    assert "Μη έγκυρος ΚΑΔ" in result.reason


def test_allow_list_accepts_descendants_only():
    allow = ["62", "63.1"]

    assert rules.kad_is_allowed("62.01.11", allow).ok
    assert rules.kad_is_allowed("63.11.11", allow).ok
    assert not rules.kad_is_allowed("63.91", allow).ok


# --- areas and pools (ΚΥΑ 7066 Άρθ. 2.2, 4.1.1) ----------------------------------------------


def test_budget_split_70_30_gives_the_seed_pool_amounts():
    pools = rules.split_budget(Decimal("10726800.00"), {"wm": 70, "meg": 30})

    assert pools == {"wm": Decimal("7508760.00"), "meg": Decimal("3218040.00")}


def test_seed_pools_and_yearly_split_add_up_to_the_budget():
    children = KYA7066["children"]

    assert sum(p["amount"] for p in children["pools"]) == Decimal("10726800.00")
    assert [a["amount"] for a in children["annual_allocations"]] == [
        Decimal("1072680.00"),
        Decimal("5800000.00"),
        Decimal("3854120.00"),
    ]


@pytest.mark.parametrize(
    ("region", "unit", "municipality", "pool"),
    [
        ("Δυτικής Μακεδονίας", "Κοζάνης", "Κοζάνης", "wm"),
        ("Δυτικής Μακεδονίας", "Φλώρινας", "Αμυνταίου", "wm"),
        ("Πελοποννήσου", "Αρκαδίας", "Μεγαλόπολης", "meg"),
        ("Πελοποννήσου", "Μεσσηνίας", "Οιχαλίας", "meg"),
        ("ΠΕΡΙΦΕΡΕΙΑ ΠΕΛΟΠΟΝΝΗΣΟΥ", "Π.Ε. Αρκαδίας", "Δήμος Τρίπολης", "meg"),
    ],
)
def test_area_in_the_just_transition_territories_is_eligible_and_finds_its_pool(
    region, unit, municipality, pool
):
    assert rules.area_is_eligible(region, unit, municipality, AREAS_7066).ok
    assert rules.pool_for_area(region, unit, municipality, AREAS_7066) == pool


def test_other_peloponnese_municipality_is_not_eligible():
    result = rules.area_is_eligible(
        "Πελοποννήσου", "Μεσσηνίας", "Καλαμάτας", AREAS_7066, source="ΚΥΑ 7066 Άρθ. 4.1.1"
    )

    assert not result.ok
    assert (
        result.reason
        == "Η περιοχή «Καλαμάτας, Μεσσηνίας, Πελοποννήσου» δεν είναι επιλέξιμη (ΚΥΑ 7066 Άρθ. 4.1.1)."
    )
    assert rules.pool_for_area("Πελοποννήσου", "Μεσσηνίας", "Καλαμάτας", AREAS_7066) is None


def test_call_without_areas_has_no_geographic_restriction():
    assert rules.area_is_eligible("Αττικής", "Κεντρικού Τομέα Αθηνών", "Αθηναίων", []).ok


# --- unit rates (ΚΥΑ 7066 Άρθ. 5.1.3) ---------------------------------------------------------


def test_monthly_rates_of_the_two_categories():
    percents = {"01.22": 100, "01.23": 70}

    assert rules.monthly_rate("01.22", unit_cost="1185.00", rate_percents=percents) == Decimal("1185.00")
    assert rules.monthly_rate("01.23", unit_cost="1185.00", rate_percents=percents) == Decimal("829.50")


def test_monthly_rate_of_unknown_category_is_refused():
    with pytest.raises(rules.UnknownCategory, match="Άγνωστη κατηγορία"):
        rules.monthly_rate("01.99", unit_cost="1185.00", rate_percents={"01.22": 100})


def test_seed_rates_match_the_computed_rates():
    for rate in KYA7066["children"]["unit_rates"]:
        assert (
            rules.monthly_rate(
                rate["code"], unit_cost="1185.00", rate_percents={rate["code"]: rate["rate_percent"]}
            )
            == rate["monthly_amount"]
        )


# --- budget table: caps and intensities (call 004 §6.5.1, §7.2, §7.5) -------------------------


def _lines(
    invest="250000",
    personnel="100000",
    indirect="15000",
    promo="10000",
    rnd="125000",
    rnd_type="industrial",
    dissemination=False,
):
    return [
        {"category": "02.06", "amount": invest},
        {"category": "01.09", "amount": personnel},
        {"category": "09.02", "amount": indirect},
        {"category": "07.03", "amount": promo},
        {"category": "04.02", "amount": rnd, "research_type": rnd_type, "dissemination": dissemination},
    ]


def _check(lines, size="small"):
    return rules.check_budget_table(
        lines, CATEGORIES_004, LIMITS_004, size=size, min_budget="300000", max_budget="500000"
    )


def test_budget_at_the_limits_passes_and_computes_public_aid():
    result = _check(_lines())

    assert result.ok, result.violations
    assert result.subsidised_total == Decimal("500000.00")
    # 250,000 × 65% + 125,000 × 50% + 125,000 × 70% (industrial research, small)
    assert result.public_aid == Decimal("312500.00")


@pytest.mark.parametrize(("size", "aid"), [("small", Decimal("325000.00")), ("medium", Decimal("318750.00"))])
def test_maximum_aid_with_dissemination_bonus_matches_the_note(size, aid):
    result = _check(_lines(dissemination=True), size=size)

    assert result.public_aid == aid


def test_rnd_bonus_is_capped_at_80_percent():
    category = CATEGORIES_004["04.02"]

    assert rules.line_intensity(category, size="small", research_type="industrial", dissemination=True) == 80
    assert (
        rules.line_intensity(category, size="medium", research_type="experimental", dissemination=True) == 50
    )
    assert rules.line_intensity(CATEGORIES_004["04.06"], size="medium", research_type="feasibility") == 60


def test_investment_over_50_percent_reports_limit_and_excess():
    result = _check(_lines(invest="260000", rnd="115000"))

    [violation] = result.violations
    assert violation.code == "group_cap_investment"
    assert violation.limit == Decimal("250000.00")
    assert violation.excess == Decimal("10000.00")
    assert "υπερβαίνουν το όριο 50" in violation.reason
    assert "κατά 10.000,00 €" in violation.reason


def test_rnd_over_25_percent_is_reported():
    result = _check(_lines(invest="245000", rnd="130000"))

    assert [v.code for v in result.violations] == ["group_cap_rnd"]
    assert result.violations[0].excess == Decimal("5000.00")


def test_operating_over_90_percent_is_reported():
    lines = [
        {"category": "01.09", "amount": "400000"},
        {"category": "09.02", "amount": "60000"},
        {"category": "02.06", "amount": "40000"},
    ]

    result = _check(lines)

    assert [v.code for v in result.violations] == ["group_cap_operating"]
    assert result.violations[0].excess == Decimal("10000.00")


def test_indirect_costs_must_be_15_percent_of_personnel():
    result = _check(_lines(indirect="14000", promo="11000"))

    [violation] = result.violations
    assert violation.code == "flat_rate_mismatch"
    assert violation.limit == Decimal("15000.00")
    assert violation.excess == Decimal("1000.00")


def test_budget_below_minimum_and_above_maximum():
    low = _check([{"category": "02.06", "amount": "100000"}, {"category": "01.10", "amount": "199999.99"}])
    high = _check(_lines(invest="260000", personnel="110000", indirect="16500", promo="3500", rnd="130000"))

    assert "below_min_budget" in [v.code for v in low.violations]
    assert [v.excess for v in low.violations if v.code == "below_min_budget"] == [Decimal("0.01")]
    assert "above_max_budget" in [v.code for v in high.violations]


def test_unknown_expense_category_is_refused():
    result = _check([*_lines(), {"category": "99.99", "amount": "1"}])

    assert "unknown_category" in [v.code for v in result.violations]


# --- the plan, the subsidised budget and the private participation (§6.5.1, §7.4) ---------------


def test_private_participation_of_a_650000_plan_with_500000_subsidised():
    # _lines(): 500,000 subsidised, aid 312,500; the equipment line costs 400,000 of which 250,000
    # subsidised, so the plan is 650,000 and the private participation 650,000 − 312,500 = 337,500.
    lines = _lines()
    lines[0] = {**lines[0], "total_amount": "400000"}

    result = _check(lines)

    assert result.ok, result.violations
    assert (result.total_budget, result.subsidised_total) == (Decimal("650000.00"), Decimal("500000.00"))
    assert result.non_subsidised == Decimal("150000.00")
    assert result.private_participation == Decimal("337500.00")
    assert result.private_share_percent == Decimal("51.92")  # 337,500 / 650,000


def test_private_participation_helper_rounds_the_share_half_up():
    assert rules.private_participation("400000", "245000") == (Decimal("155000.00"), Decimal("38.75"))
    assert rules.private_participation("0", "0") == (Decimal("0.00"), Decimal("0.00"))


def test_a_missing_indirect_costs_line_is_refused_with_the_flat_rate_amount():
    lines = [line for line in _lines() if line["category"] != "09.02"]

    result = _check(lines)

    [missing] = [v for v in result.violations if v.code == "indirect_missing"]
    assert missing.limit == Decimal("15000.00")
    assert "15%" in missing.reason and "15.000,00 €" in missing.reason and "§6.2" in missing.reason


def test_indirect_costs_at_most_the_flat_rate_accepts_less_and_refuses_more():
    below = rules.check_budget_table(
        _lines(indirect="14000", promo="11000"),
        CATEGORIES_004,
        LIMITS_004,
        size="small",
        indirect_rule="at_most",
    )
    above = rules.check_budget_table(
        _lines(indirect="16000", promo="9000"),
        CATEGORIES_004,
        LIMITS_004,
        size="small",
        indirect_rule="at_most",
    )

    assert below.ok
    assert [v.code for v in above.violations] == ["flat_rate_exceeded"]
    assert above.violations[0].excess == Decimal("1000.00")


def test_the_minimum_itself_is_refused_only_when_the_call_reads_it_exclusive():
    lines = [
        {"category": "02.06", "amount": "150000"},
        {"category": "01.09", "amount": "100000"},
        {"category": "09.02", "amount": "15000"},
        {"category": "07.13", "amount": "35000"},
    ]

    inclusive = rules.check_budget_table(lines, CATEGORIES_004, LIMITS_004, size="small", min_budget="300000")
    exclusive = rules.check_budget_table(
        lines, CATEGORIES_004, LIMITS_004, size="small", min_budget="300000", min_budget_inclusive=False
    )

    assert inclusive.ok
    assert [v.code for v in exclusive.violations] == ["below_min_budget"]
    assert "§4.c22" in exclusive.violations[0].reason


def test_a_private_share_below_the_floor_is_refused_with_the_figures():
    result = rules.check_budget_table(
        _lines(), CATEGORIES_004, LIMITS_004, size="small", min_private_share_percent="40"
    )  # plan 500,000, aid 312,500, private 187,500 = 37,5% < 40% (200,000)

    [v] = result.violations
    assert v.code == "private_share_below_min"
    assert v.limit == Decimal("200000.00") and v.excess == Decimal("12500.00")
