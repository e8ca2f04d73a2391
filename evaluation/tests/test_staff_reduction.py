"""Criterion 4(α), no staff reduction (ΚΥΑ 7066 Άρθ. 4.1.2–4.1.6), with examples derived from the article."""

import datetime

from evaluation.rules import fcfs

D = datetime.date
SUBMITTED = D(2026, 3, 10)
EVALUATED = D(2026, 3, 20)


def _dep(day, kind, form="Ε6"):
    return {"left_on": day, "kind": kind, "form": form, "protocol": f"{kind}-{day:%d%m}"}


def test_the_checked_month_starts_one_calendar_month_back_or_on_the_previous_months_first_day():
    assert fcfs.headcount_window_start(D(2026, 3, 10)) == D(2026, 2, 10)
    assert fcfs.headcount_window_start(D(2026, 3, 31)) == D(2026, 2, 28)  # clamped to February's end
    assert fcfs.headcount_window_start(D(2026, 1, 15)) == D(2025, 12, 15)
    assert fcfs.headcount_window_start(D(2026, 3, 10), "previous_calendar") == D(2026, 2, 1)


def test_two_dismissals_in_the_month_before_submission_not_covered_are_a_reduction():
    # 21 on 10/02/2026, two Ε6 dismissals on 27/02/2026, 19 on 10/03/2026, no hire (4.1.3α)
    check = fcfs.staff_reduction_check(
        submitted_on=SUBMITTED, evaluated_on=EVALUATED,
        headcount={D(2026, 2, 10): 21, SUBMITTED: 19, EVALUATED: 19},
        departures=[_dep(D(2026, 2, 27), "dismissal"), _dep(D(2026, 2, 27), "dismissal")],
    )  # fmt: skip
    assert not check.ok
    before = check.periods[0]
    assert (before.headcount_start, before.headcount_end, before.uncovered) == (21, 19, 2)
    assert all(d.counted and "4.1.3α" in d.reason for d in before.departures)
    assert (
        "ΟΧΙ" in check.message
        and "21 στις 10/02/2026" in check.message
        and "19 στις 10/03/2026" in check.message
    )


def test_exits_the_article_excludes_are_not_a_reduction_even_if_the_headcount_falls():
    # retirement (4.1.6α), end of fixed term (γ), resignation (δ), death (ε): 12 → 8, all excluded
    deps = [
        _dep(D(2026, 2, 12), "retirement", "Ε5"), _dep(D(2026, 2, 20), "fixed_term_end", "Ε7"),
        _dep(D(2026, 2, 25), "resignation", "Ε5"), _dep(D(2026, 3, 1), "death", "Ε5"),
    ]  # fmt: skip
    check = fcfs.staff_reduction_check(
        submitted_on=SUBMITTED, evaluated_on=SUBMITTED,
        headcount={D(2026, 2, 10): 12, SUBMITTED: 8}, departures=deps,
    )  # fmt: skip
    assert check.ok and len(check.periods) == 1
    assert [d.counted for d in check.periods[0].departures] == [False] * 4
    assert {"4.1.6α", "4.1.6γ", "4.1.6δ", "4.1.6ε"} <= {d.reason[-7:-1] for d in check.periods[0].departures}


def test_a_dismissal_covered_by_a_hire_before_submission_is_not_a_reduction():
    # 10 → 9: one dismissal and one retirement, one hire on 01/03/2026 covers the dismissal
    check = fcfs.staff_reduction_check(
        submitted_on=SUBMITTED, evaluated_on=SUBMITTED,
        headcount={D(2026, 2, 10): 10, SUBMITTED: 9},
        departures=[_dep(D(2026, 2, 15), "dismissal"), _dep(D(2026, 2, 16), "retirement", "Ε5")],
        hires=[D(2026, 3, 1)],
    )  # fmt: skip
    assert check.ok and check.periods[0].uncovered == 0


def test_the_same_number_on_both_dates_is_enough_whatever_moved_in_between():
    check = fcfs.staff_reduction_check(
        submitted_on=SUBMITTED, evaluated_on=SUBMITTED,
        headcount={D(2026, 2, 10): 10, SUBMITTED: 10},
        departures=[_dep(D(2026, 2, 15), "dismissal")], hires=[D(2026, 3, 2)],
    )  # fmt: skip
    assert check.ok


def test_a_reduction_after_submission_covered_by_the_evaluation_date_is_not_a_reduction():
    # 4.1.4: dismissal on 12/03/2026 (after submission); a hire on 18/03/2026 before the evaluation
    facts = {
        "submitted_on": SUBMITTED,
        "departures": [_dep(D(2026, 3, 12), "dismissal")],
        "hires": [D(2026, 3, 18)],
    }
    covered = fcfs.staff_reduction_check(
        evaluated_on=EVALUATED, headcount={D(2026, 2, 10): 10, SUBMITTED: 10, EVALUATED: 10}, **facts
    )
    assert covered.ok and covered.periods[1].hires == (D(2026, 3, 18),)
    # evaluated on 15/03/2026, before that hire: the reduction stands (4.1.2 last sentence)
    early = D(2026, 3, 15)
    not_yet = fcfs.staff_reduction_check(
        evaluated_on=early, headcount={D(2026, 2, 10): 10, SUBMITTED: 10, early: 9}, **facts
    )
    assert not not_yet.ok and not_yet.periods[1].uncovered == 1 and "4.1.4" in not_yet.message


def test_setting_headcount_window_changes_outcome():
    # A dismissal on 05/02/2026: outside the rolling month [10/02, 10/03], inside [01/02, 10/03]
    facts = {
        "submitted_on": SUBMITTED, "evaluated_on": SUBMITTED,
        "headcount": {D(2026, 2, 10): 9, D(2026, 2, 1): 10, SUBMITTED: 9},
        "departures": [_dep(D(2026, 2, 5), "dismissal")],
    }  # fmt: skip
    assert fcfs.staff_reduction_check(window="rolling", **facts).ok
    calendar_month = fcfs.staff_reduction_check(window="previous_calendar", **facts)
    assert not calendar_month.ok and "01/02/2026" in calendar_month.message


def test_workspace_answer_reads_ergani_with_dates_departures_and_the_call_window(kya7066):
    # ΔΑΣΙΚΗ ΓΡΕΒΕΝΩΝ (sandbox ΕΡΓΑΝΗ): 21 staff, two Ε6 dismissals with last day 27/02/2026, no hire
    from calls.models import Call
    from evaluation.staff_reduction import documents_request_text, staff_reduction_for
    from evaluation.tests.factories import submitted_application

    Call.objects.filter(pk=kya7066.pk).update(
        config={**kya7066.config, "gaps": {"interoperable_prerequisite_failure": "evaluate_and_reject"}}
    )
    kya7066.refresh_from_db()
    app, _ = submitted_application(kya7066, afm="808982626", positions=[{
        "specialty": "Ηλεκτρολόγος", "category": "01.22", "persons": 1, "place_region": "Δυτικής Μακεδονίας",
        "place_regional_unit": "Γρεβενών", "place_municipality": "Γρεβενών",
    }])  # fmt: skip

    view = staff_reduction_for(app, submitted_on=SUBMITTED, evaluated_on=EVALUATED)

    check = view.check
    assert check is not None and not check.ok and check.window == "rolling"
    before = check.periods[0]
    assert (before.start, before.headcount_start, before.headcount_end) == (D(2026, 2, 10), 21, 19)
    assert [(d.left_on, d.form, d.counted) for d in before.departures] == [
        (D(2026, 2, 27), "Ε6", True),
        (D(2026, 2, 27), "Ε6", True),
    ]
    assert "4.1.5β" in documents_request_text(check) and "27/02/2026" in documents_request_text(check)

    Call.objects.filter(pk=kya7066.pk).update(
        config={**kya7066.config, "gaps": {"headcount_window": "previous_calendar"}}
    )
    app.call.refresh_from_db()
    wider = staff_reduction_for(app, submitted_on=SUBMITTED, evaluated_on=EVALUATED).check
    assert wider.window == "previous_calendar" and wider.periods[0].start == D(2026, 2, 1)
