"""The operation page's recoveries section reads its rows through the scoped selector."""

from django import template

register = template.Library()


@register.simple_tag
def operation_recoveries(operation, user):
    from payments.selectors_recoveries import recoveries_of_operation

    return recoveries_of_operation(user=user, operation=operation)
