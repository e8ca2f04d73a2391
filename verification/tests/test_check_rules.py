"""Rules of the desk check: item amounts, accepted total, objection window, conflict, checklist."""

import datetime
from decimal import Decimal

from verification.rules import checks as r

D = Decimal


def test_item_amounts():
    ok, err = r.item_amounts(D("1000.00"), D("800.00"), "Εκτός επιλέξιμης περιόδου")
    assert err == {} and ok.ineligible == D("200.00")
    assert r.item_amounts(D("1000.00"), D("1000.01"), "")[1] == {
        "eligible_amount": "Το επιλέξιμο ποσό δεν μπορεί να υπερβαίνει το δηλωθέν."
    }
    assert "eligible_amount" in r.item_amounts(D("1000.00"), D("10.001"), "")[1]
    assert "eligible_amount" in r.item_amounts(D("1000.00"), D("-1"), "")[1]
    assert "ineligible_reason" in r.item_amounts(D("1000.00"), D("900.00"), "  ")[1]
    assert r.item_amounts(D("1000.00"), D("1000.00"), "")[1] == {}


def test_accepted_total_is_declared_minus_corrections_without_extrapolation():
    # 50.000,00 declared, 2.000,00 found ineligible in the sample: 48.000,00 — the unsampled
    # 40.000,00 are not projected (Ο.3 §4.3.2).
    assert r.accepted_total(D("50000.00"), [D("1500.00"), D("500.00")]) == D("48000.00")
    assert r.accepted_total(D("100.00"), [D("200.00")]) == D("0.00")


def test_objection_window_call_004_fifteen_calendar_days_rolled_to_working_day():
    w = r.ObjectionWindow.from_config({"verification_objection": {"days": 15, "counting": "calendar"}})
    # Notice Monday 2 March 2026: day 1 is 3 March, day 15 is Tuesday 17 March.
    assert r.objection_deadline(datetime.date(2026, 3, 2), w, has_correction=True) == datetime.date(
        2026, 3, 17
    )
    # Notice Friday 6 March 2026: day 15 is Saturday 21 March → Monday 23 March.
    assert r.objection_deadline(datetime.date(2026, 3, 6), w, has_correction=True) == datetime.date(
        2026, 3, 23
    )


def test_objection_window_kya_7066_thirty_days_without_correction():
    w = r.ObjectionWindow.from_config({"verification_objection": {"days": 15, "days_without_correction": 30}})
    assert r.objection_deadline(datetime.date(2026, 3, 2), w, has_correction=True) == datetime.date(
        2026, 3, 17
    )
    assert r.objection_deadline(datetime.date(2026, 3, 2), w, has_correction=False) == datetime.date(
        2026, 4, 1
    )


def test_checklist_errors_and_default():
    items = [{"code": "A", "text": "x"}, {"code": "B", "text": "y"}]
    errors = r.checklist_errors(items, {"A": {"answer": "no", "note": ""}})
    assert set(errors) == {"A", "B"}
    assert r.checklist_errors(items, {"A": {"answer": "no", "note": "λείπει"}, "B": {"answer": "na"}}) == {}
    assert [i["code"] for i in r.checklist_for({})] == ["G1", "G2", "G3", "G4"]


def test_conflict_of_interest():
    assert r.conflict_of_interest(5, {5, 6})
    assert r.conflict_of_interest(7, {5, 6}) == ""
