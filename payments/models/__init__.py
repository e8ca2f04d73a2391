"""Payments, the budget ledger, payment orders and recoveries (issue 13). One module per area,
re-exported here."""

from payments.models.ledger import LedgerBalance, LedgerEntry
from payments.models.orders import PaymentOrder, PaymentOrderLine
from payments.models.payments import ApprovalLimit, Payment, PaymentApproval
from payments.models.wages import ParticipantAccount, WageDossier, WageLine

__all__ = [
    "ApprovalLimit",
    "LedgerBalance",
    "LedgerEntry",
    "ParticipantAccount",
    "Payment",
    "PaymentApproval",
    "PaymentOrder",
    "PaymentOrderLine",
    "WageDossier",
    "WageLine",
]
