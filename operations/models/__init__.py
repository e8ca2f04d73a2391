"""The funded project (Πράξη) and its life. One module per area, re-exported here."""

from operations.models.core import Operation, OperationBudgetLine, OperationVersion
from operations.models.hires import HeadcountCheck, Hire, Position, RecoveryCase
from operations.models.modifications import Modification
from operations.models.obligations import Obligation, ObligationCheck
from operations.models.questionnaires import ParticipantQuestionnaire

__all__ = [
    "HeadcountCheck",
    "Hire",
    "Modification",
    "Obligation",
    "ObligationCheck",
    "Operation",
    "OperationBudgetLine",
    "OperationVersion",
    "ParticipantQuestionnaire",
    "Position",
    "RecoveryCase",
]
