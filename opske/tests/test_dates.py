"""opske.dates: Greek dates (ΗΗ/ΜΜ/ΕΕΕΕ) are accepted everywhere a date is typed."""

import datetime

import pytest
from django import forms

from opske.dates import format_date, parse_date


@pytest.mark.parametrize(
    "text", ["31/12/2025", "31-12-2025", "31.12.2025", "31/12/25", "2025-12-31", " 31/12/2025 "]
)
def test_greek_and_iso_dates_parse(text):
    assert parse_date(text) == datetime.date(2025, 12, 31)


@pytest.mark.parametrize("text", ["31/02/2025", "12/31/2025", "αύριο", "", "2025/12/31"])
def test_impossible_or_foreign_dates_are_refused_with_a_greek_message(text):
    with pytest.raises(ValueError, match="ΗΗ/ΜΜ/ΕΕΕΕ"):
        parse_date(text)


def test_dates_are_shown_day_first():
    assert format_date("2025-03-07") == "07/03/2025"
    assert format_date("όχι ημερομηνία") == "όχι ημερομηνία"


def test_django_date_fields_accept_greek_dates():
    # settings.DATE_INPUT_FORMATS comes from opske.dates
    field = forms.DateField()
    assert field.clean("07/03/2025") == datetime.date(2025, 3, 7)
    assert field.clean("2025-03-07") == datetime.date(2025, 3, 7)
