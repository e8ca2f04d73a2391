from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ answers|get_item:code }}`: a dict value by a key held in a variable."""
    return (mapping or {}).get(key)
