"""Verification requests (ΔΔΔ), administrative and on-the-spot verification, and the Guidance Ο.3
risk method. One module per area, re-exported here."""

from verification.models.requests import ExpenditureItem, VerificationRequest

__all__ = ["ExpenditureItem", "VerificationRequest"]
