"""Reads scoped to what the user may see (STYLE.md practice 4): another business's operation is a
404; a staff member without a role that follows operations is refused (403)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from accounts.models import Membership, Role
from operations.models import Modification, Obligation, ObligationCheck, Operation, OperationVersion

# Who follows operations on the managing body's side. Evaluators do not monitor what they
# evaluated (ΚΥΑ 7066 Art. 8.3, 8.4; Guidance Ο.3 §2): they have no operations pages.
STAFF_READERS = (Role.PROGRAMME_ADMIN, Role.SUPERVISOR, Role.VERIFIER, Role.PAYMENT_OFFICER, Role.AUDITOR)


def is_operations_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*STAFF_READERS))


def operations_for_member(user) -> QuerySet[Operation]:
    """The operations of the businesses `user` acts for through an active membership."""
    if not getattr(user, "is_authenticated", False):
        return Operation.objects.none()
    return (
        Operation.objects.filter(
            business__memberships__user=user, business__memberships__state=Membership.State.ACTIVE
        )
        .distinct()
        .select_related("call", "business", "decision")
        .order_by("-starts_on", "-pk")
    )


def operations_for_staff() -> QuerySet[Operation]:
    return Operation.objects.select_related("call", "business", "decision").order_by("-starts_on", "-pk")


def _scope(user) -> QuerySet[Operation]:
    if not getattr(user, "is_authenticated", False):
        raise Http404("Δεν βρέθηκε η πράξη.")
    if user.is_staff_member:
        if not is_operations_staff(user):
            raise PermissionDenied("Δεν έχετε ρόλο παρακολούθησης πράξεων.")
        return operations_for_staff()
    return operations_for_member(user)


def operation_get_for_user(*, user, pk) -> Operation:
    op = (
        _scope(user)
        .prefetch_related(
            "budget_lines",
            Prefetch("versions", queryset=OperationVersion.objects.select_related("modification")),
            Prefetch(
                "modifications", queryset=Modification.objects.select_related("submitted_by", "decided_by")
            ),
            Prefetch("obligations", queryset=Obligation.objects.prefetch_related("checks")),
        )
        .filter(pk=pk)
        .first()
    )
    if op is None:
        raise Http404("Δεν βρέθηκε η πράξη.")
    return op


def operation_deadlines(operation: Operation) -> list[dict]:
    """The operation's own deadlines on the engine (not cancelled), soonest first, for its page."""
    from django.contrib.contenttypes.models import ContentType

    from operations.services.core import CALL_DEADLINE, IMPLEMENTATION_END
    from opske.dates import ATHENS
    from opske.models import Deadline

    rows = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(Operation),
        object_id=str(operation.pk),
        kind__in=[IMPLEMENTATION_END, CALL_DEADLINE],
    ).exclude(state=Deadline.State.CANCELLED)
    return [
        {
            "label": d.payload.get("label") or "Λήξη υλοποίησης",
            "citation": d.payload.get("citation", ""),
            "due_on": d.due_at.astimezone(ATHENS).date(),
            "passed": d.state == Deadline.State.FIRED,
        }
        for d in rows.order_by("due_at", "pk")
    ]


def modification_get_for_user(*, user, pk) -> Modification:
    op_ids = _scope(user).values("pk")
    mod = (
        Modification.objects.filter(pk=pk, operation_id__in=op_ids)
        .select_related("operation__call", "operation__business", "submitted_by", "decided_by")
        .first()
    )
    if mod is None:
        raise Http404("Δεν βρέθηκε το αίτημα τροποποίησης.")
    return mod


def obligation_check_get_for_staff(*, user, pk) -> ObligationCheck:
    if not is_operations_staff(user):
        raise PermissionDenied("Δεν έχετε ρόλο παρακολούθησης πράξεων.")
    check = ObligationCheck.objects.filter(pk=pk).select_related("obligation__operation__call").first()
    if check is None:
        raise Http404("Δεν βρέθηκε ο έλεγχος.")
    return check
