"""Reads of applications, scoped to what the user may see (STYLE.md practice 4).

An applicant sees the applications of the businesses they act for (any active membership) and
their own person applications; another applicant's application is a 404. Staff with a reading
role (programme admin, evaluator, supervisor, auditor) see the submitted ones, read-only.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import Membership, Role
from applications.models import Application, RegistrySnapshot
from opske.errors import NotFound

STAFF_READ_ROLES = (
    Role.PROGRAMME_ADMIN,
    Role.EVALUATOR,
    Role.SUPERVISOR,
    Role.AUDITOR,
    Role.COMMITTEE_MEMBER,
)


def _owned(user) -> Q:
    return Q(business__memberships__user=user, business__memberships__state=Membership.State.ACTIVE) | Q(
        person__user=user
    )


def applications_for_user(user) -> QuerySet[Application]:
    """The applicant's own applications (dashboard «Οι αιτήσεις μου»), newest first."""
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    ids = Application.objects.filter(_owned(user)).values("pk")
    return (
        Application.objects.filter(pk__in=ids)
        .select_related("call", "business", "person", "pool", "receipt")
        .order_by("-created_at")
    )


def application_get_for_user(*, user, pk) -> Application:
    """One application the applicant may see, with what the form needs; else NotFound."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("Η αίτηση δεν βρέθηκε.") from None
    app = (
        applications_for_user(user)
        .filter(pk=pk)
        .select_related("call__programme", "call_version")
        .prefetch_related(
            "positions",
            "partners",
            "budget_lines",
            Prefetch("registry_snapshots", queryset=RegistrySnapshot.objects.order_by("registry")),
            "business__activities",
        )
        .first()
    )
    if app is None:
        raise NotFound("Η αίτηση δεν βρέθηκε.")
    return app


def can_read_all(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*STAFF_READ_ROLES))


def application_list_for_staff(*, user, call=None) -> QuerySet[Application]:
    """Submitted applications for staff, in priority order (drafts are the applicant's own business)."""
    if not can_read_all(user):
        return Application.objects.none()
    qs = (
        Application.objects.exclude(status=Application.Status.DRAFT)
        .select_related("call", "business", "person", "pool")
        .order_by("call_id", "priority_seq", "pk")
    )
    if call is not None:
        qs = qs.filter(call=call)
    return qs


def application_get_for_staff(*, user, pk) -> Application:
    app = (
        application_list_for_staff(user=user)
        .prefetch_related("positions", "partners", "budget_lines", "registry_snapshots")
        .filter(pk=pk)
        .first()
    )
    if app is None:
        raise NotFound("Η αίτηση δεν βρέθηκε.")
    return app


def can_download_receipt(user, application: Application) -> bool:
    """Access hook for opske.pdf: the applicant's members and staff readers."""
    if can_read_all(user):
        return True
    return applications_for_user(user).filter(pk=application.pk).exists()
