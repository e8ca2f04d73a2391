"""`{% verification_result request %}`: the desk-check result block for the beneficiary's own
request page (templates/verification/check/_result_for_beneficiary.html), with its own context,
so the page that owns the request («vreq») includes it in one line. The forms post to
/verification/<pk>/result/, where the acceptance or objection is confirmed and recorded."""

from __future__ import annotations

from django import template

from verification import selectors_check as sel

register = template.Library()


@register.inclusion_tag("verification/check/_result_for_beneficiary.html", takes_context=True)
def verification_result(context, req, embedded=False):
    """`embedded`: on the request's own page, which already shows its facts."""
    check = sel.check_of(req)
    report = getattr(check, "report", None) if check else None
    approved = report if report is not None and report.approved_at else None
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "req": req,
        "embedded": embedded,
        "op": req.operation,
        "report": approved,
        "explanation": sel.sample_explanation(check) if approved else None,
        "objection": getattr(req, "result_objection", None),
        "error": "",
        "field_errors": {},
        "posted": {},
    }
