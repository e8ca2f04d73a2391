"""Every write on an operation, one module per area, re-exported here (STYLE.md: apps as packages)."""

from operations.services.core import operation_extend, operation_start_from_decision
from operations.services.modifications import (
    modification_decide,
    modification_file,
    modification_object,
    modification_objection_decide,
)
from operations.services.obligations import obligation_check_record, operation_complete

__all__ = [
    "modification_decide",
    "modification_file",
    "modification_object",
    "modification_objection_decide",
    "obligation_check_record",
    "operation_complete",
    "operation_extend",
    "operation_start_from_decision",
]
