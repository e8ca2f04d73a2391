"""The verification area's legal rules as pure functions over plain values (one module per area)."""
