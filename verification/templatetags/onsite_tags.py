"""The on-the-spot section of the operation page reads its visits through the scoped selector."""

from django import template

from verification.selectors_onsite import visits_of_operation

register = template.Library()


@register.simple_tag
def onsite_visits(operation, user):
    if operation is None or user is None:
        return []
    return list(visits_of_operation(user=user, operation=operation))
