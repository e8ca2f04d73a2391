"""Guidance Ο.3 §4.2.1 scales, §4.2.2 tertiles and §4.3.1.A Table 1, pinned to worked examples."""

import datetime
from decimal import Decimal as D

import pytest

from verification.rules import risk as r

TODAY = datetime.date(2026, 12, 2)


@pytest.mark.parametrize(
    ("legal_form", "grade"),
    [("ΙΚΕ", 4), ("Ανώνυμη Εταιρεία", 4), ("ΑΜΚΕ", 5), ("Αστική μη κερδοσκοπική εταιρεία", 5), ("", 4)],
)
def test_factor_1_business_legal_form_reads_as_beneficiary_type(legal_form, grade):
    assert (
        r.factor_1(
            beneficiary_type=r.beneficiary_type_from_legal_form(legal_form), legal_form=legal_form
        ).grade
        == grade
    )


def test_factor_1_the_ten_card_types():
    assert [r.grade_1(t) for t in r.BENEFICIARY_TYPE_GRADES] == [1, 2, 2, 2, 3, 3, 4, 4, 4, 5]


@pytest.mark.parametrize(
    ("corrections", "accepted", "grade"),
    [
        ("0", "0", 1),
        ("1999.99", "100000", 1),
        ("2000", "100000", 3),
        ("5000", "100000", 3),
        ("5000.01", "100000", 5),
    ],
)
def test_factor_2_beneficiary_corrections_boundaries(corrections, accepted, grade):
    assert r.factor_2(corrections=D(corrections), accepted=D(accepted)).grade == grade


def test_factor_3_and_4_and_7():
    assert (r.grade_3(True), r.grade_3(False)) == (1, 10)
    assert [r.grade_4(n) for n in (1, 2, 3, 4)] == [1, 3, 3, 5]
    assert [r.grade_7(n) for n in (0, 1, 5, 6)] == [1, 1, 1, 5]


def test_factor_5_is_inactive():
    f = r.factor_5()
    assert f.value is None and f.grade is None


def test_factor_8_quartiles_by_rank_ties_share_the_lower():
    q = r.quartiles({"a": D("10"), "b": D("20"), "c": D("30"), "d": D("40"), "e": D("0")})
    assert q == {"a": 1, "b": 2, "c": 3, "d": 4, "e": 1}
    assert r.quartiles({"a": D("5"), "b": D("5"), "c": D("9"), "d": D("9")}) == {
        "a": 1,
        "b": 1,
        "c": 3,
        "d": 3,
    }
    assert [r.grade_8(q) for q in (1, 2, 3, 4)] == [1, 3, 4, 5]


def test_factors_9_10_boundaries():
    assert [r.grade_9(n) for n in (1, 2, 3, 4, 5)] == [1, 1, 3, 3, 5]
    assert [r.grade_10(n) for n in (1, 2, 3, 5, 6)] == [1, 1, 3, 3, 5]


@pytest.mark.parametrize(
    ("types", "grade"),
    [
        (["5002"], 1),
        (["5002", "5001"], 1),
        (["5003"], 1),
        (["5001"], 3),
        (["5004", "5001"], 3),
        (["5005"], 5),
        (["5011"], 5),
    ],
)
def test_factor_11_annex_i_group(types, grade):
    assert r.factor_11(group=r.operation_group(types), types=types).grade == grade


@pytest.mark.parametrize(
    ("budgets", "grade"),
    [
        ({"5002": "900000", "5004": "100000"}, 1),
        ({"5002": "900000", "5005": "100000"}, 2),  # own means exactly 10%
        ({"5002": "899999", "5005": "100001"}, 3),
        ({"5005": "100000"}, 4),
        ({"5005": "100000", "5011": "1"}, 5),
    ],
)
def test_factor_12_implementation_method(budgets, grade):
    assert r.grade_12({k: D(v) for k, v in budgets.items()}) == grade


def test_factor_13_duration_years():
    start = datetime.date(2024, 1, 1)
    assert r.factor_13(starts_on=start, ends_on=datetime.date(2024, 6, 30)).grade == 1  # < 1 year [GAP] → 1
    assert r.factor_13(starts_on=start, ends_on=datetime.date(2025, 12, 31)).grade == 1
    assert r.factor_13(starts_on=start, ends_on=datetime.date(2027, 4, 30)).grade == 3  # 40 months
    assert r.factor_13(starts_on=start, ends_on=datetime.date(2028, 6, 1)).grade == 5
    assert r.factor_13(starts_on=start, ends_on=None).missing


def test_factor_14_start_before_submission():
    assert r.grade_14(datetime.date(2025, 1, 1), datetime.date(2025, 2, 1)) == 5
    assert r.grade_14(datetime.date(2025, 3, 1), datetime.date(2025, 2, 1)) == 1


@pytest.mark.parametrize(
    ("amount", "grade"), [("0", 1), ("1000000.00", 1), ("1000000.01", 3), ("5000000", 3), ("5000000.01", 5)]
)
def test_factor_15_budget(amount, grade):
    f = r.factor_15(public_expenditure=D(amount))
    assert f.grade == grade
    assert "€" in f.source


def test_factor_16_only_necessary_modifications_count():
    assert [r.grade_16(n) for n in (0, 1, 5, 6)] == [1, 3, 3, 5]
    f = r.factor_16(necessary_modifications=0, exogenous_modifications=4)
    assert f.grade == 1 and "Α.23" in f.source


@pytest.mark.parametrize(
    ("declared", "accepted", "grade"),
    [
        ("0", "0", 5),
        ("100000", "100000", 5),
        ("100000", "98000.01", 3),
        ("100000", "98000", 3),
        ("100000", "97999.99", 1),
    ],
)
def test_factor_17_inverted_scale(declared, accepted, grade):
    assert r.grade_17(D(declared), D(accepted)) == grade


def test_factor_17_exactly_2pct_is_a_parameter():
    params = r.RiskParameters(f17_exactly_2pct_grade=1)
    assert r.grade_17(D("100000"), D("98000"), params) == 1


def test_factor_18_months_since_last_visit():
    assert r.grade_18(None, TODAY) == 10
    assert r.grade_18(TODAY - datetime.timedelta(days=359), TODAY) == 1
    assert r.grade_18(TODAY - datetime.timedelta(days=360), TODAY) == 1  # (B−A)/30 = 12: parameter
    assert (
        r.grade_18(
            TODAY - datetime.timedelta(days=360), TODAY, r.RiskParameters(f18_exactly_12_months_grade=5)
        )
        == 5
    )
    assert r.grade_18(TODAY - datetime.timedelta(days=361), TODAY) == 5
    assert r.factor_18(last=datetime.date(2026, 6, 5), today=TODAY).value == D("6.00")


@pytest.mark.parametrize(
    ("corr", "grade"),
    [("0", 1), ("1000", 1), ("1000.01", 2), ("2000", 2), ("10000", 3), ("25000", 4), ("25000.01", 5)],
)
def test_factor_19_scale(corr, grade):
    assert r.grade_19(D(corr), D("100000")) == grade
    assert r.grade_19(D(corr), D("0")) == 1


def test_total_is_18_to_100_with_factor_5_inactive():
    low = [1] * 19
    low[4] = None
    high = [max(r.ALLOWED_GRADES[n]) if n != 5 else None for n in range(1, 20)]
    assert r.total_score(low) == 18
    assert r.total_score(high) == 100


def test_grades_and_factors_agree_and_staff_entry_wins():
    facts = r.OperationFacts(
        legal_form="ΙΚΕ", budgets={"5011": D("300000")}, public_expenditure=D("300000"), b_open_operations=7,
        starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2029, 1, 1),
        staff={6: {"value": "Ναι (ΤΑΑ)", "grade": 5, "by": "Α. Β.", "on": "01/12/2026"}},
    )  # fmt: skip
    g = r.grades(facts, TODAY)
    f = r.factors(facts, TODAY)
    assert g == [x.grade for x in f]
    assert f[5].staff_entered and f[5].grade == 5 and f[6].grade == 5
    assert r.OperationFacts.from_json(facts.to_json()) == facts
    assert r.total_score(g) == 4 + 1 + 10 + 1 + 5 + 5 + 1 + 1 + 1 + 5 + 5 + 3 + 1 + 1 + 1 + 5 + 10 + 1


def test_missing_input_parameter_changes_factor_6():
    facts = r.OperationFacts()
    assert r.grades(facts, TODAY)[5] == 1
    assert r.grades(facts, TODAY, r.RiskParameters(missing_input="highest"))[5] == 5


# --- tertiles ------------------------------------------------------------------------------------


def _rows(totals):
    return [(i, f"OP{i:02d}", t) for i, t in enumerate(totals)]


def test_ten_operations_split_4_3_3_by_default_and_3_3_4_with_remainder_lower():
    rows = _rows([50, 49, 48, 47, 46, 45, 44, 43, 42, 41])
    strata = [s for *_x, s in r.stratify(rows)]
    assert strata.count("high") == 4 and strata.count("medium") == 3 and strata.count("low") == 3
    lower = [s for *_x, s in r.stratify(rows, r.RiskParameters(remainder="lower"))]
    assert (lower.count("high"), lower.count("medium"), lower.count("low")) == (3, 3, 4)
    assert r.stratum_sizes(11) == (4, 4, 3)
    assert r.stratum_sizes(11, r.RiskParameters(remainder="lower")) == (3, 4, 4)
    assert r.stratum_sizes(9) == (3, 3, 3)


def test_ties_at_a_boundary_split_by_code_or_kept_together():
    rows = [(1, "B", 40), (2, "A", 40), (3, "C", 30), (4, "D", 30), (5, "E", 30), (6, "F", 20)]
    split = r.stratify(rows)
    # equal counts 2/2/2; the 30s split by code: C, D medium, E low
    assert [(k, s) for k, _t, _rank, s in split] == [
        (2, "high"), (1, "high"), (3, "medium"), (4, "medium"), (5, "low"), (6, "low"),
    ]  # fmt: skip
    together = r.stratify(rows, r.RiskParameters(ties="together"))
    assert {k: s for k, _t, _rank, s in together}[5] == "medium"
    assert [rank for _k, _t, rank, _s in split] == [1, 2, 3, 4, 5, 6]


# --- Table 1 -------------------------------------------------------------------------------------


def _walk(stratum, amounts, *, subproject_type="5005", budget=D("100000"), flags=None):
    earlier, out = [], []
    for i, amount in enumerate(amounts):
        decl = r.Declaration(declared=D(amount), **(flags or {}).get(i, {}))
        out.append(
            r.desk_check_rules(
                stratum=stratum, subproject_type=subproject_type, budget=budget, earlier=earlier, current=decl
            )
        )
        earlier.append(decl)
    return out


def test_table1_medium_worked_example_100000_budget():
    """Medium risk, budget 100.000,00 €, ΔΔΔ of 20.000, 15.000, 40.000, 25.000: the 1st (first),
    the 2nd (cumulative 35.000 ≥ 30%), the 3rd (75.000 ≥ 70%); the 4th only for 5001–5004 (last)."""
    assert _walk("medium", ["20000", "15000", "40000", "25000"]) == [["first"], ["30%"], ["70%"], []]
    assert _walk("medium", ["20000", "15000", "40000", "25000"], subproject_type="5002") == [
        ["first"], ["30%"], ["70%"], ["last"],
    ]  # fmt: skip


def test_table1_low_only_first_and_70():
    assert _walk("low", ["20000", "15000", "40000", "25000"]) == [["first"], [], ["70%"], []]
    assert _walk("low", ["20000", "15000", "40000", "25000"], subproject_type="5003")[3] == ["last"]


def test_table1_high_all_and_one_declaration_crossing_both_thresholds():
    assert _walk("high", ["20000", "15000"]) == [["first", "high"], ["high"]]
    assert _walk("medium", ["10000", "65000"]) == [["first"], ["30%", "70%"]]


def test_table1_advance_only_is_not_the_first():
    out = _walk("low", ["10000", "5000"], subproject_type="5002", flags={0: {"advance_only": True}})
    assert out == [[], ["first"]]


def test_table1_first_sco_expenditure_per_option():
    out = _walk(
        "low", ["5000", "5000", "5000"],
        flags={1: {"sco_types": frozenset({"flat_15"})}, 2: {"sco_types": frozenset({"flat_15", "unit"})}},
    )  # fmt: skip
    assert out == [["first"], ["sco"], ["sco"]]
    out = _walk(
        "low",
        ["5000", "5000"],
        flags={0: {"sco_types": frozenset({"x"})}, 1: {"sco_types": frozenset({"x"})}},
    )
    assert out == [["first", "sco"], []]


def test_table1_ex_post_contract_flag_and_last_when_marked_final():
    assert _walk("low", ["5000", "5000"], flags={1: {"ex_post_contract": True}}) == [["first"], ["ex_post"]]
    out = _walk("medium", ["5000", "5000"], subproject_type="5004", flags={1: {"is_final": True}})
    assert out == [["first"], ["last"]]


def test_staff_selection_grounds():
    assert (
        r.staff_selection_refusal(ground="earlier_problems", stratum="high", declared=D("1"), budget=D("100"))
        == ""
    )
    assert (
        r.staff_selection_refusal(
            ground="significant_share", stratum="low", declared=D("30000"), budget=D("100000")
        )
        == ""
    )
    assert "30%" in r.staff_selection_refusal(
        ground="significant_share", stratum="medium", declared=D("29999.99"), budget=D("100000")
    )
    assert r.staff_selection_refusal(
        ground="significant_share", stratum="high", declared=D("90000"), budget=D("100000")
    )
