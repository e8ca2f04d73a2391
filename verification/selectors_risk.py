"""Reads of the risk pages (Guidance Ο.3 §4.2, §4.3.1 box), for the staff roles that may see them."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from accounts.models import Role
from operations.models import Operation
from opske.errors import NotFound
from verification.models import RiskRun, RiskScore, VerificationRequest

READ_ROLES = (Role.VERIFIER, Role.SUPERVISOR, Role.PROGRAMME_ADMIN, Role.AUDITOR)
WRITE_ROLES = (Role.VERIFIER, Role.SUPERVISOR, Role.PROGRAMME_ADMIN)


def can_read(user) -> bool:
    return bool(user.is_authenticated and user.has_role(*READ_ROLES))


def can_act(user) -> bool:
    return bool(user.is_authenticated and user.has_role(*WRITE_ROLES))


def populations_with_latest(user) -> list[dict]:
    """Each Programme × management body with operations, and its latest run of each kind."""
    from calls.models import Programme

    if not can_read(user):
        return []
    pairs = (
        Operation.objects.exclude(state=Operation.State.TERMINATED)
        .values_list("call__programme_id", "management_body")
        .distinct()
        .order_by("call__programme_id", "management_body")
    )
    pairs = list(pairs)
    programmes = Programme.objects.in_bulk({p for p, _b in pairs})
    runs = {}
    for run in RiskRun.objects.filter(programme_id__in=programmes).order_by("as_of", "pk"):
        runs[(run.programme_id, run.management_body, run.kind)] = run
    return [
        {
            "programme": programmes[p],
            "body": b,
            "monthly": runs.get((p, b, RiskRun.Kind.MONTHLY)),
            "semiannual": runs.get((p, b, RiskRun.Kind.SEMIANNUAL)),
        }
        for p, b in pairs
    ]


def run_get(user, *, pk: int) -> RiskRun:
    if not can_read(user):
        raise NotFound("Δεν βρέθηκε η εκτίμηση κινδύνου.")
    run = RiskRun.objects.select_related("programme", "run_by").filter(pk=pk).first()
    if run is None:
        raise NotFound("Δεν βρέθηκε η εκτίμηση κινδύνου.")
    return run


def run_scores(run: RiskRun):
    # No .only(): Operation and Call are FSM models whose state fields are read on load, so a
    # deferred state costs one query per row.
    return (
        RiskScore.objects.filter(run=run)
        .select_related("operation", "operation__call")
        .defer("factors")
        .order_by("rank")
    )


def runs_history(user, *, programme_id: int, body: str):
    if not can_read(user):
        return RiskRun.objects.none()
    return RiskRun.objects.filter(programme_id=programme_id, management_body=body).select_related("run_by")


def operation_get(user, *, pk: int) -> Operation:
    if not can_read(user):
        raise NotFound("Δεν βρέθηκε η πράξη.")
    op = Operation.objects.select_related("call", "call__programme", "business").filter(pk=pk).first()
    if op is None:
        raise NotFound("Δεν βρέθηκε η πράξη.")
    return op


def score_for(operation: Operation, *, run_id: int | None = None) -> RiskScore | None:
    qs = RiskScore.objects.filter(operation=operation).select_related("run", "run__programme")
    if run_id:
        return qs.filter(run_id=run_id).first()
    monthly = qs.filter(run__kind=RiskRun.Kind.MONTHLY).order_by("-run__as_of", "-run_id").first()
    return monthly or qs.order_by("-run__as_of", "-run_id").first()


def requests_for_desk_check(user):
    """Submitted ΔΔΔ with their selection («προς επαλήθευση» first), newest first."""
    if not can_read(user):
        return VerificationRequest.objects.none()
    return (
        VerificationRequest.objects.exclude(state=VerificationRequest.State.DRAFT)
        .select_related("operation", "operation__call")
        .order_by("-submitted_at", "-pk")
    )


def request_get(user, *, pk: int) -> VerificationRequest:
    req = requests_for_desk_check(user).filter(pk=pk).first()
    if req is None:
        raise NotFound("Δεν βρέθηκε το ΔΔΔ.")
    return req


def latest_scores_subquery():
    latest = RiskScore.objects.filter(operation=OuterRef("pk")).order_by("-run__as_of", "-run_id")
    return Subquery(latest.values("total")[:1]), Subquery(latest.values("stratum")[:1])
