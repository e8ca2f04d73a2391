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


@register.simple_tag
def call_act(call):
    """The issuing authority of a call's acts (config `decision_act`), for PDF headers of tables."""
    act = (getattr(call, "config", None) or {}).get("decision_act") or {}
    authority = list(act.get("authority") or []) or [
        x for x in (getattr(call, "managing_authority", ""),) if x
    ]
    return {"authority": authority, "place": act.get("place") or "Αθήνα", "issuer": act.get("issuer") or ""}
