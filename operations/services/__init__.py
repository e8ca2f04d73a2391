"""Every write on an operation, one module per area, re-exported here (STYLE.md: apps as packages)."""

from operations.services.core import operation_start_from_decision

__all__ = ["operation_start_from_decision"]
