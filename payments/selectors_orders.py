"""Reads of the payment-order pages, scoped to the roles that may see them."""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from opske.errors import NotFound, PermissionDenied
from payments.models import Payment, PaymentOrder, PaymentOrderLine
from payments.services.orders import ORDERABLE, READERS, WRITERS


def can_read(user) -> bool:
    return user.is_authenticated and user.has_role(*READERS)


def can_write(user) -> bool:
    return user.is_authenticated and user.has_role(*WRITERS)


def _check(user) -> None:
    if not can_read(user):
        raise PermissionDenied("Οι εντολές πληρωμής είναι ορατές στην υπηρεσία πληρωμών και στους ελεγκτές.")


def orderable_payments(user):
    """APPROVED payments, and FAILED ones to retry, oldest approval first."""
    _check(user)
    return (
        Payment.objects.filter(state__in=ORDERABLE)
        .select_related("call", "operation")
        .order_by("approved_at", "pk")
    )


def orders_for(user):
    _check(user)
    return (
        PaymentOrder.objects.annotate(
            line_count=Count("lines"),
            total=Sum("lines__amount"),
            paid_count=Count("lines", filter=Q(lines__status=PaymentOrderLine.Status.PAID)),
            failed_count=Count("lines", filter=Q(lines__status=PaymentOrderLine.Status.FAILED)),
        )
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )


def order_get_for_user(*, user, pk: int) -> PaymentOrder:
    _check(user)
    order = orders_for(user).filter(pk=pk).first()
    if order is None:
        raise NotFound("Δεν βρέθηκε η εντολή πληρωμής.")
    return order


def order_lines(order: PaymentOrder):
    return order.lines.select_related("payment__operation", "payment__call").order_by("pk")
