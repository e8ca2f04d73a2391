"""Reads of calls, scoped to what the user may see.

The public sees published and archived calls only; a draft is a 404 to everyone but programme
administrators (STYLE.md practice 4).
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from calls.models import BudgetPool, Call, CallVersion
from calls.services import can_administer_calls
from opske.errors import NotFound

PUBLIC_DETAIL_PREFETCH = (
    Prefetch("pools", queryset=BudgetPool.objects.order_by("year", "code")),
    "annual_allocations",
    "areas__pool",
    "unit_rates",
    "expense_categories",
    "budget_limits",
    "attachments",
    "deadlines",
    "criteria",
    "placement_services",
    Prefetch("versions", queryset=CallVersion.objects.order_by("number").defer("snapshot")),
)


def call_list_public() -> QuerySet[Call]:
    """Published and archived calls with what the list shows, in a constant number of queries."""
    return (
        Call.objects.public()
        .select_related("programme", "current_version")
        .prefetch_related(Prefetch("pools", queryset=BudgetPool.objects.order_by("year", "code")))
        .order_by("-submission_opens_at", "code")
    )


def call_list_open_for_home(limit: int = 5) -> list[Call]:
    return list(Call.objects.open_at().select_related("programme").order_by("submission_closes_at")[:limit])


def call_get_public(*, pk: int | None = None, code: str | None = None) -> Call:
    qs = (
        Call.objects.public()
        .select_related("programme", "current_version")
        .prefetch_related(*PUBLIC_DETAIL_PREFETCH)
    )
    call = qs.filter(pk=pk).first() if pk is not None else qs.filter(code=code).first()
    if call is None:
        raise NotFound("Η πρόσκληση δεν βρέθηκε.")
    return call


def call_pools_public(*, code: str) -> tuple[Call, list[BudgetPool]]:
    """The live pool counters of a public call (for the FCFS remaining-budget panel)."""
    call = Call.objects.public().filter(code=code).select_related("programme").first()
    if call is None:
        raise NotFound("Η πρόσκληση δεν βρέθηκε.")
    return call, list(call.pools.order_by("year", "code"))


def call_list_for_admin(*, user) -> QuerySet[Call]:
    if not can_administer_calls(user):
        return Call.objects.none()
    return Call.objects.select_related("programme", "current_version").order_by("-updated_at")


def call_get_for_admin(*, user, pk: int) -> Call:
    call = call_list_for_admin(user=user).filter(pk=pk).first()
    if call is None:
        raise NotFound("Η πρόσκληση δεν βρέθηκε.")
    return call


def call_versions(*, call: Call) -> list[CallVersion]:
    return list(call.versions.select_related("created_by").order_by("number"))


def call_version_get(*, call: Call, number: int) -> CallVersion:
    version = call.versions.filter(number=number).first()
    if version is None:
        raise NotFound("Η έκδοση δεν βρέθηκε.")
    return version
