"""The funded project (Πράξη) and its life. One module per area, re-exported here."""

from operations.models.core import Operation, OperationBudgetLine
from operations.models.hires import HeadcountCheck, Hire, Position, RecoveryCase
from operations.models.modifications import Modification

__all__ = [
    "HeadcountCheck",
    "Hire",
    "Modification",
    "Operation",
    "OperationBudgetLine",
    "Position",
    "RecoveryCase",
]
