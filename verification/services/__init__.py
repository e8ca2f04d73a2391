"""Every write of verification/, one module per area, re-exported here (STYLE.md: apps as packages)."""

from verification.services.requests import (
    attachment_delete,
    attachment_upload,
    item_add,
    item_remove,
    item_update,
    request_create,
    request_submit,
)

__all__ = [
    "attachment_delete",
    "attachment_upload",
    "item_add",
    "item_remove",
    "item_update",
    "request_create",
    "request_submit",
]
