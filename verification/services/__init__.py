"""Every write of verification/, one module per area, re-exported here (STYLE.md: apps as packages)."""

from verification.services.onsite import (
    onsite_comments_submit,
    onsite_final_approve,
    onsite_final_return,
    onsite_final_submit,
    onsite_finding_record,
    onsite_plan_approve,
    onsite_plan_record,
    onsite_plan_submit,
    onsite_provisional_issue,
    onsite_sample_draw,
    onsite_selection_replace,
    onsite_visit_record,
    reliability_rating_record,
)

__all__ = [
    "onsite_comments_submit",
    "onsite_final_approve",
    "onsite_final_return",
    "onsite_final_submit",
    "onsite_finding_record",
    "onsite_plan_approve",
    "onsite_plan_record",
    "onsite_plan_submit",
    "onsite_provisional_issue",
    "onsite_sample_draw",
    "onsite_selection_replace",
    "onsite_visit_record",
    "reliability_rating_record",
]
