"""Reads of the participant questionnaires, scoped: the operation's business, or staff (read)."""

from __future__ import annotations

from accounts.selectors import businesses_for_user
from operations.models import Operation, ParticipantQuestionnaire
from opske.errors import NotFound


def operation_for_questionnaires(*, user, pk) -> Operation:
    """Another business's operation is a 404, like one that does not exist."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("Η πράξη δεν βρέθηκε.") from None
    qs = Operation.objects.select_related("call", "business")
    if not getattr(user, "is_authenticated", False):
        raise NotFound("Η πράξη δεν βρέθηκε.")
    if not user.is_staff_member:
        qs = qs.filter(business__in=businesses_for_user(user))
    operation = qs.filter(pk=pk).first()
    if operation is None:
        raise NotFound("Η πράξη δεν βρέθηκε.")
    return operation


def questionnaires_of(operation: Operation):
    return ParticipantQuestionnaire.objects.filter(operation=operation).order_by("amka", "kind")


def questionnaire_summary(operation: Operation) -> dict:
    qs = questionnaires_of(operation)
    entries = set(qs.filter(kind="entry").values_list("amka", flat=True))
    exits = set(qs.filter(kind="exit").values_list("amka", flat=True))
    return {"entries": len(entries), "exits": len(exits), "open": len(entries - exits)}


def mask_amka(amka: str) -> str:
    """Lists show only the last four digits; the full ΑΜΚΑ stays on the record's own page."""
    return "•••••••" + (amka or "")[-4:]
