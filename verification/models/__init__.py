"""Verification requests (ΔΔΔ), administrative and on-the-spot verification, corrections (ΔΚΔ) and
the Guidance Ο.3 risk method. One module per area, re-exported here."""

from verification.models.corrections import Correction
from verification.models.onsite import (
    OnSiteFinding,
    OnSiteSample,
    OnSiteSelection,
    OnSiteVerification,
    ReliabilityRating,
)
from verification.models.requests import ExpenditureItem, VerificationRequest
from verification.models.risk import RiskRun, RiskScore

__all__ = [
    "Correction",
    "ExpenditureItem",
    "OnSiteFinding",
    "OnSiteSample",
    "OnSiteSelection",
    "OnSiteVerification",
    "ReliabilityRating",
    "RiskRun",
    "RiskScore",
    "VerificationRequest",
]
