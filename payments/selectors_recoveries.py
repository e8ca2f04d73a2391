"""Reads of the recoveries area, scoped to what the user may see (staff readers, or the business's
active members for their own operation's recoveries)."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Membership, Role
from opske.errors import NotFound
from opske.pdf import document_access
from payments.models import Recovery

STAFF_READ_ROLES = (Role.PAYMENT_OFFICER, Role.SUPERVISOR, Role.PROGRAMME_ADMIN, Role.AUDITOR)


def is_staff_reader(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*STAFF_READ_ROLES))


def recoveries_for_user(user) -> QuerySet[Recovery]:
    if not getattr(user, "is_authenticated", False):
        return Recovery.objects.none()
    qs = Recovery.objects.select_related(
        "operation__business", "operation__call", "computed_by", "decided_by"
    )
    if is_staff_reader(user):
        return qs
    # The business sees a recovery once it is decided (a computation is internal until then).
    return (
        qs.filter(
            operation__business__memberships__user=user,
            operation__business__memberships__state=Membership.State.ACTIVE,
        )
        .exclude(state__in=[Recovery.State.COMPUTED, Recovery.State.CANCELLED])
        .distinct()
    )


def recovery_get_for_user(*, user, pk) -> Recovery:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("Η ανάκτηση δεν βρέθηκε.") from None
    recovery = recoveries_for_user(user).filter(pk=pk).first()
    if recovery is None:
        raise NotFound("Η ανάκτηση δεν βρέθηκε.")
    return recovery


def recoveries_of_operation(*, user, operation) -> list[Recovery]:
    return list(recoveries_for_user(user).filter(operation=operation).order_by("-computed_at"))


def open_cases(operation=None):
    """Recovery cases (ΚΥΑ 7066 Art. 11) with no live recovery computed yet."""
    from operations.models import RecoveryCase

    qs = RecoveryCase.objects.select_related("operation", "position").exclude(
        recoveries__state__in=[s for s in Recovery.State if s != Recovery.State.CANCELLED]
    )
    return qs.filter(operation=operation) if operation is not None else qs


def _live():
    return [s for s in Recovery.State if s != Recovery.State.CANCELLED]


def open_corrections():
    """ΔΚΔ on operations that have been paid, with no live recovery yet."""
    from payments.models import Payment
    from verification.models import Correction

    return (
        Correction.objects.select_related("operation")
        .filter(operation__payments__state=Payment.State.PAID)
        .exclude(recoveries__state__in=_live())
        .distinct()
    )


def breached_checks():
    """Call 004 §14.3 yearly checks found breached, with no live recovery yet."""
    from operations.models import ObligationCheck

    return (
        ObligationCheck.objects.select_related("obligation__operation")
        .filter(outcome=ObligationCheck.Outcome.BREACHED)
        .exclude(recoveries__state__in=_live())
    )


@document_access(Recovery)
def can_download(user, recovery: Recovery) -> bool:
    return recoveries_for_user(user).filter(pk=recovery.pk).exists()
