"""{% latest_risk_score operation as score %}: the operation's score in its latest run (staff pages)."""

from django import template

register = template.Library()


@register.simple_tag
def latest_risk_score(operation):
    from verification.selectors_risk import score_for

    return score_for(operation) if operation is not None and getattr(operation, "pk", None) else None
