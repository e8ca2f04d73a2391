"""The recovery formulas pinned to the worked examples (001 §6.6 E13, E14) and our own."""

import datetime
from decimal import Decimal

import pytest

from payments import recovery_rules as rules

D = Decimal


def test_e13_proportional_clawback_is_received_times_remaining_over_total():
    # 01.22, months 1–8 paid (9.480,00 €), dismissed at the end of month 8: 4 of 12 months remain
    result = rules.clawback(received=D("9480.00"), total_months=12, served_months=8)
    assert result.amount == D("3160.00") and result.recover
    assert "9.480,00 × 4/12" in result.lines[-1]["label"]
    assert rules.format_rate(D("3.500")) == "3,5" and rules.format_rate(D("4")) == "4"


def test_e13_stop_future_reading_returns_nothing():
    result = rules.clawback(
        received=D("9480.00"), total_months=12, served_months=8, reading=rules.STOP_FUTURE
    )
    assert result.amount == D("0.00") and not result.recover
    assert "4 μήνες" in result.lines[-1]["label"]


def test_art_10_4c_stops_without_consequence():
    result = rules.stopped_without_consequence()
    assert (result.amount, result.recover) == (D("0.00"), False)
    assert result.lines[0]["citation"] == "ΚΥΑ 7066 Άρθ. 10.4γ"


def test_e14_interest_200_days_at_3_5_percent():
    paid_on = datetime.date(2025, 3, 1)
    end = paid_on + datetime.timedelta(days=200)
    segments = rules.interest([rules.Tranche(D("3160.00"), paid_on)], end, {2025: D("3.5")})
    assert [(s.year, s.days, s.amount) for s in segments] == [(2025, 200, D("60.60"))]
    assert D("3160.00") + rules.interest_total(segments) == D("3220.60")


def test_interest_across_a_year_boundary_uses_each_years_rate():
    # 2.000,00 € paid 01/11/2025, decided 01/03/2026: 61 days of 2025 at 3,7% and 59 of 2026 at 3,2%
    # 2000 × 3,7% × 61/365 = 12,37 ; 2000 × 3,2% × 59/365 = 10,35 ; total 22,72 €
    segments = rules.interest(
        [rules.Tranche(D("2000.00"), datetime.date(2025, 11, 1))],
        datetime.date(2026, 3, 1),
        {2025: D("3.7"), 2026: D("3.2")},
    )
    assert [(s.year, s.date_from, s.date_to, s.days, s.rate, s.amount) for s in segments] == [
        (2025, datetime.date(2025, 11, 1), datetime.date(2026, 1, 1), 61, D("3.7"), D("12.37")),
        (2026, datetime.date(2026, 1, 1), datetime.date(2026, 3, 1), 59, D("3.2"), D("10.35")),
    ]
    assert rules.interest_total(segments) == D("22.72")


def test_missing_rate_is_refused_naming_the_year():
    with pytest.raises(rules.MissingReferenceRate) as exc:
        rules.interest(
            [rules.Tranche(D("100.00"), datetime.date(2024, 12, 1))],
            datetime.date(2025, 2, 1),
            {2025: D("3")},
        )
    assert exc.value.year == 2024 and "2024" in exc.value.message
    assert exc.value.code == "reference_rate_missing"


def test_allocation_spreads_the_principal_and_adds_up_exactly():
    paid = [(D("1659.00"), datetime.date(2026, 1, 1), 1, "a")] * 3
    tranches = rules.allocate(D("1000.00"), paid)
    assert [t.amount for t in tranches] == [D("333.33"), D("333.33"), D("333.34")]
    assert sum(t.amount for t in tranches) == D("1000.00")


def test_call004_pro_rata_breach_at_month_24_of_36():
    # aid 300.000,00 €, obligations kept 24 months of 36: 300.000 × 12/36 = 100.000,00 €
    result = rules.obligation_breach(
        aid_paid=D("300000.00"), breach_kind=rules.BREACH_PARTIAL, compliant_months=24
    )
    assert result.amount == D("100000.00")


@pytest.mark.parametrize("kind", [rules.BREACH_ACTIVITY_STOPPED, rules.BREACH_DOCUMENTS_MISSING])
def test_call004_full_recovery_when_activity_stops_or_documents_missing(kind):
    assert rules.obligation_breach(aid_paid=D("300000.00"), breach_kind=kind).amount == D("300000.00")


def test_interest_end_point_per_programme():
    assert rules.INTEREST_END["fcfs_direct"] == rules.END_AT_DECISION
    assert rules.INTEREST_END["comparative"] == rules.END_AT_REPAYMENT
