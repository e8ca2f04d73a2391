"""Template helpers so other pages (the home page) can show open calls without touching their views."""

from decimal import Decimal

from django import template

from calls import selectors

register = template.Library()


@register.simple_tag
def open_calls(limit=5):
    return selectors.call_list_open_for_home(limit=limit)


@register.filter
def euro(value):
    """1234567.5 → «1.234.567,50 €» (Greek grouping), independent of the active locale."""
    if value is None or value == "":
        return "—"
    whole, _, cents = f"{Decimal(str(value)):,.2f}".partition(".")
    return f"{whole.replace(',', '.')},{cents} €"
