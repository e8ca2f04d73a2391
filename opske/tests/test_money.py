"""opske.money: Greek amounts read, rounded and shown one way (issue 9 «Greek amounts»)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.template import Context, Template

from opske.dates import format_date, format_datetime, xlsx_datetime
from opske.forms import AmountField
from opske.money import (
    AmountError,
    format_eur,
    format_number,
    format_percent,
    parse_amount,
    parse_api_amount,
    to_cents,
)
from opske.serializers import AmountSerializerField

# --- parse_amount: what a person types in a form ------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("200.000", "200000.00"),  # the budget-step case: thousands, not 200 €
        ("1.234,56", "1234.56"),
        ("1234,5", "1234.50"),
        ("200000", "200000.00"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234\u00a0567,89", "1234567.89"),  # no-break spaces from a word processor
        ("1\u202f234,56", "1234.56"),
        ("€ 1.234,56", "1234.56"),
        ("1.234,56 €", "1234.56"),
        ("1.234", "1234.00"),  # a full stop before three digits groups thousands
        ("1.000.000", "1000000.00"),
        ("0,5", "0.50"),
        (",5", None),
        ("  42  ", "42.00"),
        ("+10", "10.00"),
        ("999.999.999.999.999,99", "999999999999999.99"),  # 15 integer digits
    ],
)
def test_parse_amount_reads_greek_notation(typed, expected):
    # given a text typed in a form / when it is read / then the amount in cents (or refused)
    if expected is None:
        with pytest.raises(AmountError):
            parse_amount(typed)
        return
    assert parse_amount(typed) == Decimal(expected)
    assert parse_amount(typed).as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("1.234,567", "amount_too_many_decimals"),
        ("1,234", "amount_too_many_decimals"),  # a Greek reader sees 1,234 €: three decimals
        ("12.5", "amount_use_comma"),
        ("12.50", "amount_use_comma"),
        ("1.23.4", "amount_malformed"),
        ("1234.567", "amount_malformed"),  # first group longer than three digits
        ("12.3456", "amount_malformed"),
        ("1.2345", "amount_malformed"),
        ("1,2,3", "amount_malformed"),
        ("1 234.567", "amount_malformed"),
        ("NaN", "amount_invalid"),
        ("Infinity", "amount_invalid"),
        ("1e30", "amount_invalid"),
        ("1E3", "amount_invalid"),
        ("τρία", "amount_invalid"),
        ("0x10", "amount_invalid"),
        ("1.000.000.000.000.000", "amount_too_long"),  # 16 integer digits
        ("9" * 16, "amount_too_long"),
        ("9" * 100, "amount_too_long"),
        ("-5", "amount_negative"),
        ("−1.234,56", "amount_negative"),  # U+2212 minus
        ("", "amount_required"),
    ],
)
def test_parse_amount_refuses_with_a_code_and_greek_message(typed, code):
    with pytest.raises(AmountError) as caught:
        parse_amount(typed)
    assert caught.value.code == code
    assert caught.value.message and any("\u0370" <= ch <= "\u03ff" for ch in caught.value.message)
    assert caught.value.as_dict()["fields"] == {"amount": [caught.value.message]}


def test_parse_amount_use_comma_message_suggests_the_comma_form():
    with pytest.raises(AmountError) as caught:
        parse_amount("12.50")
    assert "«12,50»" in caught.value.message


def test_parse_amount_negative_when_allowed():
    assert parse_amount("-1.234,56", allow_negative=True) == Decimal("-1234.56")
    assert parse_amount("−0,50", allow_negative=True) == Decimal("-0.50")


def test_parse_amount_accepts_decimal_values_within_limits():
    assert parse_amount(Decimal("1234.5")) == Decimal("1234.50")
    assert parse_amount(200000) == Decimal("200000.00")
    with pytest.raises(AmountError) as caught:
        parse_amount(Decimal("1.234"))
    assert caught.value.code == "amount_too_many_decimals"


def test_parse_amount_max_integer_digits_follows_the_column():
    # a DecimalField(max_digits=14, decimal_places=2) holds 12 integer digits
    assert parse_amount("999.999.999.999", max_integer_digits=12) == Decimal("999999999999.00")
    with pytest.raises(AmountError) as caught:
        parse_amount("1.000.000.000.000", max_integer_digits=12)
    assert caught.value.code == "amount_too_long"


# --- parse_api_amount: what an API client sends --------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        (1234.56, "1234.56"),
        ("1234.56", "1234.56"),
        (200000, "200000.00"),
        ("200000", "200000.00"),
        (0.1, "0.10"),
        (Decimal("12.5"), "12.50"),
        ("-0", "0.00"),
    ],
)
def test_parse_api_amount_accepts_numbers_and_point_strings(sent, expected):
    assert parse_api_amount(sent) == Decimal(expected)


@pytest.mark.parametrize(
    ("sent", "code"),
    [
        ("1.234,56", "amount_invalid"),
        ("1,5", "amount_invalid"),
        ("1 234.56", "amount_invalid"),
        ("1.234", "amount_too_many_decimals"),
        (1.234, "amount_too_many_decimals"),
        ("12.345", "amount_too_many_decimals"),
        (True, "amount_invalid"),
        (False, "amount_invalid"),
        (None, "amount_invalid"),
        ([1], "amount_invalid"),
        ("NaN", "amount_invalid"),
        (float("nan"), "amount_invalid"),
        (float("inf"), "amount_invalid"),
        ("1e30", "amount_invalid"),
        (1e30, "amount_invalid"),
        (10**16, "amount_too_long"),
        (-5, "amount_negative"),
        ("-5.00", "amount_negative"),
    ],
)
def test_parse_api_amount_refuses(sent, code):
    with pytest.raises(AmountError) as caught:
        parse_api_amount(sent)
    assert caught.value.code == code


# --- rounding and formatting ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.005", "0.01"),
        ("2.675", "2.68"),  # half-up on the decimal value, not the float's binary expansion
        (2.675, "2.68"),
        ("-0.005", "-0.01"),
        ("829.495", "829.50"),
        (Decimal("14220"), "14220.00"),
        (None, "0.00"),
    ],
)
def test_to_cents_rounds_half_up(value, expected):
    assert to_cents(value) == Decimal(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("24174"), "24.174,00 €"),
        (Decimal("2900000"), "2.900.000,00 €"),
        (Decimal("-1234.56"), "-1.234,56 €"),
        (Decimal("0"), "0,00 €"),
        (Decimal("0.005"), "0,01 €"),
        (Decimal("999.5"), "999,50 €"),
        (1185, "1.185,00 €"),
        ("829.5", "829,50 €"),
        (None, "—"),
    ],
)
def test_format_eur(value, expected):
    assert format_eur(value) == expected


def test_format_number_and_percent():
    assert format_number(Decimal("1234567.891")) == "1.234.567,89"
    assert format_number(Decimal("1234567.891"), 0) == "1.234.568"
    assert format_number(Decimal("7.5"), 1) == "7,5"
    assert format_number(12) == "12,00"
    assert format_percent(70) == "70%"
    assert format_percent(Decimal("25.50")) == "25,5%"
    assert format_percent(Decimal("33.333")) == "33,33%"
    assert format_percent(Decimal("75"), 2) == "75,00%"


def test_parse_and_format_round_trip():
    for text in ("200.000,00", "1.234,56", "0,01", "999.999.999,99"):
        assert format_number(parse_amount(text)) == text


# --- dates ---------------------------------------------------------------------------------------


def test_dates_in_athens_without_microseconds():
    utc_moment = datetime.datetime(2026, 3, 5, 22, 15, 30, 123456, tzinfo=datetime.UTC)
    # 22:15 UTC on 5 March is 00:15 on 6 March in Athens (EET, +2)
    assert format_datetime(utc_moment) == "06/03/2026 00:15"
    assert format_date(utc_moment) == "06/03/2026"
    assert format_date(datetime.date(2026, 3, 5)) == "05/03/2026"
    summer = datetime.datetime(2026, 7, 1, 9, 0, tzinfo=datetime.UTC)
    assert format_datetime(summer) == "01/07/2026 12:00"  # EEST, +3
    assert format_datetime("2026-07-01T09:00:00.5+00:00") == "01/07/2026 12:00"
    assert format_date(None) == "—"
    cell = xlsx_datetime(utc_moment)
    assert cell == datetime.datetime(2026, 3, 6, 0, 15, 30) and cell.tzinfo is None


def test_template_filters():
    moment = datetime.datetime(2026, 3, 5, 10, 15, 30, 99, tzinfo=ZoneInfo("UTC"))
    out = Template(
        "{% load opske_format %}{{ a|eur }}|{{ a|num:0 }}|{{ r|pct }}|{{ d|gr_date }}|{{ m|gr_datetime }}"
    ).render(
        Context({"a": Decimal("24174"), "r": Decimal("70.00"), "d": datetime.date(2026, 3, 5), "m": moment})
    )
    assert out == "24.174,00 €|24.174|70%|05/03/2026|05/03/2026 12:15"


# --- the form field and the serializer field -----------------------------------------------------


class _BudgetForm(forms.Form):
    title = forms.CharField()
    amount = AmountField(label="Ποσό (€)", max_digits=14)


def test_amount_field_reads_greek_and_keeps_other_data_on_error():
    # given a form with a valid title and a malformed amount
    form = _BudgetForm(data={"title": "Εξοπλισμός", "amount": "1.234,567"})
    # then the error is at the amount, in Greek, and the typed values are shown again
    assert not form.is_valid()
    assert "δύο δεκαδικά" in form.errors["amount"][0]
    html = str(form["amount"])
    assert 'value="1.234,567"' in html and 'inputmode="decimal"' in html
    assert 'value="Εξοπλισμός"' in str(form["title"])
    # and a valid Greek amount cleans to Decimal
    ok = _BudgetForm(data={"title": "x", "amount": "200.000"})
    assert ok.is_valid() and ok.cleaned_data["amount"] == Decimal("200000.00")


def test_amount_field_shows_stored_value_in_greek_notation():
    form = _BudgetForm(initial={"title": "x", "amount": Decimal("200000.00")})
    assert 'value="200.000,00"' in str(form["amount"])


def test_amount_field_refuses_what_the_column_cannot_hold():
    form = _BudgetForm(data={"title": "x", "amount": "1.000.000.000.000"})
    assert not form.is_valid()
    assert "12 ακέραια ψηφία" in form.errors["amount"][0]


def test_amount_field_min_max_in_greek():
    class F(forms.Form):
        amount = AmountField(min_value=300000)

    form = F(data={"amount": "299.999,99"})
    assert not form.is_valid()
    assert "300.000,00 €" in form.errors["amount"][0]


def test_amount_serializer_field():
    field = AmountSerializerField()
    assert field.to_internal_value(1234.56) == Decimal("1234.56")
    assert field.to_internal_value("1234.56") == Decimal("1234.56")
    assert field.to_representation(Decimal("1234.5")) == "1234.50"
    from rest_framework import serializers

    class S(serializers.Serializer):
        amount = AmountSerializerField()

    s = S(data={"amount": "1.234,56"})
    assert not s.is_valid()
    assert s.errors["amount"][0].code == "amount_invalid"
    s = S(data={"amount": "12.345"})
    assert not s.is_valid() and s.errors["amount"][0].code == "amount_too_many_decimals"
