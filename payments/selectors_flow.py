"""Reads of the payment flow, scoped to who may see them: a business member sees the payments of
the operations of their businesses, staff of the payment roles see all (the auditor read-only).
Another party's payment is a NotFound (a 404 in the pages)."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Membership
from opske.errors import NotFound
from opske.pdf import document_access
from payments.models import Payment
from payments.services.flow import QUEUE_ROLES

RELATED = ("call", "operation", "operation__business", "proposed_by", "submitted_by")


def payments_for_member(user) -> QuerySet[Payment]:
    if not user.is_authenticated:
        return Payment.objects.none()
    return (
        Payment.objects.filter(
            operation__business__memberships__user=user,
            operation__business__memberships__state=Membership.State.ACTIVE,
        )
        .select_related(*RELATED)
        .distinct()
    )


def payments_for_business(user, business) -> QuerySet[Payment]:
    return payments_for_member(user).filter(operation__business=business)


def is_payment_staff(user) -> bool:
    return user.is_authenticated and user.has_role(*QUEUE_ROLES)


def payment_queue(user) -> QuerySet[Payment]:
    if not is_payment_staff(user):
        return Payment.objects.none()
    return Payment.objects.select_related(*RELATED).order_by("-created_at", "-pk")


def payment_get_for_user(*, user, pk) -> Payment:
    scope = payment_queue(user) if is_payment_staff(user) else payments_for_member(user)
    payment = scope.filter(pk=pk).first()
    if payment is None:
        raise NotFound("Η πληρωμή δεν βρέθηκε.")
    return payment


@document_access(Payment)
def _may_download(user, payment: Payment) -> bool:
    """The decision and the receipt: the business's members and the payment staff."""
    return is_payment_staff(user) or payments_for_member(user).filter(pk=payment.pk).exists()
