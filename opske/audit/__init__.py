"""The audit trail: `record()` inside the service's transaction, `verify_chain()` to check it."""

from .chain import compute_hash, record, snapshot, verify_chain

__all__ = ["compute_hash", "record", "snapshot", "verify_chain"]
