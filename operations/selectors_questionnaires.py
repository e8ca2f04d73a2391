"""Reads of the participant questionnaires, scoped: the operation's business, or staff (read)."""

from __future__ import annotations

from accounts.selectors import businesses_for_user
from operations.models import Operation, ParticipantQuestionnaire
from operations.selectors import is_operations_staff
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
    elif not is_operations_staff(user):
        # Evaluators and committee members judge applications; the monitoring of operations is
        # the managing authority's, the verifiers' and the payers' (issue 11, least privilege).
        raise NotFound("Η πράξη δεν βρέθηκε.")
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


def tranche_gate(*, operation: Operation, amka: str, tranche: int, last_tranche: int, request_date):
    """The Annex 6 gate of one participant's two-month tranche, from what the business recorded:
    for the claims of ΚΥΑ 7066 Art. 8 (a missing entry form costs tranche 1, a missing exit form
    the last; operations.rules.questionnaires.questionnaire_gate)."""
    from operations.rules.questionnaires import questionnaire_gate

    done = dict(
        ParticipantQuestionnaire.objects.filter(operation=operation, amka=amka).values_list(
            "kind", "completed_on"
        )
    )
    return questionnaire_gate(
        tranche=tranche,
        last_tranche=last_tranche,
        request_date=request_date,
        entry_completed_on=done.get("entry"),
        exit_completed_on=done.get("exit"),
    )


def replacement_questionnaire_problem(*, operation: Operation, replaced_amka: str) -> str:
    """For a replacement of a hire (Art. 9.2): are the replaced person's entry and exit forms there?"""
    from operations.rules.questionnaires import replacement_problem

    done = dict(
        ParticipantQuestionnaire.objects.filter(operation=operation, amka=replaced_amka).values_list(
            "kind", "completed_on"
        )
    )
    return replacement_problem(entry_completed_on=done.get("entry"), exit_completed_on=done.get("exit"))
