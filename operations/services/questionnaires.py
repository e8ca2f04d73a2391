"""Writes of the participant questionnaires (ΚΥΑ 7066 Art. 7.4, Annex 6): the business records
each hired participant's entry and exit form (answers, or the signed form uploaded)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from stdnum.gr import amka as stdnum_amka

from operations.models import Operation, ParticipantQuestionnaire
from operations.rules.questionnaires import answer_problems, exit_due_on
from opske import audit
from opske.calendar import ATHENS
from opske.errors import Conflict, PermissionDenied, ValidationFailed

MAX_UPLOAD = 10 * 1024 * 1024


def can_record(user, operation: Operation) -> bool:
    """The operation's business (an active member) records; staff only read."""
    from accounts.selectors import businesses_for_user

    return bool(
        getattr(user, "is_authenticated", False)
        and operation.business_id
        and businesses_for_user(user).filter(pk=operation.business_id).exists()
    )


def questionnaire_record(
    *,
    actor,
    operation_id: int,
    amka: str,
    kind: str,
    participation_date: datetime.date,
    completed_on: datetime.date,
    answers: dict,
    document=None,
) -> ParticipantQuestionnaire:
    """Record one participant's entry or exit questionnaire, once (a second one is refused)."""
    errors: dict[str, str] = {}
    amka = (amka or "").strip()
    today = timezone.localtime(timezone.now(), ATHENS).date()
    if not stdnum_amka.is_valid(amka):
        errors["amka"] = "Ο ΑΜΚΑ δεν είναι έγκυρος (11 ψηφία με σωστό ψηφίο ελέγχου)."
    if kind not in ParticipantQuestionnaire.Kind.values:
        errors["kind"] = "Επιλέξτε δελτίο εισόδου ή εξόδου."
    if participation_date is None:
        errors["participation_date"] = "Συμπληρώστε την ημερομηνία."
    if completed_on is None:
        errors["completed_on"] = "Συμπληρώστε την ημερομηνία συμπλήρωσης."
    elif completed_on > today:
        errors["completed_on"] = "Η ημερομηνία συμπλήρωσης δεν μπορεί να είναι μελλοντική."
    elif kind == "exit" and participation_date and completed_on < participation_date:
        errors["completed_on"] = "Το δελτίο εξόδου συμπληρώνεται από τη λήξη της συμμετοχής και μετά."
    if document is not None and getattr(document, "size", 0) > MAX_UPLOAD:
        errors["document"] = "Το αρχείο υπερβαίνει τα 10 MB."
    errors.update(answer_problems(kind, answers or {}))
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields={k: [v] for k, v in errors.items()})
    with transaction.atomic():
        operation = Operation.objects.select_for_update().filter(pk=operation_id).first()
        if operation is None:
            raise ValidationFailed("Η πράξη δεν βρέθηκε.")
        if not can_record(actor, operation):
            raise PermissionDenied("Τα απογραφικά δελτία καταχωρίζει η δικαιούχος επιχείρηση.")
        if ParticipantQuestionnaire.objects.filter(operation=operation, amka=amka, kind=kind).exists():
            raise Conflict(
                "Το δελτίο αυτό έχει ήδη καταχωριστεί για τον/τη συμμετέχοντα/ουσα.", code="exists"
            )
        if kind == "exit":
            entry = ParticipantQuestionnaire.objects.filter(
                operation=operation, amka=amka, kind="entry"
            ).first()
            if entry is None:
                raise Conflict(
                    "Καταχωρίστε πρώτα το δελτίο εισόδου του/της συμμετέχοντα/ουσας.", code="no_entry"
                )
            if participation_date < entry.participation_date:
                raise ValidationFailed(
                    fields={"participation_date": ["Η λήξη συμμετοχής δεν μπορεί να προηγείται της εισόδου."]}
                )
        clean = {
            "in_education": bool(answers.get("in_education")),
            "education_categories": sorted(answers.get("education_categories") or []),
            **(
                {"education_level": answers["education_level"]}
                if kind == "entry"
                else {"qualification_gained": bool(answers.get("qualification_gained"))}
            ),
        }
        q = ParticipantQuestionnaire(
            operation=operation,
            amka=amka,
            kind=kind,
            participation_date=participation_date,
            completed_on=completed_on,
            answers=clean,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        if document is not None:
            q.document.save(f"{operation.pk}-{kind}-{amka[-4:]}.pdf", document, save=False)
        q.save()
        audit.record(
            actor=actor,
            action="operations.questionnaire_recorded",
            obj=q,
            after={
                "operation": operation.code,
                "kind": kind,
                "participation_date": participation_date,
                "completed_on": completed_on,
                "document": bool(q.document),
                **({"exit_due_on": exit_due_on(participation_date)} if kind == "exit" else {}),
            },
            reason="ΚΥΑ 7066 Άρθ. 7.4, Παράρτημα 6",
        )
    return q
