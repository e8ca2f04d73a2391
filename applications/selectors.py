"""Reads of applications, scoped to what the user may see (STYLE.md practice 4).

An applicant sees the applications of the businesses they act for (any active membership) and
their own person applications; another applicant's application is a 404. Staff with a reading
role (programme admin, evaluator, supervisor, auditor) see the submitted ones, read-only.
"""

from __future__ import annotations

import json

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


# --- what final submission reads (the surge hot path) ------------------------------------------

# One round trip instead of three prefetch queries (registry answers, positions, the business's
# ΚΑΔ): under an FCFS surge the ORM's per-query cost is most of a submission's CPU. Same rows and
# order as the prefetches (Meta.ordering); rebuilt as unsaved instances so the rules read them
# exactly as they read prefetched ones.
_SUBMISSION_ROWS_SQL = """
SELECT
  (SELECT coalesce(json_agg(json_build_object(
       'id', s.id, 'registry', s.registry, 'status', s.status, 'data', s.data,
       'fetched_at', to_char(s.fetched_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')
     ) ORDER BY s.id), '[]')
     FROM applications_registrysnapshot s WHERE s.application_id = %(app)s),
  (SELECT coalesce(json_agg(json_build_object(
       'id', p.id, 'specialty', p.specialty, 'qualifications', p.qualifications,
       'category', p.category, 'persons', p.persons, 'place_label', p.place_label,
       'place_region', p.place_region, 'place_regional_unit', p.place_regional_unit,
       'place_municipality', p.place_municipality, 'position', p.position
     ) ORDER BY p.position, p.id), '[]')
     FROM applications_position p WHERE p.application_id = %(app)s),
  (SELECT coalesce(json_agg(json_build_object(
       'id', a.id, 'code', a.code, 'description', a.description, 'kind', a.kind
     ) ORDER BY a.kind, a.code), '[]')
     FROM accounts_businessactivity a WHERE a.business_id = %(business)s)
"""


def load_submission_rows(app: Application) -> None:
    """Fill `app`'s registry answers, positions and the business's ΚΑΔ (a business application on
    PostgreSQL) in one query; anything else is prefetched the ordinary way."""
    import datetime

    from django.db import connection
    from django.db.models import prefetch_related_objects

    from accounts.models import BusinessActivity
    from applications.models import Position

    if connection.vendor != "postgresql" or app.kind != Application.Kind.BUSINESS or not app.business_id:
        prefetch_related_objects([app], *SUBMISSION_PREFETCH[app.kind])
        return
    with connection.cursor() as cursor:
        cursor.execute(_SUBMISSION_ROWS_SQL, {"app": app.pk, "business": app.business_id})
        snapshots, positions, activities = (
            json.loads(v) if isinstance(v, str) else v for v in cursor.fetchone()
        )
    for row in snapshots:
        row["fetched_at"] = datetime.datetime.fromisoformat(row["fetched_at"])
    app._prefetched_objects_cache = {
        "registry_snapshots": _as_queryset(
            RegistrySnapshot, [RegistrySnapshot(application_id=app.pk, **r) for r in snapshots]
        ),
        "positions": _as_queryset(Position, [Position(application_id=app.pk, **r) for r in positions]),
    }
    app.business._prefetched_objects_cache = {
        "activities": _as_queryset(
            BusinessActivity, [BusinessActivity(business_id=app.business_id, **r) for r in activities]
        )
    }


def _as_queryset(model, objects: list) -> QuerySet:
    """A queryset whose results are `objects`, as prefetch_related leaves in the cache."""
    qs = model.objects.none()
    qs._result_cache = objects
    qs._prefetch_done = True
    return qs


# What evaluate_submission and receipt_context read, per applicant kind.
SUBMISSION_PREFETCH = {
    Application.Kind.BUSINESS: ("registry_snapshots", "positions", "business__activities"),
    Application.Kind.CLUSTER: ("registry_snapshots", "partners", "budget_lines", "business__activities"),
    Application.Kind.NATURAL_PERSON: ("registry_snapshots",),
}
