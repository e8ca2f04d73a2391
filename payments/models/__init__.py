"""Payments, the budget ledger, payment orders and recoveries (issue 13). One module per area,
re-exported here."""

from payments.models.flow import (
    PaymentDocument,
    PaymentSubmission,
)
from payments.models.guarantees import (
    BankGuarantee,
    GuaranteeReduction,
)
from payments.models.ledger import (
    LedgerBalance,
    LedgerEntry,
)
from payments.models.objections import (
    PaymentObjection,
)
from payments.models.orders import (
    PaymentOrder,
    PaymentOrderLine,
)
from payments.models.orders_bank import (
    BankFile,
    DeminimisPaidReport,
)
from payments.models.payments import (
    ApprovalLimit,
    Payment,
    PaymentApproval,
)
from payments.models.recoveries import (
    InterestLine,
    Recovery,
    ReferenceRate,
)
from payments.models.wages import (
    ParticipantAccount,
    WageDossier,
    WageLine,
)

__all__ = [
    "ApprovalLimit",
    "BankFile",
    "BankGuarantee",
    "DeminimisPaidReport",
    "GuaranteeReduction",
    "InterestLine",
    "LedgerBalance",
    "LedgerEntry",
    "ParticipantAccount",
    "Payment",
    "PaymentApproval",
    "PaymentDocument",
    "PaymentObjection",
    "PaymentOrder",
    "PaymentOrderLine",
    "PaymentSubmission",
    "Recovery",
    "ReferenceRate",
    "WageDossier",
    "WageLine",
]
