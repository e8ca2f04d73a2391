"""Every write of verification/, one module per area, re-exported here (STYLE.md: apps as packages)."""

from verification.services.checks import (
    checklist_save,
    desk_check_take,
    finding_add,
    item_result_record,
    objection_decide,
    report_approve,
    report_correct,
    report_draft,
    report_return,
    request_accept_without_check,
    result_accept,
    result_object,
    sample_draw,
    sample_extend,
)

__all__ = [
    "checklist_save",
    "desk_check_take",
    "finding_add",
    "item_result_record",
    "objection_decide",
    "report_approve",
    "report_correct",
    "report_draft",
    "report_return",
    "request_accept_without_check",
    "result_accept",
    "result_object",
    "sample_draw",
    "sample_extend",
]
