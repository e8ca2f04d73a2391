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
from verification.models.claims_7066 import ClaimMonth
from verification.models.corrections import Correction
from verification.models.onsite import (
    OnSiteFinding,
    OnSiteSample,
    OnSiteSelection,
    OnSiteVerification,
    ReliabilityRating,
)
from verification.models.requests import (
    ExpenditureItem,
    PaymentMethod,
    RequestAttachment,
    VerificationRequest,
)
from verification.models.risk import RiskFactorInput, RiskRun, RiskScore

__all__ = [
    "CheckFinding",
    "ChecklistAnswer",
    "ClaimMonth",
    "Correction",
    "DeskCheck",
    "ExpenditureItem",
    "ItemResult",
    "OnSiteFinding",
    "OnSiteSample",
    "OnSiteSelection",
    "OnSiteVerification",
    "PaymentMethod",
    "ReliabilityRating",
    "ReportCorrection",
    "RequestAttachment",
    "ResultObjection",
    "RiskFactorInput",
    "RiskRun",
    "RiskScore",
    "SampleEntry",
    "SampleExtension",
    "VerificationReport",
    "VerificationRequest",
]
