"""Reads of the points round, scoped to who may see them (STYLE.md practice 4)."""

from __future__ import annotations

from accounts.models import Role
from applications.models import Application
from evaluation.points.models import (
    Placement,
    PointsRound,
    ProgrammeBar,
    RankingObjection,
    RankingRow,
    RankingTable,
)
from opske.errors import NotFound

READ_ROLES = (Role.PROGRAMME_ADMIN, Role.SUPERVISOR, Role.AUDITOR)
PUBLIC_COLUMNS = (
    "rank",
    "code",
    "education",
    "preferences",
    "points_unemployment",
    "points_income",
    "points_age",
    "points_children",
    "total",
    "service_code",
    "status",
    "reasons",
    "category_rank",
    "tie_note",
)


def can_read(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.has_role(*READ_ROLES)))


def can_manage(user) -> bool:
    return bool(
        user.is_authenticated and (user.is_superuser or user.has_role(Role.PROGRAMME_ADMIN, Role.SUPERVISOR))
    )


def round_list_for_user(*, user):
    if not can_read(user):
        return PointsRound.objects.none()
    return PointsRound.objects.select_related("call").order_by("-created_at")


def round_get_for_user(*, user, pk: int) -> PointsRound:
    rnd = round_list_for_user(user=user).filter(pk=pk).first()
    if rnd is None:
        raise NotFound("Ο γύρος μοριοδότησης δεν βρέθηκε.")
    return rnd


def table_get(*, rnd: PointsRound, kind: str) -> RankingTable:
    table = rnd.tables.filter(kind=kind).first()
    if table is None:
        raise NotFound("Ο πίνακας δεν έχει αναρτηθεί.")
    return table


def public_table_get(*, pk: int, kind: str) -> RankingTable:
    """A posted table, for anyone: rows carry application codes and points, never names."""
    table = RankingTable.objects.select_related("round__call").filter(round_id=pk, kind=kind).first()
    if table is None:
        raise NotFound("Ο πίνακας δεν έχει αναρτηθεί.")
    return table


def public_rows(table: RankingTable, status: str):
    """Only the columns Art. 5(6) lists; `values()` so no name can leak through a relation."""
    qs = table.rows.filter(status=status).values(*PUBLIC_COLUMNS)
    return qs.order_by("rank") if status == RankingRow.Status.RANKED else qs.order_by("code")


def service_names(call) -> dict[str, str]:
    """Placement service code → its name, so tables show «ΟΠΕΚΕΠΕ Αθήνας», not «opekepe-athina»."""
    from calls.models import PlacementService

    return dict(PlacementService.objects.filter(call=call).values_list("code", "name"))


def placements_for(rnd: PointsRound):
    return (
        Placement.objects.filter(round=rnd)
        .select_related("service", "application__person", "replaces")
        .order_by("service__code", "final_rank")
    )


def objections_for(rnd: PointsRound):
    return RankingObjection.objects.filter(round=rnd).select_related("row").order_by("filed_at")


def my_application(*, user, pk: int) -> Application:
    app = (
        Application.objects.select_related("call").filter(pk=pk, applicant_user=user).first()
        if user.is_authenticated
        else None
    )
    if app is None:
        raise NotFound("Η αίτηση δεν βρέθηκε.")
    return app


def bars_for(*, amka: str = ""):
    """Recorded bars, newest first; filtered by ΑΜΚΑ (staff pages only: ΑΜΚΑ is personal data)."""
    qs = ProgrammeBar.objects.select_related("source_call", "recorded_by").order_by("-recorded_at", "-pk")
    return qs.filter(amka=amka) if amka else qs


# --- Employment (placements after the referral) ------------------------------------------------


def can_see_employment(user) -> bool:
    """ΔΥΠΑ/ΚΠΑ2 staff who read the round, and the staff of any placement service."""
    return bool(can_read(user) or (user.is_authenticated and user.host_services.exists()))


def employment_for_user(*, user):
    """Placements with a referral or later: all of them for ΔΥΠΑ/ΚΠΑ2 staff, only their own
    service's for a placement service's staff; nothing for anyone else."""
    qs = Placement.objects.exclude(state=Placement.State.ALLOCATED).select_related(
        "service", "application", "round__call", "replaces__application"
    )
    if can_read(user):
        return qs.order_by("service__code", "final_rank", "pk")
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(service__staff__user=user).order_by("service__code", "final_rank", "pk")


def employment_get_for_user(*, user, pk) -> Placement:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("Η τοποθέτηση δεν βρέθηκε.") from None
    p = employment_for_user(user=user).filter(pk=pk).first()
    if p is None:
        raise NotFound("Η τοποθέτηση δεν βρέθηκε.")
    return p


def host_requests_for_user(*, user):
    from evaluation.points.models import HostRequest

    qs = HostRequest.objects.select_related("placement__application", "service", "replacement__application")
    if can_read(user):
        return qs.order_by("-requested_at", "-pk")
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(service__staff__user=user).order_by("-requested_at", "-pk")
