"""The operation rules pinned to worked examples from the seed articles."""

import datetime
from decimal import Decimal as D

from operations.rules import dates, obligations
from operations.rules import modifications as mods

d = datetime.date


# --- dates: Πρόσκληση 004 §6.5.2 (2η τροποποίηση Α.1), ΚΥΑ 7066 Art. 7.4, 5.1.1 -----------------


def test_call004_forty_months_capped_at_30_june_2029():
    # T0 15/03/2026 → 15/07/2029, past the cap → 30/06/2029.
    assert dates.implementation_end(start=d(2026, 3, 15), duration_months=40, cap=d(2029, 6, 30)) == d(
        2029, 6, 30
    )


def test_call004_forty_months_inside_the_cap():
    # T0 10/01/2026 → 10/05/2029, before 30/06/2029: not capped.
    assert dates.implementation_end(start=d(2026, 1, 10), duration_months=40, cap=d(2029, 6, 30)) == d(
        2029, 5, 10
    )


def test_month_arithmetic_keeps_the_last_day_of_a_short_month():
    assert dates.add_months(d(2025, 10, 31), 4) == d(2026, 2, 28)
    assert dates.add_months(d(2027, 10, 31), 4) == d(2028, 2, 29)


def test_call004_t0_follows_the_anchor_setting():
    facts = {
        "notified_on": d(2025, 3, 20),
        "approval_issued_on": d(2025, 3, 14),
        "inclusion_issued_on": d(2025, 4, 2),
    }
    assert dates.implementation_start("notification", **facts) == d(2025, 3, 20)
    assert dates.implementation_start("approval_decision", **facts) == d(2025, 3, 14)
    assert dates.implementation_start("inclusion_decision", **facts) == d(2025, 4, 2)
    # an anchor whose date is not known falls back to the notice
    assert dates.implementation_start("inclusion_decision", notified_on=d(2025, 3, 20)) == d(2025, 3, 20)


def test_kya7066_hires_within_60_days_then_12_months_of_subsidy():
    # Approval notice 20/05/2025: last hire 19/07/2025, subsidised until 19/07/2026 (Art. 7.4, 5.1.1).
    assert dates.subsidy_programme_end(start=d(2025, 5, 20), hiring_days=60, subsidy_months=12) == d(
        2026, 7, 19
    )


def test_kya7066_end_never_after_expenditure_eligibility():
    # A notice on 01/12/2029 would run into 2031: capped at 31/12/2029 (Art. 1.5).
    assert dates.subsidy_programme_end(
        start=d(2029, 12, 1), hiring_days=60, subsidy_months=12, cap=d(2029, 12, 31)
    ) == d(2029, 12, 31)


# --- modifications: ΚΥΑ 7066 Art. 9.2, Πρόσκληση 004 §12 -----------------------------------------


def test_call004_type_codes_minor_and_major():
    assert {c for c, (s, _) in mods.modification_types("call004").items() if s == mods.MINOR} == {"03", "10"}
    assert {c for c, (s, _) in mods.modification_types("call004").items() if s == mods.MAJOR} == {
        "02",
        "04",
        "05",
        "07",
    }
    assert mods.severity_of("kya7066", "extension") == mods.MINOR
    assert mods.severity_of("kya7066", "afm_change") == mods.MAJOR


def test_call004_type_labels_come_from_the_call_when_it_states_them():
    types = mods.modification_types("call004", {"07": "ΦΟΑ όπως στην πρόσκληση"})
    assert types["07"] == (mods.MAJOR, "ΦΟΑ όπως στην πρόσκληση")


def test_minor_runs_in_parallel_with_an_open_payment_request():
    v = mods.may_file(
        severity=mods.MINOR, other_modification_open=True, payment_request_open=True, citation="x"
    )
    assert v.ok


def test_major_refused_while_a_payment_request_or_another_request_is_open():
    v = mods.may_file(
        severity=mods.MAJOR,
        other_modification_open=False,
        payment_request_open=True,
        citation="ΚΥΑ 7066 Άρθ. 9.2 ΙΙ",
    )
    assert not v.ok and "ΚΥΑ 7066 Άρθ. 9.2 ΙΙ" in v.problems[0].message
    v = mods.may_file(
        severity=mods.MAJOR, other_modification_open=True, payment_request_open=False, citation="x"
    )
    assert not v.ok and "άλλο αίτημα τροποποίησης" in v.problems[0].message
    assert mods.may_file(
        severity=mods.MAJOR, other_modification_open=False, payment_request_open=False, citation="x"
    ).ok


def test_kya7066_extension_at_most_30_days_on_a_listed_ground():
    assert mods.check_extension(days=30, ground="illness").ok
    over = mods.check_extension(days=31, ground="illness")
    assert not over.ok and over.fields()["extension_days"][0].startswith("Η παράταση είναι έως 30 ημέρες")
    assert not mods.check_extension(days=10, ground="holidays").ok
    assert not mods.check_extension(days=0, ground="illness").ok


def test_kya7066_extension_moves_the_no_dismissal_commitment_and_keeps_the_total():
    moved = mods.apply_extension(
        ends_on=d(2026, 7, 19), no_dismissal_until=d(2026, 7, 19), total=D("24174.00"), days=30
    )
    assert moved.ends_on == d(2026, 8, 18)
    assert moved.no_dismissal_until == d(2026, 8, 18)
    assert moved.total == D("24174.00")


INITIAL = {"02.06": D("200000.00"), "04.22": D("120000.00"), "07.05": D("80000.00")}  # total 400.000


def test_call004_shift_of_exactly_25_percent_is_allowed():
    # 02.06 −50.000 (25% of 200.000) → 04.22 +30.000 (25% of 120.000) and 07.05 +20.000 (25% of 80.000)
    proposed = {"02.06": D("150000.00"), "04.22": D("150000.00"), "07.05": D("100000.00")}
    assert mods.check_budget_change(initial=INITIAL, proposed=proposed, programme="call004").ok


def test_call004_shift_over_25_percent_is_refused_at_the_category():
    # 07.05 +20.000,01 is over 25% of 80.000 (20.000,00)
    proposed = {"02.06": D("150000.00"), "04.22": D("149999.99"), "07.05": D("100000.01")}
    v = mods.check_budget_change(initial=INITIAL, proposed=proposed, programme="call004")
    assert set(v.fields()) == {"amount_07.05"}
    assert "25%" in v.fields()["amount_07.05"][0]


def test_call004_new_category_up_to_5_percent_of_the_total():
    ok = {"02.06": D("180000.00"), "04.22": D("120000.00"), "07.05": D("80000.00"), "07.13": D("20000.00")}
    assert mods.check_budget_change(initial=INITIAL, proposed=ok, programme="call004").ok  # 5% of 400.000
    over = {"02.06": D("179999.99"), "04.22": D("120000.00"), "07.05": D("80000.00"), "07.13": D("20000.01")}
    v = mods.check_budget_change(initial=INITIAL, proposed=over, programme="call004")
    assert set(v.fields()) == {"amount_07.13"} and "5%" in v.fields()["amount_07.13"][0]


def test_no_increase_of_the_approved_budget_in_either_programme():
    more = {**INITIAL, "07.05": D("80000.01")}
    assert "__all__" in mods.check_budget_change(initial=INITIAL, proposed=more, programme="call004").fields()
    kya = {"01.22": D("14220.00"), "01.23": D("9954.00")}
    assert not mods.check_budget_change(
        initial=kya, proposed={"01.22": D("14220.01"), "01.23": D("9954.00")}, programme="kya7066"
    ).ok
    # ΚΥΑ 7066 has no 25% rule: moving between position categories is fine while the total holds
    assert mods.check_budget_change(
        initial=kya, proposed={"01.22": D("9954.00"), "01.23": D("14220.00")}, programme="kya7066"
    ).ok


def test_call004_not_below_300000():
    low = {"02.06": D("150000.00"), "04.22": D("90000.00"), "07.05": D("59999.99")}
    v = mods.check_budget_change(initial=INITIAL, proposed=low, programme="call004")
    assert any("300.000,00 €" in m for m in v.fields()["__all__"])


# --- long-term obligations: Πρόσκληση 004 §14.2, §14.3 --------------------------------------------


def test_three_years_from_the_final_payment_with_a_yearly_check():
    plan = obligations.long_term_plan(final_payment_on=d(2029, 9, 10))
    assert plan.ends_on == d(2032, 9, 10)
    assert plan.check_dates == (d(2030, 9, 10), d(2031, 9, 10), d(2032, 9, 10))


def test_only_call004_carries_long_term_obligations():
    assert obligations.long_term_years("comparative") == 3
    assert obligations.long_term_years("fcfs_direct") == 0


def test_call004_verification_request_deadlines_from_t0_and_formal_end():
    # §11.1.Α: first request within 18 months of T0; final within 30 days of the end, rolled.
    assert dates.call_deadline_due(anchor_on=d(2026, 3, 15), length=18, unit="months") == d(2027, 9, 15)
    assert dates.call_deadline_due(anchor_on=d(2029, 6, 30), length=30, unit="days", roll=True) == d(
        2029, 7, 30
    )
    # 30 days from 01/03/2029 is Saturday 31/03/2029: rolled to Monday 02/04/2029
    assert dates.call_deadline_due(anchor_on=d(2029, 3, 1), length=30, unit="days", roll=True) == d(
        2029, 4, 2
    )
    assert dates.call_deadline_due(anchor_on=d(2029, 3, 1), length=30, unit="days", roll=False) == d(
        2029, 3, 31
    )


def test_objections_to_a_rejection():
    # ΚΥΑ 7066 Art. 9.1: any rejected request; call 004 §12.5: only a major one.
    assert mods.objection_allowed(programme="kya7066", severity=mods.MINOR)
    assert mods.objection_allowed(programme="call004", severity=mods.MAJOR)
    assert not mods.objection_allowed(programme="call004", severity=mods.MINOR)
    # 10 days from the day after a notice of 02/06/2025 → last day 12/06/2025
    from opske.calendar import deadline_end

    last = deadline_end(d(2025, 6, 2), 10, roll_to_working_day=False)
    assert last == d(2025, 6, 12)
    assert mods.objection_is_timely(today=d(2025, 6, 12), last_day=last)
    assert not mods.objection_is_timely(today=d(2025, 6, 13), last_day=last)


def test_call004_extension_never_past_the_cap():
    cap = d(2029, 6, 30)
    assert dates.extension_problem(current_end=d(2028, 11, 10), requested_end=d(2029, 3, 10), cap=cap) == ""
    assert "30/06/2029" in dates.extension_problem(
        current_end=d(2028, 11, 10), requested_end=d(2029, 7, 1), cap=cap
    )
    assert "μετά την τρέχουσα" in dates.extension_problem(
        current_end=d(2028, 11, 10), requested_end=d(2028, 11, 10), cap=cap
    )
