"""The audit trail: `record()` inside the service's transaction, `verify_chain()` to check it.

A hot path may lock the chain head inside a statement of its own (`HEAD_LOCK_SQL`), build the
event (`new_event`) and append it together with its own writes (`append_parts`, then `appended`).
"""

from .chain import (
    HEAD_LOCK_SQL,
    append_members,
    append_parts,
    appended,
    compute_hash,
    last_seq,
    new_event,
    record,
    snapshot,
    verify_chain,
)

__all__ = [
    "HEAD_LOCK_SQL",
    "append_members",
    "append_parts",
    "appended",
    "compute_hash",
    "last_seq",
    "new_event",
    "record",
    "snapshot",
    "verify_chain",
]
