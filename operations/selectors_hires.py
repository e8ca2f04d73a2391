"""Reads of the hires area, scoped to what the user may see (STYLE.md practice 4): the business's
active members see its operations; staff with a reading role see every one; anyone else gets a 404."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Membership, Role
from operations.models import Hire, Operation, Position
from opske.errors import NotFound

STAFF_READ_ROLES = (Role.PROGRAMME_ADMIN, Role.SUPERVISOR, Role.VERIFIER, Role.PAYMENT_OFFICER, Role.AUDITOR)


def is_staff_reader(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*STAFF_READ_ROLES))


def operations_for_user(user) -> QuerySet[Operation]:
    if not getattr(user, "is_authenticated", False):
        return Operation.objects.none()
    qs = Operation.objects.select_related("business", "call", "application", "decision")
    if is_staff_reader(user):
        return qs
    return qs.filter(
        business__memberships__user=user, business__memberships__state=Membership.State.ACTIVE
    ).distinct()


def operation_get_for_user(*, user, pk) -> Operation:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("Η πράξη δεν βρέθηκε.") from None
    op = operations_for_user(user).filter(pk=pk).first()
    if op is None:
        raise NotFound("Η πράξη δεν βρέθηκε.")
    return op


def is_member(user, operation: Operation) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and operation.business_id
        and Membership.objects.filter(
            business_id=operation.business_id, user=user, state=Membership.State.ACTIVE
        ).exists()
    )


def positions_of(operation: Operation) -> QuerySet[Position]:
    return Position.objects.filter(operation=operation).order_by("seq")


def hires_of(operation: Operation) -> QuerySet[Hire]:
    return Hire.objects.filter(operation=operation).select_related("position").order_by("-hire_date", "-pk")


def position_get(*, operation: Operation, pk) -> Position:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("Η θέση δεν βρέθηκε.") from None
    position = positions_of(operation).filter(pk=pk).first()
    if position is None:
        raise NotFound("Η θέση δεν βρέθηκε.")
    return position


def hire_get(*, operation: Operation, pk) -> Hire:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("Η πρόσληψη δεν βρέθηκε.") from None
    hire = hires_of(operation).filter(pk=pk).first()
    if hire is None:
        raise NotFound("Η πρόσληψη δεν βρέθηκε.")
    return hire


def positions_needing_attention(user, *, today) -> QuerySet[Position]:
    """For staff: positions unfilled after the hiring deadline (Art. 7.4) and vacant ones awaiting
    replacement (Art. 10.2), soonest deadline first."""
    if not is_staff_reader(user):
        return Position.objects.none()
    from django.db.models import Q

    return (
        Position.objects.filter(
            Q(state=Position.State.OPEN, hiring_deadline__lt=today) | Q(state=Position.State.VACANT)
        )
        .select_related("operation__business")
        .order_by("replacement_due", "hiring_deadline", "pk")
    )
