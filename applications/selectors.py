"""Reads of applications, scoped to what the user may see (STYLE.md practice 4).

An applicant sees the applications of the businesses they act for (any active membership) and
their own person applications; another applicant's application is a 404. Staff with a reading
role (programme admin, evaluator, supervisor, auditor) see the submitted ones, read-only.
"""

from __future__ import annotations

import datetime
import functools
import json
from decimal import Decimal

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects

from accounts.models import Business, BusinessActivity, Membership, Person, Role
from accounts.selectors import active_business_ids
from applications.models import Application, BudgetLine, ClusterPartner, Position, RegistrySnapshot
from calls.models import Call, CallVersion, Programme
from opske.errors import NotFound
from opske.rawrows import Columns, execute_prepared

STAFF_READ_ROLES = (
    Role.PROGRAMME_ADMIN,
    Role.EVALUATOR,
    Role.SUPERVISOR,
    Role.AUDITOR,
    Role.COMMITTEE_MEMBER,
)


def _owned(user) -> Q:
    """Applications of the businesses the user is an active member of, or of the user's own person.

    Two plain lookups first (indexed, a handful of rows), then a filter on the application's own
    columns: ORing the two joins inside the query scanned every application (140–190 ms at
    100,000 applications, even for a user with one; issue 11)."""
    business_ids = active_business_ids(user)
    person_ids = list(Person.objects.filter(user=user).values_list("pk", flat=True))
    return Q(business_id__in=business_ids) | Q(person_id__in=person_ids)


def applications_for_user(user) -> QuerySet[Application]:
    """The applicant's own applications (dashboard «Οι αιτήσεις μου»), newest first."""
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    return (
        Application.objects.filter(_owned(user))
        .select_related("call", "business", "person", "pool", "receipt", "superseded_by")
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


def calls_for_staff_menu() -> list[Call]:
    """The staff list's «Πρόσκληση» menu, by code; each call carries `has_submitted`, so the page opens
    on the first call that has something to show (a semi-join per call: it stops at the first row)."""
    submitted = Application.objects.filter(call=OuterRef("pk")).exclude(status=Application.Status.DRAFT)
    return list(
        Call.objects.public()
        .order_by("code")
        .only("code", "title", "status")
        .annotate(has_submitted=Exists(submitted))
    )


# What a row of the staff lists shows (applications/staff_list.html, ApplicationListSerializer): a
# page of 100 whole rows carried each row's call (its configuration), business, person and pool,
# ~12 ms of a 27 ms page at 100,000 applications (issue 11). The status is an FSM field read as the
# model is made: left out, every row would fetch it again.
_STAFF_ROW = (
    "call_id", "kind", "status", "protocol_number", "priority_seq", "submitted_at", "requested_amount",
    "reserved_amount",
)  # fmt: skip
_STAFF_APPLICANT = (
    "business__name", "business__afm", "person__first_name", "person__last_name", "person__amka",
    "pool__label",
)  # fmt: skip


def application_rows_for_staff(*, user, call=None, applicant: bool = True) -> QuerySet[Application]:
    """application_list_for_staff reading only the columns a row shows; `applicant=False` (the API's
    rows) joins nothing."""
    qs = application_list_for_staff(user=user, call=call).select_related(None)
    if not applicant:
        return qs.only(*_STAFF_ROW)
    return qs.select_related("business", "person", "pool").only(*_STAFF_ROW, *_STAFF_APPLICANT)


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

# On PostgreSQL final submission reads everything it checks and prints on the receipt in one
# statement, with the application's row lock: the application, its call, programme and current
# version, the applicant, the user's roles in the applicant business, and (as JSON) the registry
# answers, positions, partners, budget lines, the business's ΚΑΔ and the current attachments.
# Under an FCFS surge the ORM's per-query compilation was most of a submission's CPU; the rows
# are rebuilt as the ORM builds them (`opske.rawrows`), same order as Meta.ordering.
_JSON_CHILDREN = {
    "registry_snapshots": """(SELECT coalesce(json_agg(json_build_object(
       'id', s.id, 'registry', s.registry, 'status', s.status, 'data', s.data,
       'fetched_at', to_char(s.fetched_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')
     ) ORDER BY s.id), '[]')::text
     FROM applications_registrysnapshot s WHERE s.application_id = a.id)""",
    "positions": """(SELECT coalesce(json_agg(json_build_object(
       'id', p.id, 'specialty', p.specialty, 'qualifications', p.qualifications,
       'category', p.category, 'persons', p.persons, 'place_label', p.place_label,
       'place_region', p.place_region, 'place_regional_unit', p.place_regional_unit,
       'place_municipality', p.place_municipality, 'position', p.position
     ) ORDER BY p.position, p.id), '[]')::text
     FROM applications_position p WHERE p.application_id = a.id)""",
    "partners": """(SELECT coalesce(json_agg(json_build_object(
       'id', p.id, 'afm', p.afm, 'name', p.name, 'kind', p.kind, 'size', p.size, 'position', p.position
     ) ORDER BY p.position, p.id), '[]')::text
     FROM applications_clusterpartner p WHERE p.application_id = a.id)""",
    "budget_lines": """(SELECT coalesce(json_agg(json_build_object(
       'id', l.id, 'category', l.category, 'description', l.description, 'amount', l.amount::text,
       'total_amount', l.total_amount::text, 'research_type', l.research_type,
       'dissemination', l.dissemination, 'position', l.position
     ) ORDER BY l.position, l.id), '[]')::text
     FROM applications_budgetline l WHERE l.application_id = a.id)""",
    "activities": """(SELECT coalesce(json_agg(json_build_object(
       'id', x.id, 'code', x.code, 'description', x.description, 'kind', x.kind
     ) ORDER BY x.kind, x.code), '[]')::text
     FROM accounts_businessactivity x WHERE x.business_id = a.business_id)""",
    # What the receipt lists and the mandatory-document check needs (attachments.current_attachments).
    "attachments": """(SELECT coalesce(json_agg(json_build_object(
       'required_attachment_id', t.required_attachment_id, 'code', coalesce(r.opske_code, ''),
       'document', r.name, 'name', t.original_name, 'size', t.size, 'sha256', t.sha256
     ) ORDER BY r.position, t.uploaded_at, t.id), '[]')::text
     FROM applications_applicationattachment t
     LEFT JOIN calls_requiredattachment r ON r.id = t.required_attachment_id
     WHERE t.application_id = a.id AND t.is_current)""",
}


@functools.cache
def _submission_load() -> tuple[str, list]:
    parts = [
        Columns(Application, "a"),
        Columns(Call, "c"),
        Columns(Programme, "pr"),
        Columns(CallVersion, "v"),
        Columns(Business, "b"),
        Columns(Person, "pe"),
    ]
    table = {m: m._meta.db_table for m in (Application, Call, Programme, CallVersion, Business, Person)}
    sql = (  # table names from the models; the only values are parameters
        f"SELECT {', '.join(p.sql for p in parts)}, "  # noqa: S608
        "ARRAY(SELECT m.role FROM accounts_membership m WHERE m.business_id = a.business_id "
        "AND m.user_id = $2 AND m.state = $3), "
        + ", ".join(_JSON_CHILDREN.values())
        + f" FROM {table[Application]} a"
        f" JOIN {table[Call]} c ON c.id = a.call_id"
        f" JOIN {table[Programme]} pr ON pr.id = c.programme_id"
        f" LEFT JOIN {table[CallVersion]} v ON v.id = c.current_version_id"
        f" LEFT JOIN {table[Business]} b ON b.id = a.business_id"
        f" LEFT JOIN {table[Person]} pe ON pe.id = a.person_id"
        " WHERE a.id = $1 FOR UPDATE OF a"
    )
    return sql, parts


def submission_load_locked(*, application_id: int, user):
    """The application to finalise, row-locked, with everything submission reads; None if absent.

    `app._roles` holds `user`'s active roles in the applicant business (applicant_roles reads
    them), `app._submission_rows` the child rows (services._rows reads them) and
    `app._current_attachments` the current uploads as receipt rows. Elsewhere than on
    PostgreSQL the ORM loads the same (services._locked and load_submission_rows).
    """
    sql, parts = _submission_load()
    with connection.cursor() as cursor:
        execute_prepared(
            cursor,
            "opske_submission_load",
            sql,
            [application_id, getattr(user, "pk", None), str(Membership.State.ACTIVE)],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    objects, offset = [], 0
    for part in parts:
        objects.append(part.build(row, offset))
        offset += part.width
    app, call, programme, version, business, person = objects
    roles, *children = row[offset:]
    data = dict(zip(_JSON_CHILDREN, (json.loads(c) for c in children), strict=True))
    call.programme = programme
    call.current_version = version
    app.call = call
    if version is not None and app.call_version_id == version.pk:
        app.call_version = version
    app.business = business
    app.person = person
    app._roles_of, app._roles = getattr(user, "pk", None), list(roles or [])
    for r in data["registry_snapshots"]:
        r["fetched_at"] = datetime.datetime.fromisoformat(r["fetched_at"])
    for r in data["budget_lines"]:
        r["amount"] = Decimal(r["amount"])
        r["total_amount"] = Decimal(r["total_amount"]) if r["total_amount"] is not None else None
    app._submission_rows = {
        "registry_snapshots": [
            RegistrySnapshot(application_id=app.pk, **r) for r in data["registry_snapshots"]
        ],
        "positions": [Position(application_id=app.pk, **r) for r in data["positions"]],
        "partners": [ClusterPartner(application_id=app.pk, **r) for r in data["partners"]],
        "budget_lines": [BudgetLine(application_id=app.pk, **r) for r in data["budget_lines"]],
        "activities": [BusinessActivity(business_id=app.business_id, **r) for r in data["activities"]],
    }
    app._current_attachments = data["attachments"]
    return app


def load_submission_rows(app: Application) -> None:
    """Prefetch what submission reads (the ORM path, where submission_load_locked is not used)."""
    prefetch_related_objects([app], *SUBMISSION_PREFETCH[app.kind])


# What evaluate_submission and receipt_context read, per applicant kind.
SUBMISSION_PREFETCH = {
    Application.Kind.BUSINESS: ("registry_snapshots", "positions", "business__activities"),
    Application.Kind.CLUSTER: ("registry_snapshots", "partners", "budget_lines", "business__activities"),
    Application.Kind.NATURAL_PERSON: ("registry_snapshots",),
}
