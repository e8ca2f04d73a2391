"""Reads of the on-the-spot area, scoped to what the user may see (STYLE.md practice 4).

Staff (verifier, supervisor, programme admin; auditor read-only) see every sample and visit; a
beneficiary sees only the visits of its own operations, and their reports once issued.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum

from accounts.models import Membership, Role
from accounts.selectors import active_business_ids
from calls.models import Programme
from operations.models import Operation
from opske.dates import to_athens
from opske.errors import NotFound
from verification.models import (
    Correction,
    OnSiteSample,
    OnSiteSelection,
    OnSiteVerification,
    ReliabilityRating,
    RiskRun,
    VerificationRequest,
)
from verification.rules import onsite as rules

STAFF_WRITE = (Role.VERIFIER, Role.SUPERVISOR, Role.PROGRAMME_ADMIN)
STAFF_READ = (*STAFF_WRITE, Role.AUDITOR)
ZERO = Decimal("0.00")


def is_onsite_reader(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*STAFF_READ))


def is_onsite_writer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*STAFF_WRITE))


def _int(pk):
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise NotFound("Δεν βρέθηκε.") from None


def samples_for_staff(user) -> QuerySet[OnSiteSample]:
    if not is_onsite_reader(user):
        return OnSiteSample.objects.none()
    return OnSiteSample.objects.select_related("programme", "drawn_by", "risk_run")


def sample_get_for_staff(*, user, pk) -> OnSiteSample:
    sample = samples_for_staff(user).filter(pk=_int(pk)).first()
    if sample is None:
        raise NotFound("Το δείγμα δεν βρέθηκε.")
    return sample


def selection_get_for_staff(*, user, pk) -> OnSiteSelection:
    sel = (
        OnSiteSelection.objects.filter(pk=_int(pk), sample__in=samples_for_staff(user))
        .select_related("sample__programme", "operation")
        .first()
    )
    if sel is None:
        raise NotFound("Η πράξη του δείγματος δεν βρέθηκε.")
    return sel


def operation_get_for_onsite_staff(*, user, pk) -> Operation:
    """An operation a staff writer may record a visit on (staff see every operation)."""
    op = (
        Operation.objects.filter(pk=_int(pk)).select_related("call").first()
        if is_onsite_writer(user)
        else None
    )
    if op is None:
        raise NotFound("Η πράξη δεν βρέθηκε.")
    return op


def _owned_operations(user) -> Q:
    """Visits of the operations of the businesses the user is an active member of: the business ids
    first (one indexed lookup), not a join through the memberships on every visit (issue 11)."""
    business_ids = active_business_ids(user)
    return Q(operation__business_id__in=business_ids)


def visits_for_user(user) -> QuerySet[OnSiteVerification]:
    """Staff readers: all visits. A beneficiary: the visits of its businesses' operations."""
    qs = OnSiteVerification.objects.select_related("operation__call", "operation__business", "selection")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if is_onsite_reader(user):
        return qs
    return qs.filter(_owned_operations(user))


def visit_get_for_user(*, user, pk) -> OnSiteVerification:
    visit = visits_for_user(user).filter(pk=_int(pk)).first()
    if visit is None:
        raise NotFound("Η επιτόπια επαλήθευση δεν βρέθηκε.")
    return visit


def is_beneficiary_of(user, operation: Operation) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and operation.business_id
        and Membership.objects.filter(
            business_id=operation.business_id, user=user, state=Membership.State.ACTIVE
        ).exists()
    )


def programmes_with_operations() -> QuerySet[Programme]:
    with_operations = Exists(Operation.objects.filter(call__programme=OuterRef("pk")))
    return Programme.objects.filter(with_operations).order_by("code")


def management_bodies(programme: Programme) -> list[str]:
    return sorted(
        set(Operation.objects.filter(call__programme=programme).values_list("management_body", flat=True))
    )


def reliability_for(programme: Programme | None) -> ReliabilityRating | None:
    """§4.4.3: the latest ΕΕΕ rating for the programme, else the one entered for the whole ΣΔΕ."""
    qs = ReliabilityRating.objects.order_by("-year", "-pk")
    if programme is not None:
        own = qs.filter(programme=programme).first()
        if own is not None:
            return own
    return qs.filter(programme__isnull=True).first()


def latest_semiannual_run(programme: Programme, management_body: str) -> RiskRun | None:
    return (
        RiskRun.objects.filter(
            kind=RiskRun.Kind.SEMIANNUAL, programme=programme, management_body=management_body
        )
        .order_by("-as_of", "-pk")
        .first()
    )


@dataclass
class Population:
    candidates: list[rules.Candidate]
    no_execution: list[rules.Candidate]
    short_ids: set[int]  # no-execution operations ending by the next semester's end (pre-ticked)
    run: RiskRun | None
    labels: dict[int, str] = field(default_factory=dict)


def onsite_population(*, programme: Programme, management_body: str, semester: str) -> Population:
    """Facts for §4.4.2: each operation's expenditure «αποδεκτή διαχείρισης» charged to the semester
    (rules.charged_on), less the ΔΚΔ category 2 corrections of those declarations; its stratum and
    score in the latest semi-annual risk run (§4.4.1). [INTERP] the portal's operations carry no
    Annex I group; the call stands for the type/group (step 6)."""
    start, end = rules.semester_period(semester)
    ops = list(
        Operation.objects.filter(call__programme=programme, management_body=management_body)
        .select_related("call")
        .order_by("code")
    )
    spend: dict[int, Decimal] = {}
    requests = VerificationRequest.objects.filter(operation__in=ops, accepted_total__isnull=False).only(
        "pk", "operation_id", "accepted_total", "period_end", "submitted_at"
    )
    counted: list[int] = []
    for r in requests:
        day = rules.charged_on(
            period_end=r.period_end, submitted_on=to_athens(r.submitted_at).date() if r.submitted_at else None
        )
        if day and start <= day <= end:
            spend[r.operation_id] = spend.get(r.operation_id, ZERO) + r.accepted_total
            counted.append(r.pk)
    for row in (
        Correction.objects.filter(request_id__in=counted, category="2")
        .values("operation_id")
        .annotate(total=Sum("amount"))
    ):
        spend[row["operation_id"]] = spend.get(row["operation_id"], ZERO) - row["total"]
    run = latest_semiannual_run(programme, management_body)
    scores = {}
    if run is not None:
        scores = {s.operation_id: s for s in run.scores.all()}
    _, next_end = rules.semester_period(rules.next_semester(semester))
    cands, no_exec, short = [], [], set()
    for op in ops:
        s = scores.get(op.pk)
        c = rules.Candidate(
            op.pk,
            op.code,
            max(ZERO, spend.get(op.pk, ZERO)),
            s.stratum if s else rules.UNASSESSED,
            s.total if s else None,
            op.call.code,
        )
        if c.expenditure > ZERO:
            cands.append(c)
        elif op.state == Operation.State.ACTIVE and op.starts_on <= end:
            no_exec.append(c)
            if op.ends_on is None or op.ends_on <= next_end:
                short.add(op.pk)
    return Population(cands, no_exec, short, run, {op.pk: op.title for op in ops})


def previous_semester_visited(operation_ids, semester: str) -> set[int]:
    """§4.4.2 exclusion 1: verified on the spot in the previous semester (whatever the year)."""
    prev = rules.previous_semester(semester)
    return set(
        OnSiteVerification.objects.filter(operation_id__in=operation_ids, semester=prev).values_list(
            "operation_id", flat=True
        )
    )


def visits_of_operation(*, user, operation: Operation) -> QuerySet[OnSiteVerification]:
    return visits_for_user(user).filter(operation=operation).prefetch_related("findings")


def today() -> datetime.date:
    from django.utils import timezone

    from opske.dates import ATHENS

    return timezone.now().astimezone(ATHENS).date()


def _candidate(row: dict) -> rules.Candidate:
    return rules.Candidate(
        row["operation"],
        row["code"],
        Decimal(row["expenditure"]),
        row["stratum"],
        row["score"],
        row.get("group", ""),
    )


def sample_reproduces(sample: OnSiteSample) -> bool:
    """Re-run the draw from what the sample stored (populations, staff choices, seed): the same
    operations for the same reasons, in the same order of draws (Ο.3 §4.4, auditability)."""
    picks = sample.initial_picks
    result = rules.draw_sample(
        candidates=[_candidate(r) for r in sample.population_a],
        reliability=None if sample.first_use else sample.reliability,
        seed=sample.seed,
        exclusions={r["operation"]: r["excluded"] for r in sample.population_a if r.get("excluded")},
        mandatory={p["operation"]: p["detail"] for p in picks if p["reason"] == rules.MANDATORY},
        judgmental=[p["operation"] for p in picks if p["reason"] == rules.JUDGMENTAL],
        no_execution=[_candidate(r) for r in sample.no_execution_population],
    )
    again = [
        {"operation": p.operation_id, "reason": p.reason, "detail": p.detail, "draw": p.draw}
        for p in result.picks
    ]
    return again == picks
