"""ΚΥΑ 16936 wage rules pinned to note 002 §7.3 (placeholder rates 13,87% / 21,79%, ΦΜΥ 35,00 €)."""

from decimal import Decimal

import pytest

from payments.programmes import kya16936 as rules

D = Decimal
RATES = rules.WageRates()  # 1.300,00 €, D = 25, the placeholders, hazardous «on top»


def test_example_a_full_month_without_absences():
    month = rules.wage_month(RATES, income_tax=D("35.00"))
    assert month.gross == D("1300.00")
    assert month.employee_contributions == D("180.31")
    assert month.net == D("1084.69")
    assert month.employer_contributions == D("283.27")
    assert month.dypa_cost == D("1583.27")
    assert month.via_tpte == D("498.58")  # 180,31 + 283,27 + 35,00 through ΤΠΤΕ
    assert month.total_contributions == D("463.58")  # (ix) + (x) = (xi)
    assert month.net + month.via_tpte == month.dypa_cost
    assert RATES.full_month_cost() == D("1583.27")


def test_example_b_two_days_of_unjustified_absence_with_divisor_25():
    month = rules.wage_month(RATES, unjustified_absence_days=2, income_tax=D("35.00"))
    assert month.daily_rate == D("52.00")
    assert month.absence_deduction == D("104.00")
    assert month.gross == D("1196.00")
    assert month.employee_contributions == D("165.89")
    assert month.employer_contributions == D("260.61")
    assert month.net == D("1196.00") - D("165.89") - D("35.00")


def test_example_c_leave_and_short_sick_leave_cut_nothing():
    # Justified leave is not an input of the rule at all (Art. 7(6)): only unjustified days cut.
    month = rules.wage_month(RATES, unjustified_absence_days=0)
    assert month.gross == D("1300.00")


def test_example_d_a_claim_above_the_gross_that_is_not_the_hazardous_allowance_is_refused():
    weekend = rules.ClaimLine("Προσαύξηση εργασίας Σαββατοκύριακου", D("80.00"))
    problems = rules.claim_problems([weekend])
    assert len(problems) == 1 and "Άρθ. 2(3), 7(4), 7(5)" in problems[0]
    assert rules.claim_problems([rules.ClaimLine("Επίδομα ανθυγιεινής", D("80.00"), hazardous=True)]) == []


def test_example_e_the_budget_stress_test_warns_of_the_shortfall():
    projection = rules.year_projection(
        year=2026, ceiling=D("1860000.00"), committed=D("0"), remaining_person_months=12 * 100,
        monthly_cost=RATES.full_month_cost(),
    )  # fmt: skip
    assert projection.total == D("1899924.00")
    assert projection.exceeds and projection.shortfall == D("39924.00")
    within = rules.year_projection(
        year=2025, ceiling=D("770000.00"), committed=D("1583.27"), remaining_person_months=3,
        monthly_cost=D("1583.27"),
    )  # fmt: skip
    assert not within.exceeds and within.shortfall == 0 and within.total == D("6333.08")


@pytest.mark.parametrize(
    ("reading", "gross"), [(rules.HAZARDOUS_ON_TOP, D("1380.00")), (rules.HAZARDOUS_INSIDE, D("1300.00"))]
)
def test_example_f_the_hazardous_allowance_reading(reading, gross):
    rates = rules.WageRates(hazardous_reading=reading)
    month = rules.wage_month(rates, hazardous_allowance=D("80.00"))
    assert month.gross == gross
    assert month.employee_contributions == rules.cents(gross * D("0.1387"))


def test_the_statement_checks_ix_plus_x_and_the_net():
    ok = rules.statement_problems(
        gross=D("1300.00"), employee=D("180.31"), employer=D("283.27"), total=D("463.58"),
        income_tax=D("35.00"), net=D("1084.69"),
    )  # fmt: skip
    assert ok == {}
    bad = rules.statement_problems(
        gross=D("1300.00"), employee=D("180.31"), employer=D("283.27"), total=D("463.00"),
        income_tax=D("35.00"), net=D("1100.00"),
    )  # fmt: skip
    assert set(bad) == {"total_contributions", "net"}


@pytest.mark.parametrize(("divisor", "cut"), [(25, D("104.00")), (26, D("100.00")), (30, D("86.67"))])
def test_the_daily_cut_follows_the_divisor(divisor, cut):
    assert rules.absence_deduction(D("1300.00"), 2, divisor) == cut


def test_tax_above_the_pay_is_refused():
    with pytest.raises(rules.WageError) as exc:
        rules.wage_month(RATES, income_tax=D("2000.00"))
    assert exc.value.field == "income_tax"
