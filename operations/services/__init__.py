"""Every write on an operation, one module per area, re-exported here (STYLE.md: apps as packages)."""

from operations.services.core import operation_start_from_decision
from operations.services.questionnaires import questionnaire_record

__all__ = ["operation_start_from_decision", "questionnaire_record"]
