"""Greek formats in templates: `{% load opske_format %}` then

    {{ amount|eur }}        24.174,00 €
    {{ value|num:2 }}       1.234,57        ({{ value|num:0 }} 1.235)
    {{ rate|pct }}          70%  /  25,5%
    {{ day|gr_date }}       05/03/2026
    {{ moment|gr_datetime }} 05/03/2026 12:15  (Europe/Athens, never seconds or microseconds)
    {{ amount|amount_input }} 200.000,00 in an <input> (typed text is kept as typed)

The same functions as opske.money and opske.dates, so a page, a PDF and an e-mail agree.
"""

import re

from django import template

from opske.dates import format_date, format_datetime
from opske.money import format_eur, format_number, format_percent

register = template.Library()


@register.filter
def eur(value):
    return format_eur(value)


@register.filter
def num(value, decimals=2):
    try:
        decimals = int(decimals)
    except (TypeError, ValueError):
        decimals = 2
    return format_number(value, decimals)


@register.filter
def pct(value, decimals=None):
    if decimals not in (None, ""):
        try:
            decimals = int(decimals)
        except (TypeError, ValueError):
            decimals = None
    return format_percent(value, decimals)


@register.filter
def gr_date(value):
    return format_date(value)


@register.filter
def gr_datetime(value):
    return format_datetime(value)


_STORED = re.compile(r"^-?\d+\.\d{2}$")


@register.filter
def amount_input(value):
    """The value of an amount input: a stored amount in Greek notation («200.000,00»), text the
    person typed (a refused save shown back) exactly as typed."""
    if value is None or value == "":
        return ""
    if isinstance(value, str) and not _STORED.match(value.strip()):
        return value
    return format_number(value, 2)
