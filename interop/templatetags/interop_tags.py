"""Registry codes shown by their names on the interop pages («aade» → «ΑΑΔΕ · RgWsPublic2»)."""

from django import template

register = template.Library()


@register.filter
def registry_name(code):
    from interop.console import REGISTRY_LABELS

    return REGISTRY_LABELS.get(code, code) if code else "—"
