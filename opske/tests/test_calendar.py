import datetime

from opske.calendar import (
    add_calendar_days,
    add_working_days,
    deadline_end,
    end_of_day_athens,
    is_working_day,
)

D = datetime.date


def test_weekends_and_greek_holidays_are_not_working_days():
    assert is_working_day(D(2025, 6, 10))  # a Tuesday
    assert not is_working_day(D(2025, 6, 14))  # Saturday
    assert not is_working_day(D(2025, 3, 3))  # Clean Monday (Καθαρά Δευτέρα)
    assert not is_working_day(D(2025, 4, 18))  # Orthodox Good Friday
    assert not is_working_day(D(2025, 4, 21))  # Orthodox Easter Monday
    assert not is_working_day(D(2025, 6, 9))  # Whit Monday (Αγίου Πνεύματος)
    assert not is_working_day(D(2025, 8, 15))
    assert not is_working_day(D(2025, 10, 28))


def test_objection_window_is_ten_calendar_days_from_the_day_after_notice():
    # ΚΥΑ 7066 Art. 7.5: notified 2 June 2025 -> last day to object 12 June 2025 (domain example).
    assert deadline_end(D(2025, 6, 2), 10, "calendar") == D(2025, 6, 12)


def test_objection_decision_is_fifteen_working_days_from_the_objection_deadline():
    # ΚΥΑ 7066 Art. 7.5, domain example: 2025-06-12 + 15 working days = 2025-07-03.
    assert deadline_end(D(2025, 6, 12), 15, "working") == D(2025, 7, 3)


def test_working_days_skip_easter_holidays():
    # Thursday 17 April 2025 + 3 working days: Good Friday and Easter Monday are skipped.
    assert add_working_days(D(2025, 4, 17), 3) == D(2025, 4, 24)
    assert deadline_end(D(2025, 4, 17), 3, "working") == D(2025, 4, 24)


def test_calendar_deadline_ending_on_a_holiday_rolls_to_the_next_working_day():
    # 10 days from 5 Aug 2025 end on Friday 15 August (Dormition): ΚΔΔ art. 10 -> Monday 18 August.
    assert deadline_end(D(2025, 8, 5), 10, "calendar") == D(2025, 8, 18)
    assert deadline_end(D(2025, 8, 5), 10, "calendar", roll_to_working_day=False) == D(2025, 8, 15)


def test_counting_from_the_start_day_itself_ends_a_day_earlier():
    assert deadline_end(D(2025, 6, 2), 10, "calendar", start_next_day=False) == D(2025, 6, 11)
    # Working days with the start day counted: Monday 2 June is day 1 of 3 -> Wednesday 4 June.
    assert deadline_end(D(2025, 6, 2), 3, "working", start_next_day=False) == D(2025, 6, 4)


def test_calendar_days_count_weekends():
    assert add_calendar_days(D(2025, 6, 13), 2) == D(2025, 6, 15)


def test_end_of_day_is_athens_time_in_summer_and_winter():
    summer = end_of_day_athens(D(2025, 7, 1))
    winter = end_of_day_athens(D(2025, 1, 15))
    assert summer.utcoffset() == datetime.timedelta(hours=3)
    assert winter.utcoffset() == datetime.timedelta(hours=2)
    assert (summer.hour, summer.minute, summer.second, summer.microsecond) == (23, 59, 59, 999999)
    assert summer.astimezone(datetime.UTC) == datetime.datetime(
        2025, 7, 1, 20, 59, 59, 999999, tzinfo=datetime.UTC
    )
