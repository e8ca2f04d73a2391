"""The funded project (Πράξη) and its life. One module per area, re-exported here."""

from operations.models.core import Operation, OperationBudgetLine
from operations.models.modifications import Modification
from operations.models.questionnaires import ParticipantQuestionnaire

__all__ = ["Modification", "Operation", "OperationBudgetLine", "ParticipantQuestionnaire"]
