"""Template helpers used by base.html and other apps' templates."""

import logging

from django import template
from django.urls import reverse

logger = logging.getLogger(__name__)
register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_unread_count(context) -> int:
    """Unread notifications of the logged-in user, for the header badge (0 if unknown)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    from opske.notifications import unread_count

    try:
        return unread_count(user=user)
    except Exception:
        # The header must render even when the count cannot be read (e.g. on the 500 page).
        logger.warning("could not count unread notifications", exc_info=True)
        return 0


@register.simple_tag(takes_context=True)
def audit_history_url(context, obj) -> str:
    """URL of `obj`'s audit history if the current user may read it, else an empty string."""
    from opske.views import HISTORY_ROLES

    request = context.get("request")
    user = getattr(request, "user", None)
    if obj is None or getattr(obj, "pk", None) is None or user is None or not user.is_authenticated:
        return ""
    if not user.has_role(*HISTORY_ROLES):
        return ""
    meta = obj._meta
    return reverse("opske:audit-history", args=[meta.app_label, meta.model_name, obj.pk])


@register.filter
def get_item(mapping, key):
    """`{{ row_errors|get_item:forloop.counter }}`: a dict's value by a computed key (None if absent)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def greek_date(value):
    """A date or ISO date string as dd/mm/yyyy (opske.dates); "" for nothing; other text as typed."""
    from opske.dates import format_date

    return format_date(value) if value else ""
