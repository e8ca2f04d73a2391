"""Reads of verification/, scoped to what the user may see; one module per area, re-exported here."""

from verification.selectors.requests import (
    attachment_get_for_user,
    operation_get_for_user,
    operations_for_user,
    request_get_for_staff,
    request_get_for_user,
    request_list_for_staff,
    requests_for_user,
)

__all__ = [
    "attachment_get_for_user",
    "operation_get_for_user",
    "operations_for_user",
    "request_get_for_staff",
    "request_get_for_user",
    "request_list_for_staff",
    "requests_for_user",
]
