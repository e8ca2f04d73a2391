"""`{% call004_payments operation as pay %}`: the call 004 part of the operation page (§11.3)."""

from django import template

from payments import selectors_call004 as selectors
from payments.services import call004 as services

register = template.Library()


@register.simple_tag(takes_context=True)
def call004_payments(context, operation):
    summary = selectors.operation_summary(operation)
    if summary is None:
        return None
    request = context.get("request")
    user = getattr(request, "user", None)
    summary["can_request_advance"] = bool(user) and services.may_request_advance(user, operation)
    summary["is_staff"] = selectors.is_payments_staff(user)
    summary["can_open_final"] = (
        bool(user)
        and user.is_authenticated
        and user.has_role(*services.FINAL_ROLES)
        and services.final_payment_problem(operation) is None
    )
    summary["final_problem"] = services.final_payment_problem(operation)
    return summary
