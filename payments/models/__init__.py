"""Payments, the budget ledger, payment orders and recoveries (issue 13). One module per area,
re-exported here."""

from payments.models.ledger import LedgerBalance, LedgerEntry
from payments.models.orders import PaymentOrder, PaymentOrderLine
from payments.models.payments import ApprovalLimit, Payment, PaymentApproval
from payments.models.recoveries import InterestLine, Recovery, ReferenceRate

__all__ = [
    "ApprovalLimit",
    "InterestLine",
    "LedgerBalance",
    "LedgerEntry",
    "Payment",
    "PaymentApproval",
    "PaymentOrder",
    "PaymentOrderLine",
    "Recovery",
    "ReferenceRate",
]
