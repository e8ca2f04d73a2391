"""Template helpers of the payment flow pages."""

from django import template

from accounts.models import Role
from payments import selectors_flow

register = template.Library()


@register.simple_tag
def operation_payments(operation, user):
    """The payments of `operation` the user may see (the operation page's «Πληρωμές» section)."""
    if operation is None or user is None:
        return []
    if selectors_flow.is_payment_staff(user):
        scope = selectors_flow.payment_queue(user)
    else:
        scope = selectors_flow.payments_for_member(user)
    return list(scope.filter(operation=operation).order_by("-created_at", "-pk")[:20])


@register.filter
def role_label(value):
    return Role(value).label if value in Role.values else value
