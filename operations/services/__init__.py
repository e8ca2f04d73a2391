"""Every write on an operation, one module per area, re-exported here (STYLE.md: apps as packages)."""

from operations.services.core import operation_extend, operation_start_from_decision
from operations.services.hires import (
    ergani_hires_since_start,
    headcount_check_run,
    hire_record,
    hire_record_leaving,
    position_decide_extension,
    position_request_extension,
    position_stop_no_unemployed,
    positions_create_for_operation,
)
from operations.services.modifications import (
    modification_decide,
    modification_file,
    modification_object,
    modification_objection_decide,
)
from operations.services.obligations import obligation_check_record, operation_complete
from operations.services.questionnaires import questionnaire_record

__all__ = [
    "ergani_hires_since_start",
    "headcount_check_run",
    "hire_record",
    "hire_record_leaving",
    "modification_decide",
    "modification_file",
    "modification_object",
    "modification_objection_decide",
    "obligation_check_record",
    "operation_complete",
    "operation_extend",
    "operation_start_from_decision",
    "position_decide_extension",
    "position_request_extension",
    "position_stop_no_unemployed",
    "positions_create_for_operation",
    "questionnaire_record",
]
