"""Template helpers so other pages (the home page) can show open calls without touching their views."""

from django import template

from calls import selectors
from opske.money import format_eur

register = template.Library()


@register.simple_tag
def open_calls(limit=5):
    return selectors.call_list_open_for_home(limit=limit)


@register.filter
def euro(value):
    """1234567.5 → «1.234.567,50 €»: the same as `opske_format|eur` (opske.money.format_eur)."""
    return format_eur(value)
