"""ΚΥΑ 7066 payment amounts pinned to the worked examples of domain note 001 §6.6 (E1–E6, E11, E12)
and the example timeline's request deadlines (P1–P6). Pure functions: no database."""

import datetime
from decimal import Decimal

from applications.rules import requested_amount_for_positions
from operations.rules import hires as hire_rules
from payments.programmes.kya7066 import Budget, MonthClaim, Participant, claim_plan
from verification.rules.claims_7066 import claim_document_applies, claim_timing

D = Decimal
RATES = {"01.22": D("1185.00"), "01.23": D("829.50")}
HIRED = datetime.date(2025, 7, 15)
DONE = datetime.date(2025, 7, 20)  # entry form completed soon after the hire


def _months(hire_id, category, days_by_month, *, hired=HIRED):
    months = hire_rules.subsidy_months(hired)
    return [
        MonthClaim(
            hire_id=hire_id,
            label=f"θέση {hire_id} μήνας {n}",
            month_number=n,
            month_start=months[n - 1].start,
            days=days,
            rate=RATES[category],
            claimed=hire_rules.month_amount(RATES[category], days),
        )
        for n, days in days_by_month
    ]


def _person(hire_id, numbers, *, entry=DONE, exit_=None, left_on=None, early=False):
    return Participant(
        hire_id=hire_id,
        label=f"θέσης {hire_id}",
        first_tranche=1 in numbers,
        last_tranche=12 in numbers or early,
        entry_completed_on=entry,
        exit_completed_on=exit_,
        left_on=left_on,
        early_exit=early,
    )


def _total(lines):
    return sum((line.amount for line in lines), D("0.00"))


def _tranche(hire_id, category, n, days=(25, 25), **kw):
    """Tranche n (1–6) of one participant: months 2n−1 and 2n."""
    numbers = (2 * n - 1, 2 * n)
    months = _months(hire_id, category, list(zip(numbers, days, strict=True)))
    return months, _person(hire_id, numbers, **kw)


NOTHING = D("0.00")
FIRST_CLAIM_DAY = datetime.date(2025, 10, 1)


def _pay(months, people, *, approved, already=NOTHING, date=FIRST_CLAIM_DAY, **kw):
    lines, warnings = claim_plan(
        months=months,
        participants=people,
        request_date=date,
        budget=Budget(approved_total=approved, already=already),
        **kw,
    )
    return _total(lines), lines, warnings


def test_e1_e2_twelve_full_months_and_a_full_tranche():
    for category, tranche, year in (("01.22", "2370.00", "14220.00"), ("01.23", "1659.00", "9954.00")):
        paid = D("0.00")
        for n in range(1, 7):
            months, person = _tranche(1, category, n, exit_=datetime.date(2026, 7, 14))
            amount, _, _ = _pay(
                months, [person], approved=D(year), already=paid, date=datetime.date(2026, 7, 20)
            )
            assert amount == D(tranche)
            paid += amount
        assert paid == D(year)


def test_e3_e4_short_months_lose_one_twenty_fifth_per_day():
    assert hire_rules.month_amount(RATES["01.23"], 20) == D("663.60")  # E3: −5 × 33,18
    assert hire_rules.month_amount(RATES["01.22"], 18) == D("853.20")  # E4: −7 × 47,40
    assert hire_rules.month_amount(RATES["01.22"], 31) == D("1185.00")  # no increase above 25
    amount, lines, warnings = _pay(_months(1, "01.23", [(1, 25), (2, 20)]), [], approved=D("9954.00"))
    assert amount == D("1493.10") and [line.amount for line in lines] == [D("829.50"), D("663.60")]
    assert lines[1].detail["counted_days"] == 20 and lines[1].citation == "ΚΥΑ 7066 Άρθ. 5.1.3"
    assert not warnings  # 9.954,00 ≤ 10.000,00: no clearance (E10)


def test_e5_a_tranche_of_25_and_22_days():
    months, person = _tranche(1, "01.22", 1, days=(25, 22))
    amount, lines, _ = _pay(months, [person], approved=D("14220.00"))
    assert amount == D("2227.80") and lines[1].amount == D("1042.80")


def test_e6_mixed_operation_approved_total_and_a_full_month_tranche():
    positions = [{"category": "01.22", "persons": 3}, {"category": "01.23", "persons": 2}]
    approved = requested_amount_for_positions(positions, RATES)
    assert approved == D("62568.00")
    months, people = [], []
    for hire_id, category in enumerate(["01.22"] * 3 + ["01.23"] * 2, 1):
        m, p = _tranche(hire_id, category, 1)
        months += m
        people.append(p)
    amount, _, warnings = _pay(months, people, approved=approved)
    assert amount == D("10428.00")
    assert any("8.2 §2" in w for w in warnings)  # > 10.000 €: clearances required


def test_the_desk_check_accepted_amount_caps_the_month():
    months = _months(1, "01.23", [(1, 25), (2, 20)])
    months[1] = MonthClaim(**{**months[1].__dict__, "accepted": D("597.24")})  # 18 days per ΑΠΔ
    amount, lines, _ = _pay(months, [], approved=D("9954.00"))
    assert amount == D("1426.74") and "8.5" in lines[1].citation


def test_a_claim_not_matching_the_formula_is_paid_by_the_formula_with_a_warning():
    months = _months(1, "01.23", [(1, 20)])
    months[0] = MonthClaim(**{**months[0].__dict__, "claimed": D("829.50")})
    amount, _, warnings = _pay(months, [], approved=D("9954.00"))
    assert amount == D("663.60") and "5.1.3" in warnings[0]


def test_e12_a_missing_entry_form_excludes_only_the_first_tranche():
    paid = D("0.00")
    amounts = []
    for n in range(1, 7):
        months, person = _tranche(1, "01.22", n, entry=None, exit_=datetime.date(2026, 7, 14))
        amount, lines, warnings = _pay(
            months, [person], approved=D("14220.00"), already=paid, date=datetime.date(2026, 7, 20)
        )
        amounts.append(amount)
        paid += amount
        if n == 1:
            assert lines[-1].amount == D("-2370.00") and lines[-1].citation == "ΚΥΑ 7066 Άρθ. 7.4, 8.6"
            assert "δελτίο εισόδου" in warnings[0] and "7.4" in warnings[0]
    assert amounts == [D("0.00")] + [D("2370.00")] * 5
    assert paid == D("11850.00")


def test_an_entry_form_completed_on_the_request_day_still_counts():
    months, person = _tranche(1, "01.23", 1, entry=datetime.date(2025, 10, 1))
    assert _pay(months, [person], approved=D("9954.00"))[0] == D("1659.00")
    months, person = _tranche(1, "01.23", 1, entry=datetime.date(2025, 10, 2))
    assert _pay(months, [person], approved=D("9954.00"))[0] == D("0.00")


def test_a_missing_exit_form_excludes_the_last_tranche_and_not_the_others_of_the_claim():
    a_months, a = _tranche(1, "01.22", 6, exit_=None)  # participant 1 ends, no exit form
    b_months, b = _tranche(2, "01.23", 3)  # participant 2 in the middle of the subsidy
    amount, lines, warnings = _pay(a_months + b_months, [a, b], approved=D("24174.00"))
    assert amount == D("1659.00") and [line.amount for line in lines if line.amount < 0] == [D("-2370.00")]
    assert sum(1 for w in warnings if "δελτίο εξόδου" in w) == 1


def test_an_early_leaver_has_four_weeks_after_leaving_for_the_exit_form():
    left = datetime.date(2025, 9, 30)
    months = _months(1, "01.23", [(3, 17)])  # month 3 starts 15/09: 16 days to 30/09 (17 typed, capped)
    on_time = _person(1, {3}, exit_=datetime.date(2025, 10, 20), left_on=left, early=True)
    assert _pay(months, [on_time], approved=D("9954.00"), date=datetime.date(2025, 10, 5))[0] > 0
    late = _person(1, {3}, exit_=datetime.date(2025, 10, 29), left_on=left, early=True)
    amount, _, warnings = _pay(months, [late], approved=D("9954.00"), date=datetime.date(2025, 10, 5))
    assert amount == 0 and "4 εβδομάδες" in warnings[0] and "28/10/2025" in warnings[0]


def test_e11_replacement_with_a_category_change_stays_within_the_approved_total():
    approved = D("14220.00")  # the 01.22 position
    paid = D("0.00")
    first = _months(1, "01.22", [(n, 25) for n in range(1, 6)])
    amount, _, _ = _pay(first, [_person(1, {1, 2, 3, 4, 5})], approved=approved)
    assert amount == D("5925.00")
    paid += amount
    replacement = _months(2, "01.23", [(n, 25) for n in range(1, 8)], hired=datetime.date(2025, 12, 15))
    amount, lines, _ = _pay(replacement, [_person(2, {1, 2})], approved=approved, already=paid)
    assert amount == D("5806.50") and not any("9.2" in line.citation for line in lines)
    assert paid + amount == D("11731.50") <= approved
    check = hire_rules.category_switch_check(
        approved_total=approved,
        committed_elsewhere=D("0.00"),
        paid_on_position=D("5925.00"),
        remaining_months=7,
        new_rate=RATES["01.23"],
    )
    assert check.ok and check.projected_total == D("11731.50")


def test_never_above_the_approved_total_minus_what_was_already_paid_or_opened():
    months, person = _tranche(1, "01.22", 6, exit_=datetime.date(2026, 7, 14))
    amount, lines, warnings = _pay(
        months, [person], approved=D("14220.00"), already=D("13000.00"), date=datetime.date(2026, 7, 20)
    )
    assert amount == D("1220.00")
    assert lines[-1].amount == D("-1150.00") and lines[-1].citation == "ΚΥΑ 7066 Άρθ. 9.2 ΙΙ, 10.3"
    assert "14.220,00 €" in lines[-1].label and "13.000,00 €" in lines[-1].label
    assert any("9.2 ΙΙ" in w for w in warnings)


def test_a_business_that_stopped_operating_is_not_paid():
    months, person = _tranche(1, "01.23", 2)
    amount, lines, warnings = _pay(months, [person], approved=D("9954.00"), business_active=False)
    assert amount == 0 and lines[-1].citation == "ΚΥΑ 7066 Άρθ. 8.6" and "8.6" in warnings[0]


def test_months_after_the_last_day_of_work_are_not_paid():
    months = _months(1, "01.23", [(3, 10), (4, 25)])
    person = _person(1, {3, 4}, left_on=datetime.date(2025, 9, 24), early=True, exit_=DONE)
    amount, lines, _ = _pay(months, [person], approved=D("9954.00"))
    assert amount == D("331.80") and lines[-1].citation == "ΚΥΑ 7066 Άρθ. 10.4"


def test_the_example_timeline_request_deadlines_p1_to_p6():
    deadlines = [hire_rules.claim_deadline(hire_rules.claim_period(HIRED, n)[1]) for n in range(1, 7)]
    assert [f"{d:%d/%m/%Y}" for d in deadlines] == [
        "13/12/2025",
        "12/02/2026",
        "14/04/2026",
        "12/06/2026",
        "12/08/2026",
        "12/10/2026",
    ]
    assert hire_rules.claim_period(HIRED, 6) == (datetime.date(2026, 5, 15), datetime.date(2026, 7, 14))
    p1_end = hire_rules.claim_period(HIRED, 1)[1]
    assert claim_timing(period_end=p1_end, today=datetime.date(2025, 12, 13), late_policy="block").code == ""
    late = claim_timing(period_end=p1_end, today=datetime.date(2025, 12, 14), late_policy="block")
    assert late.refused and late.late and "13/12/2025" in late.message
    flagged = claim_timing(period_end=p1_end, today=datetime.date(2025, 12, 14), late_policy="flag")
    assert not flagged.refused and flagged.late


def test_which_claims_need_which_documents_art_8_2():
    assert claim_document_applies("πρώτη αίτηση", first=True, final=False)
    assert not claim_document_applies("πρώτη αίτηση", first=False, final=True)
    assert claim_document_applies("τελική αίτηση", first=False, final=True)
    assert not claim_document_applies("τελική αίτηση", first=True, final=False)
    assert claim_document_applies("κάθε αίτηση", first=False, final=False)
    assert claim_document_applies("", first=False, final=False)


def test_objection_windows_of_art_8_5_for_a_kya7066_call():
    """15 calendar days from the day after the notice when the decision rests on a financial
    correction, 30 for the other decisions on a claim; a last day on a holiday rolls on."""
    from calls import seeds
    from verification.rules.checks import ObjectionWindow, objection_deadline

    config = seeds.kya7066()["versions"][0]["fields"]["config"]
    window = ObjectionWindow.from_config(config)
    notified = datetime.date(2026, 3, 2)  # Monday
    assert objection_deadline(notified, window, has_correction=True) == datetime.date(2026, 3, 17)
    assert objection_deadline(notified, window, has_correction=False) == datetime.date(2026, 4, 1)
    # 02/12/2026 + 30 → Friday 01/01/2027 (New Year) → Monday 04/01/2027
    assert objection_deadline(datetime.date(2026, 12, 2), window, has_correction=False) == datetime.date(
        2027, 1, 4
    )
