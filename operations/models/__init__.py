"""The funded project (Πράξη) and its life. One module per area, re-exported here."""

from operations.models.core import Operation, OperationBudgetLine

__all__ = ["Operation", "OperationBudgetLine"]
