"""Filled in by the issue that builds this layer (see README, Architecture)."""
