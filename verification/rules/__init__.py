"""Guidance Ο.3 rules as pure functions over plain data, one module per area (onsite, risk, ...)."""
