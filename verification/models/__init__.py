"""Verification requests (ΔΔΔ), administrative and on-the-spot verification, corrections (ΔΚΔ) and
the Guidance Ο.3 risk method. One module per area, re-exported here."""

from verification.models.checks import (
    CheckFinding,
    ChecklistAnswer,
    DeskCheck,
    ItemResult,
    ReportCorrection,
    ResultObjection,
    SampleEntry,
    SampleExtension,
    VerificationReport,
)
from verification.models.corrections import Correction
from verification.models.onsite import OnSiteVerification
from verification.models.requests import ExpenditureItem, VerificationRequest
from verification.models.risk import RiskRun, RiskScore

__all__ = [
    "CheckFinding",
    "ChecklistAnswer",
    "Correction",
    "DeskCheck",
    "ExpenditureItem",
    "ItemResult",
    "OnSiteVerification",
    "ReportCorrection",
    "ResultObjection",
    "RiskRun",
    "RiskScore",
    "SampleEntry",
    "SampleExtension",
    "VerificationReport",
    "VerificationRequest",
]
